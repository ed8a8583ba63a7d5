import { describe, expect, it, vi } from "vitest";
import { CART_ATTRIBUTE } from "../../../app/services/orders/cart-attribute-names";
import { isAnalyticsAllowed, SYNC_KEY, syncCartAttributes } from "./cart-attributes";

function fakeWindow(options: { ok?: boolean; fails?: boolean } = {}) {
  const stored = new Map<string, string>();
  let cart: string | null = null;
  const fetch = vi.fn(async () => {
    if (options.fails) throw new TypeError("network");
    // Like Shopify, a write without a cart creates one and sets its cookie.
    cart ??= "c1-new-cart";
    return { ok: options.ok ?? true } as Response;
  });
  const win = {
    fetch,
    localStorage: { getItem: (key: string) => stored.get(key) ?? null, setItem: (key: string, value: string) => void stored.set(key, value) },
  } as unknown as Window;
  return { win, fetch, stored, readCart: () => cart, setCart: (token: string) => (cart = token) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("isAnalyticsAllowed", () => {
  it.each([
    ["no Shopify global", undefined, false],
    ["no Customer Privacy API on the page", {}, false],
    ["consent to analytics refused", { customerPrivacy: { analyticsProcessingAllowed: () => false } }, false],
    ["consent to analytics given", { customerPrivacy: { analyticsProcessingAllowed: () => true } }, true],
  ])("GIVEN %s THEN it is %s", (_name, shopify, expected) => {
    expect(isAnalyticsAllowed(shopify)).toBe(expected);
  });
});

describe("syncCartAttributes", () => {
  it("GIVEN a first exposure THEN one POST /cart/update.js carries the visitor id and exposures as attributes", async () => {
    const { win, fetch, readCart } = fakeWindow();

    syncCartAttributes(win, readCart, "visitor-1", "111:t1:C");
    await settle();

    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect([url, init.method]).toEqual(["/cart/update.js", "POST"]);
    const body = new URLSearchParams(String(init.body));
    expect([body.get(`attributes[${CART_ATTRIBUTE.visitorId}]`), body.get(`attributes[${CART_ATTRIBUTE.exposures}]`)]).toEqual(["visitor-1", "111:t1:C"]);
  });

  it("GIVEN pages where nothing changed THEN no request; a new exposure or a new cart THEN one each", async () => {
    const { win, fetch, readCart, setCart } = fakeWindow();
    syncCartAttributes(win, readCart, "visitor-1", "111:t1:C");
    await settle();

    for (let page = 0; page < 3; page++) syncCartAttributes(win, readCart, "visitor-1", "111:t1:C");
    await settle();
    expect(fetch).toHaveBeenCalledTimes(1);

    syncCartAttributes(win, readCart, "visitor-1", "111:t1:C|222:t2:T");
    await settle();
    expect(fetch).toHaveBeenCalledTimes(2);

    setCart("c1-after-checkout");
    syncCartAttributes(win, readCart, "visitor-1", "111:t1:C|222:t2:T");
    await settle();
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  it.each([
    ["the cart refuses the update", { ok: false }],
    ["the network fails", { fails: true }],
  ])("GIVEN %s THEN nothing is remembered and the next page tries again", async (_name, options) => {
    const { win, fetch, stored, readCart } = fakeWindow(options);

    syncCartAttributes(win, readCart, "visitor-1", "111:t1:C");
    await settle();
    syncCartAttributes(win, readCart, "visitor-1", "111:t1:C");
    await settle();

    expect(stored.has(SYNC_KEY)).toBe(false);
    expect(fetch).toHaveBeenCalledTimes(2);
  });
});
