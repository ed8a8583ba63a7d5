import { describe, expect, it } from "vitest";
import { divideOrZero, summarizeArm, type ArmTotals } from "./arm-summary";

const totals = (overrides: Partial<ArmTotals> = {}): ArmTotals => ({
  visitors: 1000,
  impressions: 2500,
  addToCarts: 80,
  orders: 25,
  units: 31,
  revenue: 1234.5,
  ...overrides,
});

describe("summarizeArm", () => {
  it.each([
    { name: "typical traffic", input: totals(), addToCartRate: 0.08, conversionRate: 0.025, revenuePerVisitor: 1.2345 },
    { name: "zero visitors", input: totals({ visitors: 0, impressions: 0, addToCarts: 0, orders: 0, units: 0, revenue: 0 }), addToCartRate: 0, conversionRate: 0, revenuePerVisitor: 0 },
    { name: "orders without visitors (lost impressions)", input: totals({ visitors: 0, orders: 2, revenue: 40 }), addToCartRate: 0, conversionRate: 0, revenuePerVisitor: 0 },
    { name: "more add-to-carts than visitors", input: totals({ visitors: 10, addToCarts: 12 }), addToCartRate: 1.2, conversionRate: 2.5, revenuePerVisitor: 123.45 },
  ])("GIVEN $name WHEN summarizeArm THEN the per-visitor rates are computed (0, never NaN, without visitors)", ({ input, addToCartRate, conversionRate, revenuePerVisitor }) => {
    const summary = summarizeArm(input);

    expect(summary).toEqual({
      visitors: input.visitors,
      impressions: input.impressions,
      addToCarts: input.addToCarts,
      orders: input.orders,
      units: input.units,
      revenue: input.revenue,
      addToCartRate: expect.closeTo(addToCartRate, 12),
      conversionRate: expect.closeTo(conversionRate, 12),
      revenuePerVisitor: expect.closeTo(revenuePerVisitor, 12),
    });
  });

  it("GIVEN impressions differ from visitors WHEN summarizeArm THEN the denominator is visitors, not impressions (unlike the daily CSV)", () => {
    const summary = summarizeArm(totals({ visitors: 100, impressions: 400, orders: 4 }));

    expect(summary.conversionRate).toBe(0.04);
  });

  it.each([
    ["visitors", -1],
    ["orders", 1.5],
    ["impressions", Number.NaN],
    ["units", Infinity],
    ["revenue", -0.01],
    ["revenue", Number.NaN],
    ["revenueSumOfSquares", -3],
  ] as const)("GIVEN %s = %d WHEN summarizeArm THEN it throws instead of rendering nonsense", (field, value) => {
    expect(() => summarizeArm(totals({ [field]: value }))).toThrow(RangeError);
  });

  it.each([
    [6, 3, 2],
    [1, 0, 0],
    [0, 0, 0],
  ])("GIVEN %d / %d WHEN divideOrZero THEN %d", (numerator, denominator, expected) => {
    expect(divideOrZero(numerator, denominator)).toBe(expected);
  });
});
