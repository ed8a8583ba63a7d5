// Stores the visitor id and exposures on the cart as attributes (`_abt_vid`, `_abt_exp`; the `_` hides
// them from the buyer), which Shopify copies into the order's note_attributes: the orders/create
// webhook attributes an order the pixel never saw by them (ADR 008). Only where the visitor's consent
// allows analytics (Shopify's Customer Privacy API), and only when the value or the cart changed since
// the last write, so a page where nothing changed costs no request.
import { CART_ATTRIBUTE } from "../../../app/services/orders/cart-attribute-names";

interface CustomerPrivacy {
  analyticsProcessingAllowed?: () => boolean;
}

export interface ShopifyGlobal {
  customerPrivacy?: CustomerPrivacy;
}

/** Where the last written value is remembered: per browser, as the cart is. */
export const SYNC_KEY = "abt_cart_sync";

/** What identifies a write: the cart (Shopify's `cart` cookie) and the attributes' values. */
export function syncMarker(cartToken: string | null, visitorId: string, exposures: string): string {
  return `${cartToken || ""}|${visitorId}|${exposures}`;
}

/**
 * Whether the visitor's consent allows analytics, per the Customer Privacy API the storefront loaded
 * (Shopify's cookie banner loads it). Unknown consent (no API on the page) counts as not given.
 */
export function isAnalyticsAllowed(shopify: ShopifyGlobal | undefined): boolean {
  const privacy = shopify && shopify.customerPrivacy;
  return Boolean(privacy && typeof privacy.analyticsProcessingAllowed === "function" && privacy.analyticsProcessingAllowed());
}

export function syncCartAttributes(win: Window, readCart: () => string | null, visitorId: string, exposures: string): void {
  const marker = () => syncMarker(readCart(), visitorId, exposures);
  try {
    if (win.localStorage.getItem(SYNC_KEY) === marker()) return;
  } catch {
    // Storage blocked: write on each exposure, just without the skip.
  }
  const body = new URLSearchParams();
  body.set(`attributes[${CART_ATTRIBUTE.visitorId}]`, visitorId);
  body.set(`attributes[${CART_ATTRIBUTE.exposures}]`, exposures);
  // The cart may have been created by this request: the marker is taken under the cookie it set.
  win
    .fetch("/cart/update.js", { method: "POST", body })
    .then((response) => response.ok && win.localStorage.setItem(SYNC_KEY, marker()))
    .catch(() => {});
}
