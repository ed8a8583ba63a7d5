// The /track wire format (DESIGN §4) as zod schemas with column-sized limits. The envelope is
// validated as a whole (a malformed request is a 400); events one by one (a bad event is dropped and
// counted, the rest of the batch still lands).
import { z } from "zod";

export const MAX_EVENTS_PER_REQUEST = 50;

const id = (max: number) => z.string().trim().min(1).max(max);
const shopifyId = z.union([z.string().trim().min(1).max(64), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)]);

export const trackEventSchema = z.object({
  id: id(128),
  type: z.enum(["IMPRESSION", "ADD_TO_CART", "PURCHASE"]),
  testId: id(64),
  arm: z.enum(["CONTROL", "TREATMENT"]).optional(),
  visitorId: id(128),
  productId: shopifyId,
  variantId: shopifyId.optional().nullable(),
  quantity: z.number().int().min(1).max(10_000).optional(),
  revenue: z
    .union([z.string().trim().regex(/^\d{1,10}(\.\d{1,4})?$/, "must be a non-negative decimal"), z.number().nonnegative().max(9_999_999_999)])
    .optional()
    .nullable(),
  currency: z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code").optional().nullable(),
  orderId: shopifyId.optional().nullable(),
  lineIndex: z.number().int().min(0).max(999).optional(),
  occurredAt: z.iso.datetime({ offset: true }).optional(),
});

export type TrackEvent = z.infer<typeof trackEventSchema>;

const shopDomain = z
  .string()
  .trim()
  .toLowerCase()
  .max(255)
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
