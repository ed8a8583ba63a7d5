import { describe, expect, it } from "vitest";
import { decodeExposures, encodeExposures, MAX_EXPOSURES, numericId, recordExposure, type Exposure } from "./storefront-contract";

describe("numericId", () => {
  it.each([
    ["gid://shopify/Product/123", "123"],
    ["123", "123"],
    [456, "456"],
    ["gid://shopify/ProductVariant/9", "9"],
    ["gid://shopify/Product/abc", null],
    ["12a", null],
    ["", null],
    [null, null],
    ["1".repeat(21), null],
  ])("GIVEN %j THEN %j", (input, expected) => {
    expect(numericId(input)).toBe(expected);
  });
});

describe("exposure cookie", () => {
  const a: Exposure = { product: "1", testId: "cm3a", arm: "CONTROL" };
  const b: Exposure = { product: "2", testId: "cm3b", arm: "TREATMENT" };

  it("GIVEN exposures WHEN encoded and decoded THEN they round-trip", () => {
    expect(encodeExposures([a, b])).toBe("1:cm3a:C|2:cm3b:T");
    expect(decodeExposures(encodeExposures([a, b]))).toEqual([a, b]);
    expect(decodeExposures(encodeURIComponent(encodeExposures([a, b])))).toEqual([a, b]);
  });

  it.each(["", "garbage", "1:cm3a:X", "x:cm3a:C", "1::C", "1:a b:C", "%E0%A4%A"])("GIVEN a malformed value %j THEN it yields no exposure", (value) => {
    expect(decodeExposures(value)).toEqual([]);
  });

  it("GIVEN a new exposure for a product THEN it replaces the old one and the list is capped", () => {
    let exposures: Exposure[] = [a];
    exposures = recordExposure(exposures, { ...a, testId: "cm3c", arm: "TREATMENT" });
    expect(exposures).toEqual([{ product: "1", testId: "cm3c", arm: "TREATMENT" }]);

    for (let i = 0; i < MAX_EXPOSURES + 5; i++) exposures = recordExposure(exposures, { product: String(100 + i), testId: "t", arm: "CONTROL" });
    expect(exposures).toHaveLength(MAX_EXPOSURES);
    expect(exposures.at(-1)?.product).toBe(String(100 + MAX_EXPOSURES + 4));
  });
});
