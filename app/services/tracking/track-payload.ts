// The /track wire format (DESIGN §4) as zod schemas, with the bounds of track-contract.ts. The envelope
// is validated as a whole (a malformed request is a 400); events one by one (a bad event is dropped and
// counted, the rest of the batch still lands). Every string is checked for control characters before
// it is trimmed, and revenue leaves the schema as an exact 2-decimal string within its bound.
// A PURCHASE names its order by `orderId`, or by `checkoutToken` when Shopify gave the pixel no order id
// yet; either way it is stored as a claim that counts only once Shopify's order confirms it (ADR 008).
import { z } from "zod";
import { hasControlCharacter, MAX_EVENTS_PER_REQUEST, MAX_LENGTH, MAX_LINE_INDEX, normalizeRevenue, QUANTITY_MAX, QUANTITY_MIN } from "./track-contract";

export { MAX_EVENTS_PER_REQUEST } from "./track-contract";

const printable = () => z.string().refine((value) => !hasControlCharacter(value), "must not contain control characters");
const id = (max: number) => printable().trim().min(1).max(max);
const shopifyId = z.union([id(MAX_LENGTH.shopifyId), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)]);

const revenue = z.union([printable().trim(), z.number()]).transform((value, context) => {
  const normalized = normalizeRevenue(value);
  if (normalized === null) {
    context.addIssue({ code: "custom", message: "must be a decimal from 0 to 1000000.00" });
    return z.NEVER;
  }
  return normalized;
});

export const trackEventSchema = z.object({
  id: id(MAX_LENGTH.eventId),
  type: z.enum(["IMPRESSION", "ADD_TO_CART", "PURCHASE"]),
  testId: id(MAX_LENGTH.testId),
  arm: z.enum(["CONTROL", "TREATMENT"]).optional(),
  visitorId: id(MAX_LENGTH.visitorId),
  productId: shopifyId,
  variantId: shopifyId.optional().nullable(),
  quantity: z.number().int().min(QUANTITY_MIN).max(QUANTITY_MAX).optional(),
  revenue: revenue.optional().nullable(),
  currency: z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code").optional().nullable(),
  orderId: shopifyId.optional().nullable(),
  checkoutToken: id(MAX_LENGTH.checkoutToken).optional().nullable(),
  lineIndex: z.number().int().min(0).max(MAX_LINE_INDEX).optional(),
  occurredAt: z.iso.datetime({ offset: true }).optional(),
});

export type TrackEvent = z.infer<typeof trackEventSchema>;

const shopDomain = printable()
  .trim()
  .toLowerCase()
  .max(MAX_LENGTH.shopDomain)
  .regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, "must be a *.myshopify.com domain");

export type EnvelopeResult = { ok: true; shop: string; events: unknown[] } | { ok: false; message: string };

/** `{shop, events: [...]}`, or a single event carrying its shop: `{shop, id, type, ...}`. */
export function parseTrackEnvelope(body: unknown): EnvelopeResult {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return { ok: false, message: "body must be a JSON object" };
  const record = body as Record<string, unknown>;
  const shop = shopDomain.safeParse(record.shop);
  if (!shop.success) return { ok: false, message: "shop must be a *.myshopify.com domain" };
  if (Object.hasOwn(record, "events")) {
    const events = record.events;
    if (!Array.isArray(events) || events.length === 0 || events.length > MAX_EVENTS_PER_REQUEST) {
      return { ok: false, message: `events must be an array of 1 to ${MAX_EVENTS_PER_REQUEST} events` };
    }
    return { ok: true, shop: shop.data, events };
  }
  if (Object.hasOwn(record, "id") && Object.hasOwn(record, "type")) return { ok: true, shop: shop.data, events: [record] };
  return { ok: false, message: "body must have an events array or be a single event" };
}
