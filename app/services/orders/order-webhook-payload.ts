// The orders/create webhook's payload (Shopify's REST order, the fields ADR 008 needs) as a bounded zod
// schema, and the order's lines as verified purchases: quantity and revenue after discounts in the
// shop's currency (`shop_money`, never the buyer's presentment currency), exact to the cent. Pure.
import { z } from "zod";
import { CART_ATTRIBUTE } from "./cart-attribute-names";
import { hasControlCharacter, MAX_LENGTH, QUANTITY_MAX, QUANTITY_MIN, REVENUE_MAX_CENTS } from "../tracking/track-contract";

/** Bounds of a payload we read: far above any real order, low enough to keep one request cheap. */
const MAX_LINES = 1_000;
const MAX_DISCOUNTS_PER_LINE = 100;
const MAX_NOTE_ATTRIBUTES = 250;

const numericId = z.union([z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), z.string().regex(/^\d{1,20}$/)]).transform(String);
const amount = z.union([z.string().max(32), z.number()]).transform(String);
const money = z.object({ amount, currency_code: z.string().regex(/^[A-Z]{3}$/) });

export const orderWebhookSchema = z.object({
  id: numericId,
  checkout_token: z.string().min(1).max(128).nullish(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  presentment_currency: z.string().max(3).nullish(),
  created_at: z.iso.datetime({ offset: true }).nullish(),
  line_items: z
    .array(
      z.object({
        id: numericId,
        product_id: numericId.nullish(),
        variant_id: numericId.nullish(),
        quantity: z.number().int().nonnegative(),
        price_set: z.object({ shop_money: money }),
        discount_allocations: z.array(z.object({ amount_set: z.object({ shop_money: money }) })).max(MAX_DISCOUNTS_PER_LINE).default([]),
      }),
    )
    .max(MAX_LINES),
  note_attributes: z
    .array(z.object({ name: z.string().max(255), value: z.union([z.string().max(4096), z.number(), z.null()]) }))
    .max(MAX_NOTE_ATTRIBUTES)
    .nullish(),
});

export type OrderWebhook = z.infer<typeof orderWebhookSchema>;

export interface OrderLine {
  orderId: string;
  lineId: string;
  productId: string;
  variantId: string | null;
  quantity: number;
  /** Decimal string, 2 places. */
  revenue: string;
  currency: string;
}

export { CART_ATTRIBUTE };

/** "19.99" / "19.9" / "20" → 1999n; null when it is not a plain non-negative decimal. */
export function toCents(value: string): bigint | null {
  const match = /^(\d{1,15})(?:\.(\d{1,6}))?$/.exec(value.trim());
  if (!match) return null;
  const micros = BigInt(match[1] + (match[2] ?? "").padEnd(6, "0"));
  return micros / 10_000n + (micros % 10_000n >= 5_000n ? 1n : 0n);
}

const formatCents = (cents: bigint) => `${cents / 100n}.${String(cents % 100n).padStart(2, "0")}`;

/**
 * The order's lines of a product, priced as the shop booked them: unit `shop_money` × quantity minus the
 * line's discount allocations in `shop_money` (floored at 0). A line in another currency than the
 * order's shop currency, or outside /track's bounds (DESIGN §4), is left out and counted, so no sum
 * mixes currencies or overflows.
 */
export function readOrderLines(order: OrderWebhook): { lines: OrderLine[]; skipped: number } {
  const lines: OrderLine[] = [];
  let skipped = 0;
  for (const line of order.line_items) {
    if (!line.product_id) continue;
    const unit = toCents(line.price_set.shop_money.amount);
    const discounts = line.discount_allocations.map((allocation) => allocation.amount_set.shop_money);
    const discountCents = discounts.map((discount) => toCents(discount.amount));
    const sameCurrency = [line.price_set.shop_money, ...discounts].every((value) => value.currency_code === order.currency);
    if (unit === null || discountCents.includes(null) || !sameCurrency || line.quantity < QUANTITY_MIN || line.quantity > QUANTITY_MAX) {
      skipped++;
      continue;
    }
    const gross = unit * BigInt(line.quantity);
    const net = gross - discountCents.reduce<bigint>((sum, cents) => sum + cents!, 0n);
    const revenue = net > 0n ? net : 0n;
    if (revenue > REVENUE_MAX_CENTS) {
      skipped++;
      continue;
    }
    lines.push({
      orderId: `gid://shopify/Order/${order.id}`,
      lineId: `gid://shopify/LineItem/${line.id}`,
      productId: `gid://shopify/Product/${line.product_id}`,
      variantId: line.variant_id ? `gid://shopify/ProductVariant/${line.variant_id}` : null,
      quantity: line.quantity,
      revenue: formatCents(revenue),
      currency: order.currency,
    });
  }
  return { lines, skipped };
}

/** The visitor and exposures the embed stored on the cart, as the order carries them. */
export function readCartAttributes(order: OrderWebhook): { visitorId: string | null; exposures: string | null } {
  const attribute = (name: string) => {
    const value = order.note_attributes?.find((entry) => entry.name === name)?.value;
    return value === undefined || value === null ? null : String(value);
  };
  const visitorId = attribute(CART_ATTRIBUTE.visitorId);
  // The same bounds as /track's visitor id.
  const valid = visitorId !== null && visitorId.length > 0 && visitorId.length <= MAX_LENGTH.visitorId && !hasControlCharacter(visitorId);
  return { visitorId: valid ? visitorId : null, exposures: attribute(CART_ATTRIBUTE.exposures) };
}
