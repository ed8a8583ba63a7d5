// Turns Shopify's standard pixel events into /track events (DESIGN §4 wire format), only for
// products the visitor was exposed to. Pure: the visitor (cookies) is read by the caller.
import type {
  CheckoutLineItem,
  MoneyV2,
  PixelEventsCheckoutCompleted,
  PixelEventsProductAddedToCart,
  PixelEventsProductViewed,
} from "@shopify/web-pixels-extension";
import type { Arm } from "../../../app/lib/assignment";
import { numericId, type Exposure } from "../../../app/lib/storefront-contract";

export type TrackEventType = "IMPRESSION" | "ADD_TO_CART" | "PURCHASE";

/** One event of the /track body; optional fields are left out (not null) when they do not apply. */
export interface TrackEvent {
  id: string;
  type: TrackEventType;
  testId: string;
  /** The arm the visitor was shown; /track recomputes it and only checks this one. */
  arm: Arm;
  visitorId: string;
  productId: string;
  variantId?: string;
  quantity: number;
  /** Decimal string with exactly two decimals, e.g. "19.99". */
  revenue?: string;
  currency?: string;
  orderId?: string;
  /** Sent with every purchase: /track matches the claim to Shopify's order by it when no order id is known. */
  checkoutToken?: string;
  lineIndex?: number;
  occurredAt: string;
}

export interface TrackPayload {
  shop: string;
  events: TrackEvent[];
}

/** What the theme app embed's cookies say about the visitor. */
export interface Visitor {
  visitorId: string;
  exposures: readonly Exposure[];
}

export function buildImpressionEvents(event: PixelEventsProductViewed, visitor: Visitor): TrackEvent[] {
  const variant = event.data.productVariant;
  const exposure = findExposure(visitor, variant.product.id);
  if (!exposure) return [];
  return [
    {
      ...identify(event, "IMPRESSION", exposure, visitor),
      ...optionalVariant(variant.id),
      quantity: 1,
      occurredAt: event.timestamp,
    },
  ];
}

export function buildAddToCartEvents(event: PixelEventsProductAddedToCart, visitor: Visitor): TrackEvent[] {
  const line = event.data.cartLine;
  if (!line || !isPositiveQuantity(line.quantity)) return [];
  const exposure = findExposure(visitor, line.merchandise.product.id);
  if (!exposure) return [];
  return [
    {
      ...identify(event, "ADD_TO_CART", exposure, visitor),
      ...optionalVariant(line.merchandise.id),
      quantity: line.quantity,
      occurredAt: event.timestamp,
    },
  ];
}

/**
 * One PURCHASE per checkout line of a product the visitor was exposed to. `lineIndex` is the
 * line's position among all of the checkout's lines (not among the tested ones), so a replayed
 * checkout_completed yields the same `id:lineIndex` dedupe keys on the server.
 */
export function buildPurchaseEvents(event: PixelEventsCheckoutCompleted, visitor: Visitor): TrackEvent[] {
  const checkout = event.data.checkout;
  const orderId = checkout.order?.id ?? undefined;
  // Shopify's types allow checkout.order to be null; the token still ties the purchase to its order.
  const checkoutToken = checkout.token ?? undefined;
  const events: TrackEvent[] = [];
  checkout.lineItems.forEach((line, lineIndex) => {
    const variant = line.variant;
    if (!variant || !isPositiveQuantity(line.quantity)) return;
    const exposure = findExposure(visitor, variant.product.id);
    if (!exposure) return;
    const revenue = readLineRevenue(line);
    const currency = revenue.currencyCode ?? checkout.currencyCode ?? undefined;
    events.push({
      ...identify(event, "PURCHASE", exposure, visitor),
      ...optionalVariant(variant.id),
      quantity: line.quantity,
      revenue: formatRevenue(revenue.amount),
      ...(currency ? { currency } : {}),
      ...(orderId ? { orderId } : {}),
      ...(checkoutToken ? { checkoutToken } : {}),
      lineIndex,
      occurredAt: event.timestamp,
    });
  });
  return events;
}

/**
 * The line's final price. `finalLinePrice` (price × quantity after the line's discounts) is in the
 * package's type, but Shopify documents it as present only for shops on Checkout Extensibility,
 * so a line without it falls back to variant price × quantity minus the line's discount allocations.
 */
export function readLineRevenue(line: CheckoutLineItem): { amount: number; currencyCode: string | null } {
  const finalLinePrice: MoneyV2 | null | undefined = line.finalLinePrice;
  if (finalLinePrice && Number.isFinite(finalLinePrice.amount)) {
    return { amount: finalLinePrice.amount, currencyCode: finalLinePrice.currencyCode || null };
  }
  const price = line.variant?.price;
  // Summed in cents so that 0.1 + 0.2 style float drift cannot move the total by a cent.
  const grossCents = toCents(price?.amount ?? 0) * line.quantity;
  const discountCents = line.discountAllocations.reduce((sum, allocation) => sum + toCents(allocation.amount.amount), 0);
  return { amount: Math.max(0, grossCents - discountCents) / 100, currencyCode: price?.currencyCode || null };
}

/** 19.989999 → "19.99", 5 → "5.00"; negative or non-finite amounts → "0.00". */
export function formatRevenue(amount: number): string {
  const cents = Math.max(0, toCents(amount));
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
}

/** The visitor's exposure for a product id given as a numeric string or a GID (newest wins). */
export function findExposure(visitor: Visitor, productId: string | null): Exposure | undefined {
  const product = numericId(productId);
  if (!product) return undefined;
  for (let index = visitor.exposures.length - 1; index >= 0; index--) {
    if (visitor.exposures[index].product === product) return visitor.exposures[index];
  }
  return undefined;
}

function toCents(amount: number): number {
  if (!Number.isFinite(amount)) return 0;
  // toPrecision strips binary noise first: 1.005 * 100 is 100.49999999999999, which must round up.
  return Math.round(Number((amount * 100).toPrecision(12)));
}

function identify(
  event: { id: string },
  type: TrackEventType,
  exposure: Exposure,
  visitor: Visitor,
): Pick<TrackEvent, "id" | "type" | "testId" | "arm" | "visitorId" | "productId"> {
  // The product id is sent in the numeric form the exposure matched; /track stores it as a GID.
  return { id: event.id, type, testId: exposure.testId, arm: exposure.arm, visitorId: visitor.visitorId, productId: exposure.product };
}

function optionalVariant(variantId: string | null): Pick<TrackEvent, "variantId"> {
  const id = numericId(variantId);
  return id ? { variantId: id } : {};
}

function isPositiveQuantity(quantity: number): boolean {
  return Number.isInteger(quantity) && quantity > 0;
}
