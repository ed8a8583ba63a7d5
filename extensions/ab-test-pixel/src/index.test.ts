// Drives the real register() callback of the pixel with Shopify-typed events and checks what
// reaches /track over fetch.
import type { ExtensionApi } from "@shopify/web-pixels-extension";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { encodeExposures, EXPOSURE_COOKIE, VISITOR_COOKIE } from "../../../app/lib/storefront-contract";
import type { TrackEvent, TrackPayload } from "./build-events";
import { MAX_RETRY_DELAY_MS, MAX_UNSENT_AGE_MS, RETRY_DELAY_MS, UNSENT_STORAGE_KEY, type TrackRequestInit } from "./event-sender";
import { createFakePixelApi, createMemoryStorage, DEFAULT_SETTINGS, type FakePixelApiOptions } from "./fake-pixel-api";
import {
  buildCheckoutCompletedEvent,
  buildCheckoutLine,
  buildProductAddedToCartEvent,
  buildProductViewedEvent,
  SHOP_DOMAIN,
} from "./pixel-event-fixtures";
import { MAX_BODY_BYTES, utf8ByteLength } from "./split-batches";

const registered = vi.hoisted(() => ({ extend: undefined as ((api: ExtensionApi) => void) | undefined }));

vi.mock(import("@shopify/web-pixels-extension"), async (importOriginal) => ({
  ...(await importOriginal()),
  // The real register() hands the callback to the sandbox's `shopify.extend`; keep it instead.
  register: (extend: (api: ExtensionApi) => void) => {
    registered.extend = extend;
  },
}));

// Imported for its side effect: the pixel registers itself at load, like in the sandbox.
await import("./index");

const VISITOR_ID = "v-7f3a";
const EXPOSED_COOKIES = {
  [VISITOR_COOKIE]: VISITOR_ID,
  [EXPOSURE_COOKIE]: encodeExposures([
    { product: "111", testId: "test-a", arm: "CONTROL" },
    { product: "333", testId: "test-c", arm: "TREATMENT" },
  ]),
};

type FetchResult = { ok: boolean; status: number };
const fetchMock = vi.fn<(url: string, init: TrackRequestInit) => Promise<FetchResult>>();

function startPixel(options: FakePixelApiOptions = {}) {
  const fake = createFakePixelApi({ cookies: EXPOSED_COOKIES, ...options });
  if (!registered.extend) throw new Error("the pixel did not call register()");
  registered.extend(fake.api);
  return fake;
}

/** Runs the batching tick, the requests and any retry timers to completion. */
async function settle(): Promise<void> {
  await vi.runAllTimersAsync();
}

function sentRequests() {
  return fetchMock.mock.calls.map(([url, init]) => ({ url, init, payload: JSON.parse(init.body) as TrackPayload }));
}

function sentEvents(): TrackEvent[] {
  return sentRequests().flatMap((request) => request.payload.events);
}

