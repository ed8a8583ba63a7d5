// Shopify auth for every app credential the deployment serves: the public app (env) and per-shop
// PRIVATE apps whose key/secret live encrypted in ShopCredential. Which credential verifies a request
// is decided by the shop the request acts on — a session token's own `dest`, a webhook's shop header —
// never by a header or parameter beside the token: a PRIVATE merchant knows its own secret and
// could otherwise sign a token for another shop and have its own credential accept it.
import "@shopify/shopify-app-remix/adapters/node";
import { createHash } from "node:crypto";
import { AppDistribution, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import prisma from "./db.server";
import { getEnv } from "./env.server";
import { jsonError } from "./lib/api-error";
import { createAdminClient } from "./services/shopify/admin-client";
import { LIBRARY_API_VERSION } from "./services/shopify/admin-api-version";
import { onShopInstalled } from "./services/shopify/on-shop-installed";
import { isSignedWith, readSessionToken, readTokenDest } from "./services/shopify/session-token";
import { findShopCredential, readCredentialSecretForRequest } from "./services/shopify/shop-credentials";
import { ShopifyAppCache } from "./services/shopify/shopify-app-cache";

type ShopifyApp = ReturnType<typeof buildShopifyApp>;

const sessionStorage = new PrismaSessionStorage(prisma, { connectionRetries: 5, connectionRetryIntervalMs: 1000 });

function buildShopifyApp(apiKey: string, apiSecretKey: string, distribution: AppDistribution) {
  const env = getEnv();
  return shopifyApp({
    apiKey,
    apiSecretKey,
    apiVersion: LIBRARY_API_VERSION,
    scopes: env.scopes,
    appUrl: env.SHOPIFY_APP_URL,
    authPathPrefix: "/auth",
    sessionStorage,
    distribution,
    isEmbeddedApp: true,
    future: { unstable_newEmbeddedAuthStrategy: true },
    logger: { level: env.NODE_ENV === "test" ? LogSeverity.Error : LogSeverity.Info },
    hooks: {
      afterAuth: async ({ session }) => {
        const admin = createAdminClient(
          { shop: session.shop, accessToken: session.accessToken! },
          { origin: env.SHOPIFY_ADMIN_API_ORIGIN },
        );
        await onShopInstalled(prisma, admin, { sessionId: session.id, sessionShop: session.shop, apiKey, appUrl: env.SHOPIFY_APP_URL });
      },
    },
  });
}

/** A built app and what identifies the credential it verifies with (never the secret itself). */
interface ResolvedApp {
  app: ShopifyApp;
  secret: string;
  /** Same value exactly when the same credential (id, key and secret) verifies: compared after auth. */
  identity: string;
  /** The shop's ShopCredential row, when it has one (a public shop before its first install has none). */
  credentialId: string | null;
}

/** A few hundred PRIVATE shops fit; beyond that the least recently used app is rebuilt on its next request. */
export const SHOPIFY_APP_CACHE_CAPACITY = 300;

declare global {
  var __abtShopifyApps: ShopifyAppCache<Omit<ResolvedApp, "credentialId">> | undefined;
}
const apps = globalThis.__abtShopifyApps instanceof ShopifyAppCache ? globalThis.__abtShopifyApps : (globalThis.__abtShopifyApps = new ShopifyAppCache(SHOPIFY_APP_CACHE_CAPACITY));

const sha256 = (...parts: string[]) => createHash("sha256").update(parts.join("\0")).digest("base64url");

function publicApp(): Omit<ResolvedApp, "credentialId"> {
  const env = getEnv();
  return apps.getOrBuild("public", sha256(env.SHOPIFY_API_KEY, env.SHOPIFY_API_SECRET), () => ({
    app: buildShopifyApp(env.SHOPIFY_API_KEY, env.SHOPIFY_API_SECRET, AppDistribution.AppStore),
    secret: env.SHOPIFY_API_SECRET,
    identity: `public:${sha256(env.SHOPIFY_API_KEY, env.SHOPIFY_API_SECRET)}`,
  }));
}

/** The app whose credential verifies `shop`: its PRIVATE app when it has or had one (in any status: an
 * uninstalled PRIVATE shop's compliance webhooks and its reinstall are signed with its own secret),
 * else the public app. */
async function resolveShopApp(shop: string | null): Promise<ResolvedApp> {
  const credential = shop ? await findShopCredential(prisma, shop) : null;
  if (credential?.mode !== "PRIVATE") return { ...publicApp(), credentialId: credential?.id ?? null };
  // A changed row (new secret, re-encrypted secret, re-saved credential) rebuilds the entry in place.
  const fingerprint = `${credential.updatedAt.getTime()}:${sha256(credential.apiKey, credential.apiSecret ?? "")}`;
  const resolved = apps.getOrBuild(`credential:${credential.id}`, fingerprint, () => {
    const secret = readCredentialSecretForRequest(credential, getEnv().keyring);
    return {
      app: buildShopifyApp(credential.apiKey, secret, AppDistribution.SingleMerchant),
      secret,
      identity: `private:${credential.id}:${sha256(credential.apiKey, secret)}`,
    };
  });
  return { ...resolved, credentialId: credential.id };
}

/** The app whose credential serves `shop` (see resolveShopApp). */
export async function shopifyAppForShop(shop: string | null): Promise<ShopifyApp> {
  return (await resolveShopApp(shop)).app;
}

/** The API key App Bridge must be initialised with for `shop` (public; never the secret). */
export async function apiKeyForShop(shop: string): Promise<string> {
  const credential = await findShopCredential(prisma, shop);
  return credential?.mode === "PRIVATE" ? credential.apiKey : getEnv().SHOPIFY_API_KEY;
}

/** Shops a request names beside its session token (header and `?shop=`); lowercased, deduplicated. */
function claimedShops(request: Request): string[] {
  const claims = [request.headers.get("x-shopify-shop-domain"), new URL(request.url).searchParams.get("shop")];
  return [...new Set(claims.filter((claim): claim is string => claim !== null).map((claim) => claim.trim().toLowerCase()))];
}

const unauthorized = (code: string, message: string) => jsonError(401, code, message, { "Cache-Control": "no-store" });

/**
 * authenticate.admin of the app that owns the token's `dest` shop. Refused with 401 before the library
 * runs: a token naming no shop, a header or `?shop=` naming another shop than the token, a token not
 * signed by the dest shop's credential. Checked again after: the session is the dest shop's and that
 * shop still resolves to the credential that verified it.
 */
async function authenticateAdmin(request: Request) {
  const token = readSessionToken(request);
  if (!token) {
    // No token: the library only redirects (login, bounce page, exit-iframe) and reads nothing; the
    // claimed shop picks the app so the bounce page loads App Bridge with that shop's API key.
    const [claimed] = claimedShops(request);
    return { ...(await withAuthErrors(request, (await resolveShopApp(claimed ?? null)).app)), credentialId: null };
  }
  const dest = readTokenDest(token);
  if (!dest) throw unauthorized("invalid_session_token", "The session token names no shop.");
  if (claimedShops(request).some((claimed) => claimed !== dest)) {
    throw unauthorized("shop_mismatch", "The shop named by the request is not the shop of its session token.");
  }
  const verifying = await resolveShopApp(dest);
  if (!isSignedWith(token, verifying.secret)) {
    throw unauthorized("invalid_session_token", "The session token is not signed by the app of the shop it names.");
  }
  const context = await withAuthErrors(request, verifying.app);
  const owner = await resolveShopApp(context.session.shop);
  if (context.session.shop !== dest || owner.identity !== verifying.identity) {
    console.error(JSON.stringify({ event: "admin_auth_credential_mismatch", shop: context.session.shop, dest }));
    throw unauthorized("shop_mismatch", "The session does not belong to the credential that verified it.");
  }
  return { ...context, credentialId: owner.credentialId };
}

/** On the exit-iframe path the library answers with a Response (the App Bridge redirect page) or
 * throws a ShopifyError for a destination it will not redirect to: that is bad input, not a 500. */
async function withAuthErrors(request: Request, app: ShopifyApp) {
  try {
    return await app.authenticate.admin(request);
  } catch (error) {
    if (!(error instanceof Response) && new URL(request.url).pathname === "/auth/exit-iframe") {
      throw jsonError(400, "invalid_redirect", "The exit-iframe destination is not this app or the Shopify admin.");
    }
    throw error;
  }
}

export const authenticate = {
  admin: authenticateAdmin,
  // Shopify's HMAC covers the body, not the shop header: the shop the header names is the one acted on,
  // so its own credential (in any status) must have signed the body. Naming another shop fails its HMAC.
  webhook: async (request: Request) => (await resolveShopApp(request.headers.get("x-shopify-shop-domain"))).app.authenticate.webhook(request),
};

export async function addDocumentResponseHeaders(request: Request, headers: Headers) {
  // Headers only (CSP frame-ancestors for the shop in ?shop=); no credential decides anything here.
  publicApp().app.addDocumentResponseHeaders(request, headers);
}

export async function login(request: Request) {
  return (await shopifyAppForShop(loginShop(request))).login(request);
}

/** login() also accepts "my-shop": look the credential up by the domain it will use. */
function loginShop(request: Request): string | null {
  const typed = new URL(request.url).searchParams.get("shop")?.trim().toLowerCase();
  if (!typed) return null;
  return typed.includes(".") ? typed : `${typed}.myshopify.com`;
}

export { sessionStorage };
export const apiVersion = LIBRARY_API_VERSION;
