// Shopify auth for every app credential the deployment serves: the public app (env) and per-shop
// PRIVATE apps whose key/secret live encrypted in ShopCredential. A request is routed to the app of
// the shop it names; that app then verifies the request, so naming another shop gains nothing.
import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import prisma from "./db.server";
import { getEnv } from "./env.server";
import { createAdminClient } from "./services/shopify/admin-client";
import { onShopInstalled } from "./services/shopify/on-shop-installed";
import { findShopCredential, readCredentialSecret } from "./services/shopify/shop-credentials";

type ShopifyApp = ReturnType<typeof buildShopifyApp>;

const sessionStorage = new PrismaSessionStorage(prisma, { connectionRetries: 5, connectionRetryIntervalMs: 1000 });

function buildShopifyApp(apiKey: string, apiSecretKey: string, distribution: AppDistribution) {
  const env = getEnv();
  return shopifyApp({
    apiKey,
    apiSecretKey,
    apiVersion: ApiVersion.October26,
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

declare global {
  var __abtShopifyApps: Map<string, ShopifyApp> | undefined;
}
const apps = (globalThis.__abtShopifyApps ??= new Map());

function publicApp(): ShopifyApp {
  const env = getEnv();
  let app = apps.get("public");
  if (!app) {
    app = buildShopifyApp(env.SHOPIFY_API_KEY, env.SHOPIFY_API_SECRET, AppDistribution.AppStore);
    apps.set("public", app);
  }
  return app;
}

/** The app whose credential serves `shop`: its PRIVATE app when it has one, else the public app. */
export async function shopifyAppForShop(shop: string | null): Promise<ShopifyApp> {
  if (!shop) return publicApp();
  const credential = await findShopCredential(prisma, shop);
  if (!credential || credential.mode !== "PRIVATE" || credential.status !== "ACTIVE") return publicApp();
  const cacheKey = `${credential.id}:${credential.updatedAt.getTime()}`;
  let app = apps.get(cacheKey);
  if (!app) {
    const secret = readCredentialSecret(credential, getEnv().encryptionKey);
    app = buildShopifyApp(credential.apiKey, secret, AppDistribution.SingleMerchant);
    apps.set(cacheKey, app);
  }
  return app;
}

/** The API key App Bridge must be initialised with for `shop` (public; never the secret). */
export async function apiKeyForShop(shop: string): Promise<string> {
  const credential = await findShopCredential(prisma, shop);
  return credential?.mode === "PRIVATE" && credential.status === "ACTIVE" ? credential.apiKey : getEnv().SHOPIFY_API_KEY;
}

function shopFromToken(token: string | null): string | null {
  const payload = token?.split(".")[1];
  if (!payload) return null;
  try {
    const { dest } = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { dest?: string };
    return dest ? new URL(dest).host : null;
  } catch {
    return null;
  }
}

/** The shop a request claims to come from, before any verification (used only to pick the app). */
export function claimedShop(request: Request): string | null {
  const url = new URL(request.url);
  const bearer = request.headers.get("authorization")?.replace(/^Bearer\s+/i, "") ?? null;
  return (
    request.headers.get("x-shopify-shop-domain") ??
    url.searchParams.get("shop") ??
    shopFromToken(url.searchParams.get("id_token")) ??
    shopFromToken(bearer)
  );
}

export const authenticate = {
  admin: async (request: Request) => (await shopifyAppForShop(claimedShop(request))).authenticate.admin(request),
  webhook: async (request: Request) => (await shopifyAppForShop(claimedShop(request))).authenticate.webhook(request),
};

export async function addDocumentResponseHeaders(request: Request, headers: Headers) {
  (await shopifyAppForShop(claimedShop(request))).addDocumentResponseHeaders(request, headers);
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
export const apiVersion = ApiVersion.October26;
