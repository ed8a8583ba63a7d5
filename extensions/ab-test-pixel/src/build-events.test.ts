import type { CheckoutLineItem } from "@shopify/web-pixels-extension";
import { describe, expect, it } from "vitest";
import { buildPurchaseEvents, findExposure, formatRevenue, readLineRevenue, type Visitor } from "./build-events";
import { buildCheckoutCompletedEvent, buildCheckoutLine } from "./pixel-event-fixtures";

const visitor: Visitor = {
  visitorId: "v-1",
  exposures: [
    { product: "111", testId: "test-old", arm: "CONTROL" },
    { product: "333", testId: "test-c", arm: "TREATMENT" },
    { product: "111", testId: "test-new", arm: "TREATMENT" },
  ],
};

/** A line as a checkout without Checkout Extensibility sends it: no finalLinePrice. */
function withoutFinalLinePrice(line: CheckoutLineItem): CheckoutLineItem {
  const { finalLinePrice: _finalLinePrice, ...legacy } = line;
  // The package's type declares the field; Shopify documents it as absent on legacy checkouts.
  return legacy as CheckoutLineItem;
}

describe("formatRevenue", () => {
  it.each([
    [19.99, "19.99"],
    [5, "5.00"],
    [0, "0.00"],
    [1.005, "1.01"],
    [0.1 + 0.2, "0.30"],
    [19.989999, "19.99"],
    [1234567.891, "1234567.89"],
    [-3, "0.00"],
    [Number.NaN, "0.00"],
  ])("GIVEN %d THEN %s", (amount, expected) => {
    expect(formatRevenue(amount)).toBe(expected);
  });
});

describe("readLineRevenue", () => {
  it("GIVEN a line with finalLinePrice THEN that is the revenue, not price × quantity", () => {
    const line = buildCheckoutLine({ productId: "111", variantId: "1", price: 25, quantity: 2, finalLinePrice: 44.99, discounts: [5.01], currencyCode: "USD" });

    expect(readLineRevenue(line)).toEqual({ amount: 44.99, currencyCode: "USD" });
  });

  it.each<[string, number, number, number[], number]>([
    ["no discount", 19.99, 3, [], 59.97],
    ["two allocations", 25, 2, [5, 0.01], 44.99],
    ["float-prone amounts", 0.1, 3, [0.2], 0.1],
    ["a discount above the price", 10, 1, [12], 0],
  ])("GIVEN a legacy line with %s THEN revenue is price × quantity minus its discount allocations", (_label, price, quantity, discounts, expected) => {
    const line = withoutFinalLinePrice(buildCheckoutLine({ productId: "111", variantId: "1", price, quantity, finalLinePrice: 0, discounts }));

    expect(readLineRevenue(line)).toEqual({ amount: expected, currencyCode: "EUR" });
  });
});

describe("findExposure", () => {
  it.each([
    ["111", "test-new"],
    ["gid://shopify/Product/111", "test-new"],
    ["333", "test-c"],
    ["222", undefined],
    ["gid://shopify/Product/abc", undefined],
    [null, undefined],
  ])("GIVEN product id %j THEN the newest exposure's test is %j", (productId, expectedTestId) => {
    expect(findExposure(visitor, productId)?.testId).toBe(expectedTestId);
  });
});

describe("buildPurchaseEvents", () => {
  it("GIVEN a legacy checkout line WHEN purchases are built THEN the fallback revenue is sent", () => {
    const line = withoutFinalLinePrice(buildCheckoutLine({ productId: "333", variantId: "3", price: 19.99, quantity: 2, finalLinePrice: 0, discounts: [4] }));

    const [purchase] = buildPurchaseEvents(buildCheckoutCompletedEvent("evt-1", [line]), visitor);

    expect(purchase).toMatchObject({ revenue: "35.98", currency: "EUR", quantity: 2, lineIndex: 0 });
  });

  it("GIVEN a checkout without an order id WHEN purchases are built THEN orderId is left out rather than invented and the checkout token identifies the order", () => {
    const line = buildCheckoutLine({ productId: "333", variantId: "3", quantity: 1, finalLinePrice: 10 });

    const [purchase] = buildPurchaseEvents(buildCheckoutCompletedEvent("evt-2", [line], { orderId: null }), visitor);

    expect(purchase).not.toHaveProperty("orderId");
    expect(purchase).toMatchObject({ type: "PURCHASE", revenue: "10.00", checkoutToken: "checkout-token-1" });
  });

  it.each([0, -1, 1.5])("GIVEN a line with quantity %d WHEN purchases are built THEN it is skipped", (quantity) => {
    const line = buildCheckoutLine({ productId: "333", variantId: "3", quantity, finalLinePrice: 10 });

    expect(buildPurchaseEvents(buildCheckoutCompletedEvent("evt-3", [line]), visitor)).toEqual([]);
  });
});
