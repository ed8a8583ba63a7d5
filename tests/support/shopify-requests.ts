// Requests signed the way Shopify signs them, built with Shopify's own test helpers where they exist.
import crypto, { randomUUID } from "node:crypto";
import { RequestType, setUpValidRequest } from "@shopify/shopify-api/test-helpers";

export const APP_ORIGIN = "http://127.0.0.1:3000";

export function adminRequest(path: string, shop: string, apiKey: string, apiSecretKey: string): Promise<Request> {
  return setUpValidRequest({ type: RequestType.Admin, store: shop.replace(".myshopify.com", ""), apiKey, apiSecretKey }, new Request(`${APP_ORIGIN}${path}`));
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
      "X-Shopify-API-Version": "2026-10",
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