beforeEach(() => {
  vi.useFakeTimers();
  fetchMock.mockReset();
  fetchMock.mockResolvedValue({ ok: true, status: 202 });
  vi.stubGlobal("fetch", fetchMock);
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe("web pixel: product_viewed", () => {
  it("GIVEN a visitor exposed to the product WHEN product_viewed fires THEN one IMPRESSION is POSTed to /track as text/plain with keepalive", async () => {
    const pixel = startPixel();

    pixel.emit("product_viewed", buildProductViewedEvent("evt-view-1", { productId: "111", variantId: "4001" }));
    await settle();

    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [{ url, init, payload }] = sentRequests();
    expect(url).toBe("https://app.example.com/track");
    expect(init).toMatchObject({ method: "POST", keepalive: true, headers: { "Content-Type": "text/plain" } });
    expect(payload).toEqual({
      shop: SHOP_DOMAIN,
      events: [
        {
          id: "evt-view-1",
          type: "IMPRESSION",
          testId: "test-a",
          arm: "CONTROL",
          visitorId: VISITOR_ID,
          productId: "111",
          variantId: "4001",
          quantity: 1,
          occurredAt: "2025-06-01T12:00:00.000Z",
        },
      ],
    });
  });

  it.each([
    ["numeric ids", "333", "4003"],
    ["GIDs", "gid://shopify/Product/333", "gid://shopify/ProductVariant/4003"],
  ])("GIVEN an event carrying %s WHEN product_viewed fires THEN it matches the exposure by numeric id", async (_label, productId, variantId) => {
    const pixel = startPixel();

    pixel.emit("product_viewed", buildProductViewedEvent("evt-view-2", { productId, variantId }));
    await settle();

    expect(sentEvents()).toEqual([expect.objectContaining({ type: "IMPRESSION", testId: "test-c", arm: "TREATMENT", productId: "333", variantId: "4003" })]);
  });

  it.each<[string, Record<string, string>, string]>([
    ["no exposure for this product", EXPOSED_COOKIES, "222"],
    ["no visitor cookie", { [EXPOSURE_COOKIE]: EXPOSED_COOKIES[EXPOSURE_COOKIE] }, "111"],
    ["no exposure cookie", { [VISITOR_COOKIE]: VISITOR_ID }, "111"],
    ["a malformed exposure cookie", { [VISITOR_COOKIE]: VISITOR_ID, [EXPOSURE_COOKIE]: "garbage" }, "111"],
    ["no cookies at all", {}, "111"],
  ])("GIVEN %s WHEN product_viewed fires THEN nothing is sent", async (_label, cookies, productId) => {
    const pixel = startPixel({ cookies });

    pixel.emit("product_viewed", buildProductViewedEvent("evt-view-3", { productId, variantId: "4002" }));
    await settle();

    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("GIVEN the embed records an exposure after the pixel loaded WHEN product_viewed fires THEN the new exposure is used", async () => {
    const pixel = startPixel({ cookies: { [VISITOR_COOKIE]: VISITOR_ID } });
    pixel.cookies.set(EXPOSURE_COOKIE, encodeExposures([{ product: "555", testId: "test-e", arm: "TREATMENT" }]));

    pixel.emit("product_viewed", buildProductViewedEvent("evt-view-4", { productId: "555", variantId: "4005" }));
    await settle();

    expect(sentEvents()).toEqual([expect.objectContaining({ testId: "test-e", productId: "555" })]);
  });
});

describe("web pixel: product_added_to_cart", () => {
  it("GIVEN an exposed product WHEN 3 units are added THEN one ADD_TO_CART with quantity 3 is sent", async () => {
    const pixel = startPixel();

    pixel.emit("product_added_to_cart", buildProductAddedToCartEvent("evt-atc-1", { productId: "gid://shopify/Product/111", variantId: "4001" }, 3));
    await settle();

    expect(sentEvents()).toEqual([
      {
        id: "evt-atc-1",
        type: "ADD_TO_CART",
        testId: "test-a",
        arm: "CONTROL",
        visitorId: VISITOR_ID,
        productId: "111",
        variantId: "4001",
        quantity: 3,
        occurredAt: "2025-06-01T12:00:00.000Z",
      },
    ]);
  });

  it("GIVEN an untested product WHEN it is added to the cart THEN nothing is sent", async () => {
    const pixel = startPixel();

    pixel.emit("product_added_to_cart", buildProductAddedToCartEvent("evt-atc-2", { productId: "222", variantId: "4002" }, 1));
    await settle();

    expect(fetchMock).not.toHaveBeenCalled();
  });
});

describe("web pixel: checkout_completed", () => {
  it("GIVEN a checkout mixing tested and untested lines WHEN it completes THEN one PURCHASE per tested line carries that line's final price, quantity and index", async () => {
    const pixel = startPixel();
    const checkout = buildCheckoutCompletedEvent("evt-checkout-1", [
      // Tested (CONTROL): 2 × 25.00 with a 5.01 discount → the final line price is 44.99.
      buildCheckoutLine({ productId: "111", variantId: "4001", price: 25, quantity: 2, finalLinePrice: 44.99, discounts: [5.01] }),
      buildCheckoutLine({ productId: "222", variantId: "4002", price: 10, quantity: 1, finalLinePrice: 10 }),
      buildCheckoutLine({ productId: null, variantId: null, quantity: 1, finalLinePrice: 3 }),
      // Tested (TREATMENT), ids as GIDs: 3 × 19.99.
      buildCheckoutLine({ productId: "gid://shopify/Product/333", variantId: "gid://shopify/ProductVariant/4003", price: 19.99, quantity: 3, finalLinePrice: 59.97 }),
    ]);

    pixel.emit("checkout_completed", checkout);
    await settle();

    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(sentEvents()).toEqual([
      {
        id: "evt-checkout-1",
        type: "PURCHASE",
        testId: "test-a",
        arm: "CONTROL",
        visitorId: VISITOR_ID,
        productId: "111",
        variantId: "4001",
        quantity: 2,
        revenue: "44.99",
        currency: "EUR",
        orderId: "gid://shopify/OrderIdentity/9001",
        checkoutToken: "checkout-token-1",
        lineIndex: 0,
        occurredAt: "2025-06-01T12:30:00.000Z",
      },
      {
        id: "evt-checkout-1",
        type: "PURCHASE",
        testId: "test-c",
        arm: "TREATMENT",
        visitorId: VISITOR_ID,
        productId: "333",
        variantId: "4003",
        quantity: 3,
        revenue: "59.97",
        currency: "EUR",
        orderId: "gid://shopify/OrderIdentity/9001",
        checkoutToken: "checkout-token-1",
        lineIndex: 3,
        occurredAt: "2025-06-01T12:30:00.000Z",
      },
    ]);
  });

  it("GIVEN the same checkout_completed delivered twice WHEN both are sent THEN both carry identical id:lineIndex keys for /track to dedupe", async () => {
    const pixel = startPixel();
    const checkout = buildCheckoutCompletedEvent("evt-checkout-2", [
      buildCheckoutLine({ productId: "222", variantId: "4002", quantity: 1, finalLinePrice: 10 }),
      buildCheckoutLine({ productId: "111", variantId: "4001", quantity: 1, finalLinePrice: 25 }),
    ]);

    pixel.emit("checkout_completed", checkout);
    await settle();
    pixel.emit("checkout_completed", checkout);
    await settle();

    const keys = sentEvents().map((event) => `${event.id}:${event.lineIndex}`);
    expect(keys).toEqual(["evt-checkout-2:1", "evt-checkout-2:1"]);
  });

  it("GIVEN a checkout of only untested products WHEN it completes THEN nothing is sent", async () => {
    const pixel = startPixel();

    pixel.emit("checkout_completed", buildCheckoutCompletedEvent("evt-checkout-3", [buildCheckoutLine({ productId: "222", variantId: "4002", quantity: 4, finalLinePrice: 40 })]));
    await settle();

    expect(fetchMock).not.toHaveBeenCalled();
  });
});

describe("web pixel: settings", () => {
  it.each<[string, Record<string, string>]>([
    ['enabled "false"', { ...DEFAULT_SETTINGS, enabled: "false" }],
    ["enabled empty", { ...DEFAULT_SETTINGS, enabled: "" }],
    ["enabled missing", { app_url: DEFAULT_SETTINGS.app_url, debug: "false" }],
    ["app_url missing", { enabled: "true", debug: "false" }],
    ["app_url not a URL", { ...DEFAULT_SETTINGS, app_url: "app.example.com" }],
  ])("GIVEN %s WHEN events fire THEN the pixel subscribes to nothing and sends nothing", async (_label, settings) => {
    const pixel = startPixel({ settings });

    pixel.emit("product_viewed", buildProductViewedEvent("evt-view-5", { productId: "111", variantId: "4001" }));
    await settle();

    expect(pixel.subscribedEventNames()).toEqual([]);
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it.each([
    ["https://app.example.com", "https://app.example.com/track"],
    ["https://app.example.com/", "https://app.example.com/track"],
    ["https://app.example.com//", "https://app.example.com/track"],
    [" https://app.example.com/base/ ", "https://app.example.com/base/track"],
  ])("GIVEN app_url %j WHEN an event is sent THEN it goes to %s", async (appUrl, expectedUrl) => {
    const pixel = startPixel({ settings: { ...DEFAULT_SETTINGS, app_url: appUrl } });

    pixel.emit("product_viewed", buildProductViewedEvent("evt-view-6", { productId: "111", variantId: "4001" }));
    await settle();

    expect(sentRequests().map((request) => request.url)).toEqual([expectedUrl]);
  });

  it('GIVEN debug "true" WHEN events are tracked THEN each event is logged to the console', async () => {
    const consoleLog = vi.spyOn(console, "log").mockImplementation(() => {});
    const pixel = startPixel({ settings: { ...DEFAULT_SETTINGS, debug: "true" } });

    pixel.emit("product_viewed", buildProductViewedEvent("evt-view-7", { productId: "111", variantId: "4001" }));
    pixel.emit("product_added_to_cart", buildProductAddedToCartEvent("evt-atc-3", { productId: "333", variantId: "4003" }, 1));
    await settle();

    const loggedEvents = consoleLog.mock.calls.filter(([message]) => message === "[ab-test-pixel] event").map(([, event]) => event as TrackEvent);
    expect(loggedEvents.map((event) => event.id)).toEqual(["evt-view-7", "evt-atc-3"]);
  });

  it('GIVEN debug "false" WHEN events are tracked THEN nothing is logged', async () => {
    const consoleLog = vi.spyOn(console, "log").mockImplementation(() => {});
    const pixel = startPixel();

    pixel.emit("product_viewed", buildProductViewedEvent("evt-view-8", { productId: "111", variantId: "4001" }));
    await settle();

    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(consoleLog).not.toHaveBeenCalled();
  });
});

describe("web pixel: customer privacy", () => {
  it("GIVEN the visitor withdraws analytics consent WHEN later events fire THEN they are not sent, and resume once consent is granted again", async () => {
    const pixel = startPixel();

    pixel.emit("product_viewed", buildProductViewedEvent("evt-before", { productId: "111", variantId: "4001" }));
    await settle();
    pixel.collectConsent(false);
    pixel.emit("product_viewed", buildProductViewedEvent("evt-withdrawn", { productId: "111", variantId: "4001" }));
    await settle();
    pixel.collectConsent(true);
    pixel.emit("product_viewed", buildProductViewedEvent("evt-regranted", { productId: "111", variantId: "4001" }));
    await settle();

    expect(sentEvents().map((event) => event.id)).toEqual(["evt-before", "evt-regranted"]);
  });

  it("GIVEN consent is withdrawn after an event was queued WHEN the batch would be flushed THEN it is dropped", async () => {
    const pixel = startPixel();

    pixel.emit("product_viewed", buildProductViewedEvent("evt-queued", { productId: "111", variantId: "4001" }));
    // Let the cookie reads resolve (microtasks) without running the batching timer.
    for (let turn = 0; turn < 20 && vi.getTimerCount() === 0; turn++) await Promise.resolve();
    expect(vi.getTimerCount()).toBe(1);
    pixel.collectConsent(false);
    await settle();

    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("GIVEN consent is withdrawn while a failed request waits for its retry WHEN the retry is due THEN it is not sent", async () => {
    fetchMock.mockRejectedValue(new TypeError("Failed to fetch"));
    const pixel = startPixel();

    pixel.emit("product_viewed", buildProductViewedEvent("evt-retry-withdrawn", { productId: "111", variantId: "4001" }));
    await vi.advanceTimersByTimeAsync(0);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    pixel.collectConsent(false);
    await settle();

    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it("GIVEN init says analytics processing is not allowed WHEN events fire THEN nothing is sent", async () => {
    const pixel = startPixel({ analyticsProcessingAllowed: false });

    pixel.emit("product_viewed", buildProductViewedEvent("evt-view-9", { productId: "111", variantId: "4001" }));
    await settle();

    expect(fetchMock).not.toHaveBeenCalled();
  });
});

describe("web pixel: batching", () => {
  it("GIVEN three events in one tick WHEN the tick ends THEN they share one request", async () => {
    const pixel = startPixel();

    pixel.emit("product_viewed", buildProductViewedEvent("evt-b1", { productId: "111", variantId: "4001" }));
    pixel.emit("product_viewed", buildProductViewedEvent("evt-b2", { productId: "333", variantId: "4003" }));
    pixel.emit("product_added_to_cart", buildProductAddedToCartEvent("evt-b3", { productId: "111", variantId: "4001" }, 2));
    await settle();

    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(sentEvents().map((event) => event.id)).toEqual(["evt-b1", "evt-b2", "evt-b3"]);
  });

  it("GIVEN events in separate ticks WHEN each tick ends THEN each is sent on its own", async () => {
    const pixel = startPixel();

    pixel.emit("product_viewed", buildProductViewedEvent("evt-t1", { productId: "111", variantId: "4001" }));
    await settle();
    pixel.emit("product_viewed", buildProductViewedEvent("evt-t2", { productId: "111", variantId: "4001" }));
    await settle();

    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it("GIVEN a checkout with 120 tested lines WHEN it completes THEN the purchases go out as 50 + 50 + 20", async () => {
    const pixel = startPixel();
    const lines = Array.from({ length: 120 }, (_, index) =>
      buildCheckoutLine({ productId: "111", variantId: String(5000 + index), quantity: 1, finalLinePrice: 25 }),
    );

    pixel.emit("checkout_completed", buildCheckoutCompletedEvent("evt-checkout-big", lines));
    await settle();

    expect(sentRequests().map((request) => request.payload.events.length)).toEqual([50, 50, 20]);
    expect(sentEvents().map((event) => event.lineIndex)).toEqual(lines.map((_, index) => index));
  });

  it("GIVEN 50 events too large to fit one keepalive body WHEN they are flushed THEN they are split into bodies under the limit", async () => {
    const pixel = startPixel();
    const longId = "x".repeat(1_500);

    for (let index = 0; index < 50; index++) {
      pixel.emit("product_viewed", buildProductViewedEvent(`${longId}-${index}`, { productId: "111", variantId: "4001" }));
    }
    await settle();

    const requests = sentRequests();
    expect(requests.length).toBeGreaterThan(1);
    for (const request of requests) expect(utf8ByteLength(request.init.body)).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expect(sentEvents()).toHaveLength(50);
  });
});

describe("web pixel: delivery failures", () => {
  it("GIVEN fetch rejects every time WHEN an event is sent THEN it is resent with doubling delays up to 60 s and given up after an hour, without throwing", async () => {
    fetchMock.mockRejectedValue(new TypeError("Failed to fetch"));
    const pixel = startPixel();
    const sentAt: number[] = [];
    fetchMock.mockImplementation(async () => {
      sentAt.push(Date.now());
      throw new TypeError("Failed to fetch");
    });

    expect(() => pixel.emit("product_viewed", buildProductViewedEvent("evt-fail", { productId: "111", variantId: "4001" }))).not.toThrow();
    await vi.advanceTimersByTimeAsync(0);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(RETRY_DELAY_MS - 1);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    await settle();

    const gaps = sentAt.slice(1).map((at, index) => at - sentAt[index]);
    expect(gaps.slice(0, 8)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
    expect(Math.max(...gaps)).toBe(MAX_RETRY_DELAY_MS);
    expect(sentAt.at(-1)! - sentAt[0]).toBeLessThanOrEqual(MAX_UNSENT_AGE_MS);
    expect(new Set(fetchMock.mock.calls.map(([, init]) => init.body)).size).toBe(1);
    expect(JSON.parse((await pixel.api.browser.sessionStorage.getItem(UNSENT_STORAGE_KEY))!).events).toEqual([]);
  });

  it("GIVEN /track answers 503 for one minute WHEN the shopper views products on two pages meanwhile THEN every event reaches /track once it is back, the first page's from the second page", async () => {
    const outageEndsAt = Date.now() + 60_000;
    const accepted = new Set<string>();
    fetchMock.mockImplementation(async (_url, init) => {
      if (Date.now() < outageEndsAt) return { ok: false, status: 503 };
      for (const event of (JSON.parse(init.body) as TrackPayload).events) accepted.add(event.id);
      return { ok: true, status: 202 };
    });
    const tab = createMemoryStorage();

    const firstPage = startPixel({ sessionStorage: tab });
    firstPage.emit("product_viewed", buildProductViewedEvent("evt-page-1", { productId: "111", variantId: "4001" }));
    firstPage.emit("product_added_to_cart", buildProductAddedToCartEvent("evt-cart-1", { productId: "111", variantId: "4001" }, 1));
    await vi.advanceTimersByTimeAsync(20_000);
    // The shopper navigates: the first page's timers die with it; only its sessionStorage remains.
    vi.clearAllTimers();
    const secondPage = startPixel({ sessionStorage: tab });
    secondPage.emit("product_viewed", buildProductViewedEvent("evt-page-2", { productId: "333", variantId: "4002" }));
    await vi.advanceTimersByTimeAsync(45_000);
    expect(accepted).toEqual(new Set());
    await vi.advanceTimersByTimeAsync(MAX_RETRY_DELAY_MS);

    expect(accepted).toEqual(new Set(["evt-page-1", "evt-cart-1", "evt-page-2"]));
    expect(JSON.parse((await tab.getItem(UNSENT_STORAGE_KEY))!).events).toEqual([]);
  });

  it.each<[string, () => void, number]>([
    ["a network error, then success", () => fetchMock.mockRejectedValueOnce(new TypeError("Failed to fetch")), 2],
    ["a 503, then success", () => fetchMock.mockResolvedValueOnce({ ok: false, status: 503 }), 2],
    ["a 429, then success", () => fetchMock.mockResolvedValueOnce({ ok: false, status: 429 }), 2],
    ["a 400 (the body is refused)", () => fetchMock.mockResolvedValueOnce({ ok: false, status: 400 }), 1],
    ["a 413 (the body is refused)", () => fetchMock.mockResolvedValueOnce({ ok: false, status: 413 }), 1],
  ])("GIVEN %s WHEN an event is sent THEN fetch is called %i time(s)", async (_label, arrange, expectedCalls) => {
    arrange();
    const pixel = startPixel();

    pixel.emit("product_viewed", buildProductViewedEvent("evt-status", { productId: "111", variantId: "4001" }));
    await settle();

    expect(fetchMock).toHaveBeenCalledTimes(expectedCalls);
  });

  it("GIVEN reading cookies fails WHEN an event fires THEN nothing is sent and nothing throws", async () => {
    const pixel = startPixel();
    pixel.api.browser.cookie.get = () => Promise.reject(new Error("sandbox unavailable"));

    expect(() => pixel.emit("product_viewed", buildProductViewedEvent("evt-cookie-fail", { productId: "111", variantId: "4001" }))).not.toThrow();
    await settle();

    expect(fetchMock).not.toHaveBeenCalled();
  });
});
