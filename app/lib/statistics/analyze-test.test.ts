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
  daysRunning: 14,
  control: arm(20_000, 600),
  treatment: arm(20_000, 600),
  ...overrides,
});

/** Every number in the analysis is finite (JSON would silently turn NaN/Infinity into null). */
function expectJsonSafe(value: unknown, path = "analysis"): void {
  if (typeof value === "number") expect(Number.isFinite(value), `${path} = ${value}`).toBe(true);
  else if (Array.isArray(value)) value.forEach((item, i) => expectJsonSafe(item, `${path}[${i}]`));
  else if (value && typeof value === "object") for (const [key, item] of Object.entries(value)) expectJsonSafe(item, `${path}.${key}`);
}

describe("analyzeTest", () => {
  it("GIVEN a clear treatment win WHEN analysed THEN the verdict, the always-valid interval and the chance agree and the headlines say so", () => {
    const analysis = analyzeTest(input({ treatment: arm(20_000, 800), currencyCode: "EUR" }));

    expect(analysis.verdict).toBe("treatment_wins");
    expect(analysis.headlines).toEqual({
      verdict: "Treatment wins: it converts better than control (95% confidence, valid however often you check).",
      chanceToBeatControl: "Treatment has a >99.9% chance to beat control",
      conversionRate: "Conversion rate: 4.00% with treatment vs 3.00% with control (+33.3%, 95% CI +13.1% to +57.2%).",
      addToCartRate: "Add-to-cart rate: 12.00% with treatment vs 9.00% with control (+33.3%, 95% CI +21.9% to +45.9%).",
      revenuePerVisitor: "Revenue per visitor: €2.00 with treatment vs €1.50 with control (+33.3%, 95% CI +12.7% to +57.8%).",
    });
    // Katz variance of ln(800/600 per 20,000) = 1/600 + 1/800 − 2/20,000 = 0.00281667 (see confidence-sequence.test.ts for the interval).
    expect(analysis.conversionRate.sequential.logRatioVariance).toBeCloseTo(1 / 600 + 1 / 800 - 2 / 20_000, 14);
    expect(analysis.conversionRate.sequential.relativeInterval!.lower).toBeGreaterThan(0);
    expect(analysis.chanceToBeatControl).toMatchObject({ probability: expect.closeTo(0.9999992, 6), display: ">99.9%" });
    // The one-look statistics stay available for analysts: z-test p for 600 vs 800 of 20,000.
    expect(analysis.conversionRate.fixedHorizon.pValue).toBeLessThan(1e-6);
    expect(analysis.method).toMatchObject({ name: "gaussian_mixture_confidence_sequence", mixtureStandardDeviation: 0.1 });
    expect(analysis.confidenceLevel).toBe(0.95);
    expect(analysis.arms.treatment).toMatchObject({ visitors: 20_000, orders: 800, conversionRate: 0.04, revenuePerVisitor: 2 });
    expect(analysis.readiness.ready).toBe(true);
    expect(analysis.warnings).toEqual([]);
    expect(analysis.sampleRatioCauses).toEqual([]);
    expect(analysis.currencyCode).toBe("EUR");
    expectJsonSafe(analysis);
  });

  it("GIVEN the issue's case — a 99% chance but an interval through 0 — WHEN analysed THEN no winner, and the chance says it is not enough", () => {
    // 300 vs 380 of 10,000 after 10 days: the one-look z-test gives p = 0.0018, yet read daily that
    // rule names false winners (bench/stats.ts); the always-valid interval still includes 0.
    const analysis = analyzeTest(input({ daysRunning: 10, control: arm(10_000, 300), treatment: arm(10_000, 380) }));

    expect(analysis.conversionRate.fixedHorizon.pValue).toBeCloseTo(0.0018, 4);
    expect(analysis.verdict).toBe("no_difference_yet");
    expect(analysis.headlines.conversionRate).toBe("Conversion rate: 3.80% with treatment vs 3.00% with control (+26.7%, 95% CI -1.6% to +63.0%).");
    expect(analysis.headlines.chanceToBeatControl).toBe("Treatment has a 99.3% chance to beat control, not enough to call a winner yet");
  });

  it.each([
    { name: "control clearly better", overrides: { control: arm(20_000, 800) }, verdict: "control_wins", headline: "Control wins: it converts better than treatment (95% confidence, valid however often you check)." },
    { name: "a small, uncertain lift", overrides: { daysRunning: 10, control: arm(10_000, 300), treatment: arm(10_000, 310) }, verdict: "no_difference_yet", headline: "No clear difference in conversion rate yet. The current lift (+3.3%) is too small to confirm within a year at this traffic." },
    // Sized for the always-valid interval at 80% power (readiness.test.ts pins the sizing).
    {
      name: "a promising lift in a ready test",
      overrides: { control: arm(14_000, 420), treatment: arm(14_000, 470) },
      verdict: "no_difference_yet",
      headline: "No clear difference in conversion rate yet. If the current lift (+11.9%) is real, about 59 more days would give an 80% chance of confirming it (estimate).",
    },
    { name: "identical arms", overrides: {}, verdict: "no_difference_yet", headline: "No clear difference in conversion rate yet." },
    { name: "only 3 days", overrides: { daysRunning: 3, control: arm(3_000, 90), treatment: arm(3_000, 100) }, verdict: "not_enough_data", headline: "Not enough data to pick a winner yet: needs 4 more days of running (about 4 more days at the current pace)." },
    {
      name: "day 4.5, both arms short of orders",
      overrides: { daysRunning: 4.5, control: arm(3_000, 18), treatment: arm(3_000, 29) },
      verdict: "not_enough_data",
      headline: "Not enough data to pick a winner yet: needs 12 more orders in control, 1 more order in treatment; 3 more days of running (about 3 more days at the current pace).",
    },
    {
      name: "zero traffic",
      overrides: { daysRunning: 0, control: arm(0, 0), treatment: arm(0, 0) },
      verdict: "not_enough_data",
      headline: "Not enough data to pick a winner yet: needs 30 more orders in control, 30 more orders in treatment; 7 more days of running (too early to estimate how long that takes).",
    },
    {
      name: "a broken split, even with a big lift",
      overrides: { control: arm(11_600, 300), treatment: arm(8_400, 330) },
      verdict: "sample_ratio_mismatch",
      headline: "Traffic split problem: 42.0% of visitors saw the treatment, but the test sends 50%. No winner can be named from this data until the cause is fixed.",
    },
    { name: "a broken split before the minimums", overrides: { daysRunning: 2, control: arm(1_000, 3), treatment: arm(1_300, 4) }, verdict: "sample_ratio_mismatch", headline: expect.stringMatching(/^Traffic split problem: 56\.5% /) },
  ])("GIVEN $name WHEN analysed THEN the verdict is $verdict", ({ overrides, verdict, headline }) => {
    const analysis = analyzeTest(input(overrides));

    expect(analysis.verdict).toBe(verdict);
    expect(analysis.headlines.verdict).toEqual(headline);
    expectJsonSafe(analysis);
  });

  it("GIVEN a broken split WHEN analysed THEN only the problem and its likely causes are shown: no chance, no lift, no winner", () => {
    const analysis = analyzeTest(input({ control: arm(11_600, 300), treatment: arm(8_400, 330) }));

    expect(analysis.headlines).toMatchObject({ chanceToBeatControl: null, conversionRate: null, addToCartRate: null, revenuePerVisitor: null });
    expect(analysis.chanceToBeatControl).toEqual({ probability: null, display: null });
    expect(analysis.sampleRatioCauses).toEqual(expect.arrayContaining([expect.stringMatching(/app embed/), expect.stringMatching(/split was changed/)]));
    expect(analysis.sampleRatio.observedTreatmentShare).toBeCloseTo(0.42, 12);
  });

  it.each([
    {
      name: "paused before the minimums",
      overrides: { phase: "paused" as const, daysRunning: 4.5, control: arm(3_000, 18), treatment: arm(3_000, 29) },
      verdict: "not_enough_data",
      headline: "The test is paused before it had enough data to pick a winner: it needs 12 more orders in control, 1 more order in treatment; 3 more days of running. Resume it to collect them.",
    },
    {
      name: "paused with an unconfirmed lift",
      overrides: { phase: "paused" as const, control: arm(14_000, 420), treatment: arm(14_000, 470) },
      verdict: "no_difference_yet",
      headline: "No clear difference in conversion rate yet. The test is paused: no new data comes in until you resume it.",
    },
    {
      name: "a draft",
      overrides: { phase: "draft" as const, daysRunning: 0, control: arm(0, 0), treatment: arm(0, 0) },
      verdict: "not_started",
      headline: "This test hasn't started yet: no visitor has seen the treatment images. Start it to collect data.",
    },
  ])("GIVEN $name WHEN analysed THEN it says what it is and promises no days", ({ overrides, verdict, headline }) => {
    const analysis = analyzeTest(input(overrides));

    expect(analysis.verdict).toBe(verdict);
    expect(analysis.phase).toBe(overrides.phase);
    expect(analysis.headlines.verdict).toBe(headline);
    expect(analysis.headlines.verdict).not.toMatch(/about \d+ more days?/);
    expect(analysis.readiness.power.estimatedDaysRemaining).toBeNull();
    expectJsonSafe(analysis);
  });

  it.each([
    {
      name: "ended after 3 days",
      overrides: { daysRunning: 3, control: arm(3_000, 90), treatment: arm(3_000, 100) },
      verdict: "not_enough_data",
      headline: "The test ended before it had enough data to pick a winner (it needed 7 full days and 30 orders in each arm; it still needed 4 more days of running).",
    },
    { name: "ended with a promising but unconfirmed lift", overrides: { control: arm(14_000, 420), treatment: arm(14_000, 470) }, verdict: "no_difference_yet", headline: "The test ended with no clear difference in conversion rate." },
    { name: "ended with a clear win", overrides: { treatment: arm(20_000, 800) }, verdict: "treatment_wins", headline: "Treatment wins: it converts better than control (95% confidence, valid however often you check)." },
    {
      name: "ended with a broken split",
      overrides: { control: arm(11_600, 300), treatment: arm(8_400, 330) },
      verdict: "sample_ratio_mismatch",
      headline: "Traffic split problem: 42.0% of visitors saw the treatment, but the test sends 50%. No winner can be named from this data.",
    },
  ])("GIVEN a test $name WHEN analysed as ended THEN the verdict is $verdict and no more days are estimated", ({ overrides, verdict, headline }) => {
    const analysis = analyzeTest(input({ ...overrides, ended: true }));

    expect(analysis.verdict).toBe(verdict);
    expect(analysis.headlines.verdict).toBe(headline);
    expect(analysis.readiness.estimatedDaysRemaining).toBe(analysis.readiness.ready ? 0 : null);
    expect(analysis.readiness.power.estimatedDaysRemaining).toBeNull();
    expect(JSON.stringify(analysis.headlines)).not.toMatch(/about \d+ more days?|yet/);
    expectJsonSafe(analysis);
  });

  it("GIVEN an ended test without visitors WHEN analysed THEN the chance headline does not promise more data", () => {
    const analysis = analyzeTest(input({ daysRunning: 0, control: arm(0, 0), treatment: arm(0, 0), ended: true }));

    expect(analysis.headlines.chanceToBeatControl).toBe("Not enough orders in both arms to compare");
  });

  it("GIVEN no ended flag, phase or currency WHEN analysed THEN the test counts as running and the currency as unknown", () => {
    const running = input({ daysRunning: 3, control: arm(3_000, 90), treatment: arm(3_000, 100) });

    expect(analyzeTest(running)).toEqual(analyzeTest({ ...running, ended: false }));
    expect(analyzeTest(running)).toEqual(analyzeTest({ ...running, phase: "running" }));
    expect(analyzeTest(running).currencyCode).toBeNull();
  });

  it("GIVEN zero traffic WHEN analysed THEN rates are 0, comparisons are null with reasons and the chance headline declines to guess", () => {
    const analysis = analyzeTest(input({ daysRunning: 0, control: arm(0, 0), treatment: arm(0, 0) }));

    expect(analysis.arms.control).toMatchObject({ conversionRate: 0, addToCartRate: 0, revenuePerVisitor: 0 });
    expect(analysis.conversionRate.sequential).toMatchObject({ relativeInterval: null, reason: "no visitors in either arm" });
    expect(analysis.conversionRate.fixedHorizon).toMatchObject({ absoluteDifference: null, pValue: null, reason: "no visitors in either arm" });
    expect(analysis.revenuePerVisitor.sequential.reason).toBe("no visitors in either arm");
    expect(analysis.chanceToBeatControl.probability).toBeNull();
    expect(analysis.headlines.chanceToBeatControl).toBe("Not enough orders in both arms to compare yet");
    expect(analysis.headlines.conversionRate).toBe("Conversion rate: 0.00% with treatment vs 0.00% with control (lift not available: no visitors in either arm).");
    expect(analysis.sampleRatio).toMatchObject({ mismatch: false, pValue: 1 });
  });

  it("GIVEN a 0% split with all traffic in control WHEN analysed THEN no SRM, not enough data, and the treatment comparisons are unavailable", () => {
    const analysis = analyzeTest(input({ trafficSplit: 0, daysRunning: 8, control: arm(5_000, 150), treatment: arm(0, 0) }));

    expect(analysis.verdict).toBe("not_enough_data");
    expect(analysis.sampleRatio.mismatch).toBe(false);
    expect(analysis.conversionRate.sequential.reason).toBe("no visitors in treatment");
    expect(analysis.readiness.reasons.map((reason) => reason.code)).toEqual(["too_few_orders_treatment"]);
    expectJsonSafe(analysis);
  });

  it("GIVEN identical arms WHEN analysed THEN a 50% chance, zero lift and an interval symmetric on the log scale", () => {
    const analysis = analyzeTest(input({}));

    expect(analysis.chanceToBeatControl.display).toBe("50%");
    expect(analysis.headlines.chanceToBeatControl).toBe("Treatment has a 50% chance to beat control, not enough to call a winner yet");
    expect(analysis.conversionRate.sequential.relativeLift).toBe(0);
    const interval = analysis.conversionRate.sequential.relativeInterval!;
    expect((1 + interval.lower) * (1 + interval.upper)).toBeCloseTo(1, 14);
  });

  it("GIVEN no revenue sums of squares WHEN analysed THEN revenue per visitor has a point estimate and says the variance is unavailable", () => {
    const analysis = analyzeTest(input({ control: arm(5_000, 150, { revenueSumOfSquares: null }), treatment: arm(5_000, 165, { revenueSumOfSquares: undefined }) }));

    expect(analysis.revenuePerVisitor.sequential).toMatchObject({ relativeLift: expect.closeTo(0.1, 12), relativeInterval: null, reason: "variance unavailable" });
    expect(analysis.headlines.revenuePerVisitor).toBe("Revenue per visitor: 1.65 with treatment vs 1.50 with control (+10.0%; no interval: variance unavailable).");
  });

  it("GIVEN capped per-visitor revenue WHEN analysed THEN the revenue statistics use the capped sums, say so, and the arms keep the raw totals", () => {
    const analysis = analyzeTest(
      input({
        currencyCode: "EUR",
        control: arm(20_000, 600, { cappedRevenue: { sum: 29_000, sumOfSquares: 600 * 2400 } }),
        treatment: arm(20_000, 800, { cappedRevenue: { sum: 36_000, sumOfSquares: 800 * 2000 } }),
        revenueCap: { amount: 60, cappedVisitors: 3 },
      }),
    );

    expect(analysis.arms.treatment.revenue).toBe(40_000);
    expect(analysis.revenuePerVisitor).toMatchObject({ controlMean: 1.45, treatmentMean: 1.8, cap: { amount: 60, cappedVisitors: 3, percentile: 0.999 } });
    expect(analysis.revenuePerVisitor.sequential.relativeLift).toBeCloseTo(1.8 / 1.45 - 1, 12);
    expect(analysis.headlines.revenuePerVisitor).toMatch(
      /^Revenue per visitor: €1\.80 with treatment vs €1\.45 with control \(\+24\.1%, 95% CI .*\)\. 3 visitors' revenue above €60\.00 \(the 99\.9th percentile of buyers\) is counted at that cap here; the table shows the raw totals\.$/,
    );
  });

  it("GIVEN more orders and add-to-carts than visitors WHEN analysed THEN the counts are capped for the tests and a warning says so", () => {
    const analysis = analyzeTest(input({ daysRunning: 1, control: arm(10, 12, { addToCarts: 40 }), treatment: arm(10, 2) }));

    expect(analysis.warnings).toEqual([
      "An arm has more orders than visitors; the conversion tests count at most one order per visitor.",
      "An arm has more add-to-carts than visitors; the add-to-cart tests count at most one per visitor.",
    ]);
    expect(analysis.arms.control.conversionRate).toBe(1.2);
    expect(analysis.conversionRate.fixedHorizon.controlRate).toBe(1);
    expectJsonSafe(analysis);
  });

  it("GIVEN 1e8 visitors per arm WHEN analysed THEN everything is finite and the headline reads naturally", () => {
    const analysis = analyzeTest(input({ daysRunning: 30, control: arm(100_000_000, 3_000_000), treatment: arm(100_000_000, 3_003_000) }));

    expectJsonSafe(analysis);
    expect(analysis.headlines.chanceToBeatControl).toBe("Treatment has an 89% chance to beat control, not enough to call a winner yet");
    expect(analysis.verdict).toBe("no_difference_yet");
  });

  it.each([
    ["a negative visitor count", { control: arm(-1, 0) }],
    ["fractional orders", { treatment: arm(100, 2.5) }],
    ["a split above 100", { trafficSplit: 120 }],
    ["a negative duration", { daysRunning: -2 }],
    ["a negative capped sum", { control: arm(100, 2, { cappedRevenue: { sum: -1, sumOfSquares: 0 } }) }],
  ])("GIVEN %s WHEN analysed THEN it throws a RangeError", (_name, overrides) => {
    expect(() => analyzeTest(input(overrides))).toThrow(RangeError);
  });
});
