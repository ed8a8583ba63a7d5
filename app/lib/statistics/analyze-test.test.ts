import { describe, expect, it } from "vitest";
import { analyzeTest, type TestAnalysisInput } from "./analyze-test";
import type { ArmTotals } from "./arm-summary";

/** An arm where every order is one unit worth 50 and every buyer orders once (Σx² = orders·50²; +100 per order of spread). */
const arm = (visitors: number, orders: number, overrides: Partial<ArmTotals> = {}): ArmTotals => ({
  visitors,
  impressions: visitors * 2,
  addToCarts: orders * 3,
  orders,
  units: orders,
  revenue: orders * 50,
  revenueSumOfSquares: orders * 2600,
  ...overrides,
});

const input = (overrides: Partial<TestAnalysisInput>): TestAnalysisInput => ({
  trafficSplit: 50,
  daysRunning: 10,
  control: arm(10_000, 300),
  treatment: arm(10_000, 300),
  ...overrides,
});

/** Every number in the analysis is finite (JSON would silently turn NaN/Infinity into null). */
function expectJsonSafe(value: unknown, path = "analysis"): void {
  if (typeof value === "number") expect(Number.isFinite(value), `${path} = ${value}`).toBe(true);
  else if (Array.isArray(value)) value.forEach((item, i) => expectJsonSafe(item, `${path}[${i}]`));
  else if (value && typeof value === "object") for (const [key, item] of Object.entries(value)) expectJsonSafe(item, `${path}.${key}`);
}

