// Web pixel (strict sandbox): reports impressions, add-to-carts and purchases of products under an
// A/B test to the app's /track endpoint, attributed to the arm the theme app embed showed.
import { register, type PixelEvents } from "@shopify/web-pixels-extension";
import {
  buildAddToCartEvents,
  buildImpressionEvents,
  buildPurchaseEvents,
  type TrackEvent,
  type Visitor,
} from "./build-events";
import { createEventSender } from "./event-sender";
import { readPixelSettings } from "./pixel-settings";
import { readVisitor } from "./read-visitor";
import { trackConsent } from "./track-consent";

type TrackedEventName = "product_viewed" | "product_added_to_cart" | "checkout_completed";

register(({ analytics, browser, settings, init, customerPrivacy }) => {
  const { enabled, debug, trackUrl } = readPixelSettings(settings);
  const log = debug ? (message: string, detail?: unknown) => console.log(message, detail) : undefined;
  if (!enabled || !trackUrl) {
    log?.("[ab-test-pixel] not tracking: enabled is not \"true\" or app_url is not a URL", settings);
    return;
  }

  const consent = trackConsent(init.customerPrivacy, customerPrivacy);
  const sender = createEventSender({
    url: trackUrl,
    shop: init.data.shop.myshopifyDomain,
    // Looked up per request, not captured here, so the sandbox's (or a test's) fetch is used.
    fetch: (url, requestInit) => fetch(url, requestInit),
    isAllowed: consent.isAnalyticsAllowed,
    // Per tab, so events kept during a /track outage are resent from the shopper's next page.
    storage: browser.sessionStorage,
    log,
  });

  function subscribeTracked<K extends TrackedEventName>(name: K, build: (event: PixelEvents[K], visitor: Visitor) => TrackEvent[]) {
    analytics.subscribe(name, (event) => {
      // Shopify ignores the callback's result; a rejection would only surface as noise.
      void collect(event, build).catch((error: unknown) => log?.(`[ab-test-pixel] ${name} not tracked`, error));
    });
  }

  async function collect<E>(event: E, build: (event: E, visitor: Visitor) => TrackEvent[]): Promise<void> {
    if (!consent.isAnalyticsAllowed()) return;
    const visitor = await readVisitor(browser.cookie);
    if (!visitor) return;
    sender.enqueue(build(event, visitor));
  }

  subscribeTracked("product_viewed", buildImpressionEvents);
  subscribeTracked("product_added_to_cart", buildAddToCartEvents);
  subscribeTracked("checkout_completed", buildPurchaseEvents);
});
