import { describe, expect, it } from "vitest";
import { buildStorefrontConfig, StorefrontConfigTooLargeError, type RunningTest } from "./storefront-config";

const test = (id: string, productId: string, images = 1): RunningTest => ({
  id,
  productId,
  trafficSplit: 50,
  controlImages: Array.from({ length: images }, (_, i) => ({ mediaId: `gid://shopify/MediaImage/${i + 1}`, url: `https://cdn.shopify.com/a${i}.jpg`, altText: "A", width: 800, height: 600 })),
  treatmentImages: Array.from({ length: images }, (_, i) => ({ mediaId: `gid://shopify/MediaImage/${i + 100}`, url: `https://cdn.shopify.com/b${i}.jpg`, altText: null })),
});

describe("buildStorefrontConfig", () => {
  it("GIVEN running tests THEN ids are numeric, empty fields are omitted and the order is stable", () => {
    const { config, json } = buildStorefrontConfig([test("t2", "gid://shopify/Product/20"), test("t1", "gid://shopify/Product/10")]);

    expect(config.tests.map((entry) => entry.product)).toEqual(["10", "20"]);
    expect(config.tests[0]).toEqual({
      id: "t1",
      product: "10",
      split: 50,
      control: [{ media: "1", url: "https://cdn.shopify.com/a0.jpg", alt: "A", width: 800, height: 600 }],
      treatment: [{ media: "100", url: "https://cdn.shopify.com/b0.jpg" }],
    });
    expect(buildStorefrontConfig([test("t1", "gid://shopify/Product/10"), test("t2", "gid://shopify/Product/20")]).json).toBe(json);
  });

  it("GIVEN no running test THEN the config is empty", () => {
    expect(buildStorefrontConfig([]).json).toBe('{"v":1,"tests":[]}');
  });

  it("GIVEN tests whose config would exceed Shopify's 128 KB metafield limit THEN it fails loudly", () => {
    const many = Array.from({ length: 300 }, (_, i) => test(`t${i}`, `gid://shopify/Product/${i}`, 5));

    expect(() => buildStorefrontConfig(many)).toThrow(StorefrontConfigTooLargeError);
  });
});