describe("analyzeTest", () => {
  it("GIVEN a clear treatment win WHEN analysed THEN the verdict, headlines and numbers say so", () => {
    const analysis = analyzeTest(input({ treatment: arm(10_000, 380), currencyCode: "EUR" }));

    expect(analysis.verdict).toBe("treatment_wins");
    expect(analysis.headlines).toEqual({
      verdict: "Treatment wins: it converts better than control (95% confidence).",
      chanceToBeatControl: "Treatment has a >99.9% chance to beat control",
      conversionRate: "Conversion rate: 3.80% with treatment vs 3.00% with control (+26.7%, 95% CI +7.8% to +45.5%).",
      addToCartRate: "Add-to-cart rate: 11.40% with treatment vs 9.00% with control (+26.7%, 95% CI +16.2% to +37.2%).",
      revenuePerVisitor: "Revenue per visitor: €1.90 with treatment vs €1.50 with control (+26.7%, 95% CI +7.4% to +45.9%).",
    });
    // 300/10,000 vs 380/10,000: z = 0.008/√(0.034·0.966·2e-4) = 3.1214, two-sided p = 0.0018.
    expect(analysis.conversionRate.zScore).toBeCloseTo(0.008 / Math.sqrt(0.034 * 0.966 * 2e-4), 12);
    expect(analysis.conversionRate.pValue).toBeCloseTo(0.0018, 4);
    expect(analysis.chanceToBeatControl).toMatchObject({ method: "exact", display: ">99.9%" });
    expect(analysis.confidenceLevel).toBe(0.95);
    expect(analysis.arms.treatment).toMatchObject({ visitors: 10_000, orders: 380, conversionRate: 0.038, revenuePerVisitor: 1.9 });
    expect(analysis.readiness.ready).toBe(true);
    expect(analysis.warnings).toEqual([]);
    expect(analysis.currencyCode).toBe("EUR");
    expectJsonSafe(analysis);
  });

  it.each([
    { name: "control clearly better", overrides: { treatment: arm(10_000, 300), control: arm(10_000, 380) }, verdict: "control_wins", headline: "Control wins: it converts better than treatment (95% confidence)." },
    { name: "a small, uncertain lift", overrides: { treatment: arm(10_000, 310) }, verdict: "no_difference_yet", headline: "No clear difference in conversion rate yet. The current lift (+3.3%) is too small to confirm within a year at this traffic." },
    // Fleiss n for 3.0% vs 3.357% at 80% power = 37,874.2 per arm (scipy check); (37,875 − 14,000)/1,000 a day → 24 days.
    {
      name: "a promising lift in a ready test",
      overrides: { daysRunning: 14, control: arm(14_000, 420), treatment: arm(14_000, 470) },
      verdict: "no_difference_yet",
      headline: "No clear difference in conversion rate yet. If the current lift (+11.9%) is real, about 24 more days would give an 80% chance of detecting it (estimate).",
    },
    { name: "identical arms", overrides: { daysRunning: 14 }, verdict: "no_difference_yet", headline: "No clear difference in conversion rate yet." },
    { name: "only 3 days", overrides: { daysRunning: 3, control: arm(3_000, 90), treatment: arm(3_000, 100) }, verdict: "not_enough_data", headline: "Not enough data to pick a winner yet (about 4 more days at the current pace)." },
    { name: "zero traffic", overrides: { daysRunning: 0, control: arm(0, 0), treatment: arm(0, 0) }, verdict: "not_enough_data", headline: "Not enough data to pick a winner yet (too early to estimate how long)." },
    {
      name: "a broken split, even with a big lift",
      overrides: { control: arm(10_000, 300), treatment: arm(11_000, 500) },
      verdict: "sample_ratio_mismatch",
      headline: "Traffic split problem: 52.4% of visitors saw the treatment, but the test sends 50%. Results can't be trusted until this is fixed.",
    },
    { name: "a broken split before the minimums", overrides: { daysRunning: 2, control: arm(1_000, 3), treatment: arm(1_300, 4) }, verdict: "sample_ratio_mismatch", headline: expect.stringMatching(/^Traffic split problem: 56\.5% /) },
  ])("GIVEN $name WHEN analysed THEN the verdict is $verdict", ({ overrides, verdict, headline }) => {
    const analysis = analyzeTest(input(overrides));

    expect(analysis.verdict).toBe(verdict);
    expect(analysis.headlines.verdict).toEqual(headline);
    expectJsonSafe(analysis);
  });

  it.each([
    {
      name: "ended after 3 days",
      overrides: { daysRunning: 3, control: arm(3_000, 90), treatment: arm(3_000, 100) },
      verdict: "not_enough_data",
      headline: "The test ended before it had enough data to pick a winner (it needed 7 full days and 30 orders in each arm).",
    },
    { name: "ended with a promising but unconfirmed lift", overrides: { daysRunning: 14, control: arm(14_000, 420), treatment: arm(14_000, 470) }, verdict: "no_difference_yet", headline: "The test ended with no clear difference in conversion rate." },
    { name: "ended with a clear win", overrides: { treatment: arm(10_000, 380) }, verdict: "treatment_wins", headline: "Treatment wins: it converts better than control (95% confidence)." },
    {
      name: "ended with a broken split",
      overrides: { control: arm(10_000, 300), treatment: arm(11_000, 500) },
      verdict: "sample_ratio_mismatch",
      headline: "Traffic split problem: 52.4% of visitors saw the treatment, but the test sends 50%. Results can't be trusted.",
    },
  ])("GIVEN a test $name WHEN analysed as ended THEN the verdict is $verdict and no more days are estimated", ({ overrides, verdict, headline }) => {
    const analysis = analyzeTest(input({ ...overrides, ended: true }));

    expect(analysis.verdict).toBe(verdict);
    expect(analysis.headlines.verdict).toBe(headline);
    expect(analysis.readiness.estimatedDaysRemaining).toBe(analysis.readiness.ready ? 0 : null);
    expect(analysis.readiness.power.estimatedDaysRemaining).toBeNull();
    expect(JSON.stringify(analysis.headlines)).not.toMatch(/more days?|yet/);
    expectJsonSafe(analysis);
  });

  it("GIVEN an ended test without visitors WHEN analysed THEN the chance headline does not promise more data", () => {
    const analysis = analyzeTest(input({ daysRunning: 0, control: arm(0, 0), treatment: arm(0, 0), ended: true }));

    expect(analysis.headlines.chanceToBeatControl).toBe("Not enough visitors in both arms to compare");
  });

  it("GIVEN no ended flag or currency WHEN analysed THEN the test counts as running and the currency as unknown", () => {
    const running = input({ daysRunning: 3, control: arm(3_000, 90), treatment: arm(3_000, 100) });

    expect(analyzeTest(running)).toEqual(analyzeTest({ ...running, ended: false }));
    expect(analyzeTest(running).currencyCode).toBeNull();
  });

  it("GIVEN zero traffic WHEN analysed THEN rates are 0, comparisons are null with reasons and the chance headline declines to guess", () => {
    const analysis = analyzeTest(input({ daysRunning: 0, control: arm(0, 0), treatment: arm(0, 0) }));

    expect(analysis.arms.control).toMatchObject({ conversionRate: 0, addToCartRate: 0, revenuePerVisitor: 0 });
    expect(analysis.conversionRate).toMatchObject({ absoluteDifference: null, pValue: null, reason: "no visitors in either arm" });
    expect(analysis.revenuePerVisitor.reason).toBe("no visitors in either arm");
    expect(analysis.chanceToBeatControl.probability).toBe(0.5);
    expect(analysis.headlines.chanceToBeatControl).toBe("Not enough visitors in both arms to compare yet");
    expect(analysis.headlines.conversionRate).toBe("Conversion rate: 0.00% with treatment vs 0.00% with control (lift not available: no visitors in either arm).");
    expect(analysis.sampleRatio).toMatchObject({ mismatch: false, pValue: 1 });
  });

  it("GIVEN a 0% split with all traffic in control WHEN analysed THEN no SRM, not enough data, and the treatment comparisons are unavailable", () => {
    const analysis = analyzeTest(input({ trafficSplit: 0, daysRunning: 8, control: arm(5_000, 150), treatment: arm(0, 0) }));

    expect(analysis.verdict).toBe("not_enough_data");
    expect(analysis.sampleRatio.mismatch).toBe(false);
    expect(analysis.conversionRate.reason).toBe("no visitors in treatment");
    expect(analysis.readiness.reasons.map((reason) => reason.code)).toEqual(["too_few_orders_treatment"]);
    expectJsonSafe(analysis);
  });

  it("GIVEN identical arms WHEN analysed THEN a 50% chance, zero lift and symmetric intervals", () => {
    const analysis = analyzeTest(input({ daysRunning: 14 }));

    expect(analysis.chanceToBeatControl.display).toBe("50%");
    expect(analysis.headlines.chanceToBeatControl).toBe("Treatment has a 50% chance to beat control");
    expect(analysis.conversionRate.relativeLift).toBe(0);
    expect(analysis.conversionRate.relativeInterval!.lower).toBeCloseTo(-analysis.conversionRate.relativeInterval!.upper, 14);
    // Delta method with p_T = p_C = 0.03, n = 10,000: SE = √(2·0.03·0.97/10⁴)/0.03 = 0.080416; ×1.959964 = 0.1576.
    expect(analysis.headlines.conversionRate).toBe("Conversion rate: 3.00% with treatment vs 3.00% with control (0.0%, 95% CI -15.8% to +15.8%).");
  });

  it("GIVEN no revenue sums of squares WHEN analysed THEN revenue per visitor has a point estimate and says the variance is unavailable", () => {
    const analysis = analyzeTest(
      input({ daysRunning: 14, control: arm(5_000, 150, { revenueSumOfSquares: null }), treatment: arm(5_000, 165, { revenueSumOfSquares: undefined }) }),
    );

    expect(analysis.revenuePerVisitor).toMatchObject({ relativeLift: expect.closeTo(0.1, 12), absoluteInterval: null, relativeInterval: null, reason: "variance unavailable" });
    expect(analysis.headlines.revenuePerVisitor).toBe("Revenue per visitor: 1.65 with treatment vs 1.50 with control (+10.0%; no interval: variance unavailable).");
  });

  it("GIVEN more orders and add-to-carts than visitors WHEN analysed THEN the counts are capped for the tests and a warning says so", () => {
    const analysis = analyzeTest(input({ daysRunning: 1, control: arm(10, 12, { addToCarts: 40 }), treatment: arm(10, 2) }));

    expect(analysis.warnings).toEqual([
      "An arm has more orders than visitors; the conversion tests count at most one order per visitor.",
      "An arm has more add-to-carts than visitors; the add-to-cart tests count at most one per visitor.",
    ]);
    expect(analysis.arms.control.conversionRate).toBe(1.2);
    expect(analysis.conversionRate.controlRate).toBe(1);
    expectJsonSafe(analysis);
  });

  it("GIVEN 1e8 visitors per arm WHEN analysed THEN everything is finite, the chance uses the normal approximation and the headline reads naturally", () => {
    const analysis = analyzeTest(input({ daysRunning: 30, control: arm(100_000_000, 3_000_000), treatment: arm(100_000_000, 3_003_000) }));

    expectJsonSafe(analysis);
    expect(analysis.chanceToBeatControl.method).toBe("normal_approximation");
    expect(analysis.headlines.chanceToBeatControl).toBe("Treatment has an 89% chance to beat control");
    expect(analysis.verdict).toBe("no_difference_yet");
  });

  it.each([
    ["a negative visitor count", { control: arm(-1, 0) }],
    ["fractional orders", { treatment: arm(100, 2.5) }],
    ["a split above 100", { trafficSplit: 120 }],
    ["a negative duration", { daysRunning: -2 }],
  ])("GIVEN %s WHEN analysed THEN it throws a RangeError", (_name, overrides) => {
    expect(() => analyzeTest(input(overrides))).toThrow(RangeError);
  });
});
