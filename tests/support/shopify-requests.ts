// Requests signed the way Shopify signs them, built with Shopify's own test helpers where they exist.
import crypto, { randomUUID } from "node:crypto";
import { ADMIN_API_VERSION } from "../../app/services/shopify/admin-api-version";
import { getJwt, RequestType, setUpValidRequest } from "@shopify/shopify-api/test-helpers";

export const APP_ORIGIN = "http://127.0.0.1:3000";

export function adminRequest(path: string, shop: string, apiKey: string, apiSecretKey: string): Promise<Request> {
  return setUpValidRequest({ type: RequestType.Admin, store: shop.replace(".myshopify.com", ""), apiKey, apiSecretKey }, new Request(`${APP_ORIGIN}${path}`));
}

/** A session token for `dest` (the shop it names), with the audience and secret of whichever app signs
 * it: the genuine app of `dest`, or another one (a forgery by a merchant who knows its own secret). */
export async function sessionToken(options: { dest: string; apiKey: string; apiSecretKey: string }): Promise<string> {
  return (await getJwt(options.dest.replace(".myshopify.com", ""), options.apiKey, options.apiSecretKey)).token;
}

/** The query string Shopify's admin loads an embedded app with: what a document request carries. */
export function embeddedQuery(shop: string, token: string): URLSearchParams {
  const host = Buffer.from(`admin.shopify.com/store/${shop.replace(".myshopify.com", "")}`).toString("base64");
  return new URLSearchParams({ embedded: "1", shop, host, id_token: token });
}

export function webhookRequest(options: { topic: string; shop: string; payload: unknown; secret: string; path?: string; hmac?: string }): Request {
  const body = JSON.stringify(options.payload);
  const hmac = options.hmac ?? crypto.createHmac("sha256", options.secret).update(body, "utf8").digest("base64");
  return new Request(`${APP_ORIGIN}${options.path ?? `/webhooks/${options.topic}`}`, {
    method: "POST",
    body,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Hmac-Sha256": hmac,
      "X-Shopify-Topic": options.topic,
      "X-Shopify-Shop-Domain": options.shop,
      "X-Shopify-API-Version": ADMIN_API_VERSION,
      "X-Shopify-Webhook-Id": randomUUID(),
      "X-Shopify-Triggered-At": new Date().toISOString(),
      "X-Shopify-Event-Id": randomUUID(),
    },
  });
}

/** Calls a Remix loader/action and returns the Response it answered or threw. */
export async function respond(run: () => Promise<unknown>): Promise<Response | unknown> {
  try {
    return await run();
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}
