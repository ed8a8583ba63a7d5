import { describe, expect, it } from "vitest";
import { buildDailyRows, createDailyRowPager, rate } from "./build-daily-rows";
import type { VariantMetrics } from "./metrics-calculator.service";
import type { CatalogProduct } from "./product-fetcher.service";

const product = (id: number, variants: number[]): CatalogProduct => ({
  id: `gid://shopify/Product/${id}`,
  title: `Product ${id}`,
  handle: `p-${id}`,
  images: [],
  variants: variants.map((variant) => ({ id: `gid://shopify/ProductVariant/${variant}`, title: `V${variant}`, sku: null, price: "1.00", mediaIds: [] })),
});

const metrics = (productId: number, variantId: number | "", arm: "CONTROL" | "TREATMENT", values: Partial<VariantMetrics> = {}): VariantMetrics => ({
  productId: `gid://shopify/Product/${productId}`,
  variantId: variantId === "" ? "" : `gid://shopify/ProductVariant/${variantId}`,
  arm,
  testId: "t1",
  impressions: 10,
  visitors: 8,
  addToCarts: 3,
  orders: 1,
  units: 2,
  revenue: "20.00",
  currency: "EUR",
  unverifiedOrders: 0,
  ...values,
});

const base = { day: "2026-11-23", shop: "a.myshopify.com", currency: "USD", images: new Map() };

describe("buildDailyRows", () => {
  it("GIVEN a tested and an untested product THEN tested variants get both arms (zeros included) and the others one NONE row", () => {
    const rows = buildDailyRows({ ...base, catalog: [product(2, [21]), product(1, [11, 12])], tests: [{ id: "t1", productId: "gid://shopify/Product/1" }], metrics: [metrics(1, 11, "TREATMENT")] });

    expect(rows.map((row) => [row.variantId.split("/").pop(), row.arm, row.testId, row.impressions])).toEqual([
      ["11", "CONTROL", "t1", 0],
      ["11", "TREATMENT", "t1", 10],
      ["12", "CONTROL", "t1", 0],
      ["12", "TREATMENT", "t1", 0],
      ["21", "NONE", null, 0],
    ]);
    expect(rows[1]).toMatchObject({ ctr: 0.3, conversionRate: 0.1, revenue: "20.00", currency: "EUR" });
    expect(rows[0]).toMatchObject({ ctr: 0, conversionRate: 0, revenue: "0.00", currency: "USD" });
  });

  it("GIVEN metrics for a product no longer in the catalog, or without a variant THEN they still get rows", () => {
    const rows = buildDailyRows({ ...base, catalog: [], tests: [], metrics: [metrics(9, 91, "CONTROL"), metrics(9, "", "TREATMENT")] });

    expect(rows.map((row) => [row.productTitle, row.variantId, row.arm])).toEqual([
      ["", "", "TREATMENT"],
      ["", "gid://shopify/ProductVariant/91", "CONTROL"],
    ]);
  });

  it("GIVEN the catalog in pages with metrics-only products before, between and after them THEN the pages' rows are the whole catalog's rows", () => {
    const catalog = [product(3, [31, 32]), product(5, [51]), product(8, [81]), product(12, [121])];
    const images = new Map([[`gid://shopify/ProductVariant/51`, [{ mediaId: "m", r2Key: "k" }]]]);
    const input = {
      ...base,
      tests: [{ id: "t1", productId: "gid://shopify/Product/5" }],
      metrics: [metrics(1, 11, "CONTROL"), metrics(5, "", "TREATMENT"), metrics(6, 61, "CONTROL"), metrics(8, 81, "TREATMENT"), metrics(9, 91, "CONTROL"), metrics(20, 201, "TREATMENT")],
    };

    const pager = createDailyRowPager(input);
    const paged = [...pager.page(catalog.slice(0, 2), images), ...pager.page([], images), ...pager.page(catalog.slice(2), images), ...pager.rest()];

    expect(paged).toEqual(buildDailyRows({ ...input, catalog, images }));
    expect(paged.map((row) => row.productId.split("/").pop())).toEqual(["1", "3", "3", "5", "5", "5", "6", "8", "9", "12", "20"]);
  });

  it("GIVEN a page that does not continue in ascending product id order THEN the pager refuses it", () => {
    const pager = createDailyRowPager({ ...base, tests: [], metrics: [] });
    pager.page([product(5, [51])], new Map());

    expect(() => pager.page([product(4, [41])], new Map())).toThrow(/out of id order/);
  });

  it.each([
    [1, 3, 0.333333],
    [2, 3, 0.666667],
    [5, 0, 0],
    // Rounded once from the counts: 1/113 = 0.00884955… and 15/119 = 0.12605042….
    [1, 113, 0.00885],
    [15, 119, 0.12605],
    // An exact tie goes away from zero: 1/2,000,000 = 0.0000005 → 0.000001; 1/8,000,000 = 0.000000125 → 0.
    [1, 2_000_000, 0.000001],
    [1, 8_000_000, 0],
  ])("GIVEN %i / %i THEN the rate is %d (6 decimals, 0 when nothing was shown)", (numerator, denominator, expected) => {
    expect(rate(numerator, denominator)).toBe(expected);
  });
});
