// Shopify's orders/create webhook as the fake sends it: the REST order payload (the fields the app reads,
// shaped as in Shopify's example payloads: shop_money and presentment_money price sets, discount
// allocations, note attributes) POSTed signed the way Shopify signs — HMAC-SHA256, base64, of the raw
// body with the app's secret — with Shopify's headers. Used by the integration tests and `npm run demo`.
import crypto, { randomUUID } from "node:crypto";
import { ADMIN_API_VERSION } from "../../app/services/shopify/admin-api-version";

export interface FakeOrderLine {
  productId: string;
  variantId?: string | null;
  quantity: number;
  /** Unit price in the shop's currency (shop_money) and, when the buyer paid in another, in theirs. */
  shopPrice: string;
  presentmentPrice?: string;
  /** Discount allocations of the line in the shop's currency. */
  discounts?: string[];
}

export interface FakeOrder {
  id: number;
  checkoutToken?: string | null;
  /** The shop's currency. */
  currency: string;
  presentmentCurrency?: string;
  createdAt?: Date;
  lines: FakeOrderLine[];
  /** Cart attributes, e.g. what the theme embed stored. */
  attributes?: Record<string, string>;
}

const numeric = (id: string) => id.split("/").at(-1)!;

export function buildOrderPayload(order: FakeOrder) {
  const presentment = order.presentmentCurrency ?? order.currency;
  const money = (amount: string, presentmentAmount = amount) => ({
    shop_money: { amount, currency_code: order.currency },
    presentment_money: { amount: presentmentAmount, currency_code: presentment },
  });
  return {
    id: order.id,
    admin_graphql_api_id: `gid://shopify/Order/${order.id}`,
    name: `#${order.id}`,
    checkout_token: order.checkoutToken ?? null,
    currency: order.currency,
    presentment_currency: presentment,
    created_at: (order.createdAt ?? new Date()).toISOString(),
    line_items: order.lines.map((line, index) => ({
      id: order.id * 100 + index,
      admin_graphql_api_id: `gid://shopify/LineItem/${order.id * 100 + index}`,
      product_id: Number(numeric(line.productId)),
      variant_id: line.variantId ? Number(numeric(line.variantId)) : null,
      quantity: line.quantity,
      price: line.presentmentPrice ?? line.shopPrice,
      price_set: money(line.shopPrice, line.presentmentPrice),
      discount_allocations: (line.discounts ?? []).map((amount) => ({ amount, amount_set: money(amount) })),
    })),
    note_attributes: Object.entries(order.attributes ?? {}).map(([name, value]) => ({ name, value })),
  };
}

/** Delivers a payload to the app's orders/create endpoint, signed with `secret`. */
export async function deliverOrderWebhook(options: { appUrl: string; shop: string; secret: string; payload: unknown; webhookId?: string }): Promise<Response> {
  const body = JSON.stringify(options.payload);
  return fetch(`${options.appUrl}/webhooks/orders/create`, {
    method: "POST",
    body,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Hmac-Sha256": crypto.createHmac("sha256", options.secret).update(body, "utf8").digest("base64"),
      "X-Shopify-Topic": "orders/create",
      "X-Shopify-Shop-Domain": options.shop,
      "X-Shopify-API-Version": ADMIN_API_VERSION,
      "X-Shopify-Webhook-Id": options.webhookId ?? randomUUID(),
      "X-Shopify-Triggered-At": new Date().toISOString(),
      "X-Shopify-Event-Id": randomUUID(),
    },
  });
}
