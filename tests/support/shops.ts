// Test data for shops: every test makes its own shop with a unique domain, so tests never depend
// on order or on rows another test left behind.
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { setUpValidSession } from "@shopify/shopify-api/test-helpers";
import { getEnv } from "../../app/env.server";
import { saveShopCredential } from "../../app/services/shopify/shop-credentials";
import { sessionStorage } from "../../app/shopify.server";

export function uniqueShopDomain(prefix = "shop"): string {
  return `${prefix}-${randomUUID().slice(0, 8)}.myshopify.com`;
}

export interface InstalledShop {
  shopDomain: string;
  shopId: string;
  sessionId: string;
  accessToken: string;
  apiKey: string;
  apiSecret: string;
}

/** A shop as it is after install: credential, offline session, and the session linked by FK. */
export async function createInstalledShop(
  prisma: PrismaClient,
  options: { mode?: "PUBLIC" | "PRIVATE"; shopDomain?: string } = {},
): Promise<InstalledShop> {
  const env = getEnv();
  const shopDomain = options.shopDomain ?? uniqueShopDomain();
  const isPrivate = options.mode === "PRIVATE";
  const apiKey = isPrivate ? `private-key-${randomUUID().slice(0, 8)}` : env.SHOPIFY_API_KEY;
  const apiSecret = isPrivate ? `private-secret-${randomUUID()}` : env.SHOPIFY_API_SECRET;
  const credential = await saveShopCredential(prisma, env.keyring, {
    shopDomain,
    apiKey,
    apiSecret: isPrivate ? apiSecret : undefined,
    mode: isPrivate ? "PRIVATE" : "PUBLIC",
  });
  await prisma.shopCredential.update({ where: { id: credential.id }, data: { myshopifyDomain: shopDomain } });
  const session = setUpValidSession({ shop: shopDomain, expires: undefined, isOnline: false, accessToken: `shpat_test_${shopDomain}` });
  await sessionStorage.storeSession(session);
  await prisma.session.update({ where: { id: session.id }, data: { shopId: credential.id } });
  return { shopDomain, shopId: credential.id, sessionId: session.id, accessToken: session.accessToken!, apiKey, apiSecret };
}
