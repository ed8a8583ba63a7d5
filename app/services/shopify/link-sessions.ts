// Repairs offline sessions stored before Session.shopId existed (or whose afterAuth failed): asks the
// Admin API, with each session's own token, which shop it belongs to and links it to the credential
// configured under that shop's myshopify domain or its primary (possibly custom) domain.
import type { PrismaClient, ShopCredential } from "@prisma/client";
import { AdminApiError, type AdminClient, type AdminSession } from "./admin-client";
import { SHOP_INFO, type ShopInfo } from "./admin-operations";

export interface LinkSessionsOptions {
  /** Report what would be linked without writing anything. */
  dryRun?: boolean;
  /** Only the sessions of these shops (the sessions' myshopify domains). */
  shops?: string[];
}

type LinkResult =
  | {
      status: "linked";
      dryRun: boolean;
      shopId: string;
      credentialDomain: string;
      /** Credential fields filled from the Admin API because they were empty. */
      filled: string[];
    }
  | { status: "not-linked"; triedDomains: string[]; reason: string };

export type LinkSessionOutcome = { sessionId: string; sessionShop: string } & (LinkResult | { status: "failed"; error: string });

type CredentialDetails = Pick<ShopCredential, "myshopifyDomain" | "primaryDomain" | "ianaTimezone" | "currencyCode">;

export async function linkSessions(
  prisma: PrismaClient,
  connect: (session: AdminSession) => AdminClient,
  options: LinkSessionsOptions = {},
): Promise<LinkSessionOutcome[]> {
  const sessions = await prisma.session.findMany({
    where: { isOnline: false, shopId: null, ...(options.shops ? { shop: { in: options.shops.map((shop) => shop.toLowerCase()) } } : {}) },
    orderBy: [{ shop: "asc" }, { id: "asc" }],
    select: { id: true, shop: true, accessToken: true },
  });
  const outcomes: LinkSessionOutcome[] = [];
  for (const session of sessions) {
    const base = { sessionId: session.id, sessionShop: session.shop };
    try {
      const { shop } = await connect({ shop: session.shop, accessToken: session.accessToken }).request(SHOP_INFO);
      outcomes.push({ ...base, ...(await linkSession(prisma, session.id, session.shop, shop, options.dryRun ?? false)) });
    } catch (error) {
      // One shop's revoked token or vanished session must not stop the others from being linked.
      outcomes.push({ ...base, status: "failed", error: describeAdminFailure(error) });
    }
  }
  return outcomes;
}

async function linkSession(
  prisma: PrismaClient,
  sessionId: string,
  sessionShop: string,
  shop: ShopInfo,
  dryRun: boolean,
): Promise<LinkResult> {
  const myshopifyDomain = shop.myshopifyDomain.toLowerCase();
  const triedDomains = [...new Set([myshopifyDomain, sessionShop.toLowerCase(), shop.primaryDomain.host.toLowerCase()])];
  const candidates = await prisma.shopCredential.findMany({
    where: { OR: [{ myshopifyDomain: { in: triedDomains } }, { shopDomain: { in: triedDomains } }] },
  });
  // A credential already bound to another myshopify domain is another shop's, whatever its shopDomain
  // says (a custom domain can move between shops).
  const owned = candidates.filter((credential) => credential.myshopifyDomain === null || credential.myshopifyDomain === myshopifyDomain);
  const rank = (credential: ShopCredential) =>
    credential.myshopifyDomain === myshopifyDomain ? 0 : triedDomains.indexOf(credential.shopDomain) + 1;
  const credential = owned.sort((a, b) => rank(a) - rank(b))[0];
  if (!credential) {
    const taken = candidates.map((other) => `${other.shopDomain} belongs to ${other.myshopifyDomain}`);
    const reason = taken.length > 0 ? `only other shops' credentials match (${taken.join(", ")})` : "no credential matches";
    return { status: "not-linked", triedDomains, reason };
  }

  const fromApi: CredentialDetails = {
    myshopifyDomain,
    primaryDomain: shop.primaryDomain.host,
    ianaTimezone: shop.ianaTimezone,
    currencyCode: shop.currencyCode,
  };
  const missing = (Object.keys(fromApi) as (keyof CredentialDetails)[]).filter((field) => credential[field] === null);
  const linked = { status: "linked" as const, dryRun, shopId: credential.id, credentialDomain: credential.shopDomain, filled: missing };
  if (dryRun) return linked;
  await prisma.$transaction(async (tx) => {
    if (missing.length > 0) {
      await tx.shopCredential.update({ where: { id: credential.id }, data: Object.fromEntries(missing.map((field) => [field, fromApi[field]])) });
    }
    await tx.session.update({ where: { id: sessionId }, data: { shopId: credential.id } });
  });
  return linked;
}

const HTTP_HINTS: Readonly<Record<number, string>> = {
  401: "the access token was revoked (app uninstalled?): reinstall the app on this shop",
  402: "the shop is frozen for unpaid bills",
  403: "the app lacks access: check its scopes, or reinstall it",
  404: "the shop no longer exists (closed or renamed)",
  423: "the shop is locked by Shopify",
};

/** One line an operator can act on, for any failure of a per-shop Admin API call. */
export function describeAdminFailure(error: unknown): string {
  if (error instanceof AdminApiError && error.code === "HTTP_ERROR" && error.details.status !== undefined) {
    const hint = HTTP_HINTS[error.details.status];
    return hint ? `${error.message}: ${hint}` : error.message;
  }
  if (error instanceof AdminApiError && error.code === "THROTTLED") {
    return `${error.message} (gave up after ${error.details.tries} tries; run again later)`;
  }
  if (error instanceof AdminApiError && error.code === "NETWORK") {
    // Locally the usual cause is SHOPIFY_ADMIN_API_ORIGIN pointing at a fake API that is not running.
    return `${error.message} (Admin API unreachable after ${error.details.tries} tries: check the network, or SHOPIFY_ADMIN_API_ORIGIN if set)`;
  }
  return error instanceof Error ? error.message : String(error);
}
