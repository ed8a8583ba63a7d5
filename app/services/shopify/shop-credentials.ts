import type { CredentialMode, PrismaClient, ShopCredential } from "@prisma/client";
import { decryptSecret, encryptSecret } from "./secret-box";

export interface ShopCredentialInput {
  shopDomain: string;
  apiKey: string;
  /** Plaintext; stored encrypted. Required for PRIVATE credentials. */
  apiSecret?: string;
  mode: CredentialMode;
}

export async function saveShopCredential(prisma: PrismaClient, encryptionKey: Buffer, input: ShopCredentialInput): Promise<ShopCredential> {
  if (input.mode === "PRIVATE" && !input.apiSecret) throw new Error("A PRIVATE credential needs its API secret");
  const data = {
    apiKey: input.apiKey,
    apiSecret: input.apiSecret ? encryptSecret(input.apiSecret, encryptionKey) : null,
    mode: input.mode,
    status: "ACTIVE" as const,
  };
  return prisma.shopCredential.upsert({
    where: { shopDomain: input.shopDomain },
    create: { shopDomain: input.shopDomain, ...data },
    update: data,
  });
}

export function readCredentialSecret(credential: Pick<ShopCredential, "apiSecret" | "shopDomain">, encryptionKey: Buffer): string {
  if (!credential.apiSecret) throw new Error(`Credential for ${credential.shopDomain} has no API secret`);
  return decryptSecret(credential.apiSecret, encryptionKey);
}

/** The credential a shop domain (myshopify or configured custom domain) belongs to, if any. */
export function findShopCredential(prisma: PrismaClient, shop: string) {
  return prisma.shopCredential.findFirst({
    where: { OR: [{ myshopifyDomain: shop }, { shopDomain: shop }] },
    orderBy: { myshopifyDomain: { sort: "asc", nulls: "last" } },
  });
}
