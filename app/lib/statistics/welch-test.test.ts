import { describe, expect, it } from "vitest";
import { compareMeans, VARIANCE_UNAVAILABLE, type SampleMoments } from "./welch-test";

const toMoments = (values: number[]): SampleMoments => ({
  count: values.length,
  sum: values.reduce((a, b) => a + b, 0),
  sumOfSquares: values.reduce((a, b) => a + b * b, 0),
});

describe("compareMeans (Welch)", () => {
  it("GIVEN R's sleep data WHEN compared THEN it reproduces the t.test(extra ~ group, data = sleep) output", () => {
    // R documentation, ?t.test example on the sleep data (Student 1908):
    //   Welch Two Sample t-test: t = -1.8608, df = 17.776, p-value = 0.07939
    //   95 percent confidence interval: -3.3654832  0.2054832; means 0.75 and 2.33.
    // R reports group 1 − group 2, so group 1 is "treatment" here. Full digits: scipy 1.17 ttest_ind(equal_var=False).
    const group1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
    const group2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

    const result = compareMeans(toMoments(group2), toMoments(group1));

    expect(result.treatmentMean).toBeCloseTo(0.75, 14);
    expect(result.controlMean).toBeCloseTo(2.33, 14);
    expect(result.tStatistic).toBeCloseTo(-1.8608134674868526, 12);
    expect(result.degreesOfFreedom).toBeCloseTo(17.776473516178488, 11);
    expect(result.pValue).toBeCloseTo(0.0793941401873583, 12);
    expect(result.absoluteInterval!.lower).toBeCloseTo(-3.3654832307117104, 11);
    expect(result.absoluteInterval!.upper).toBeCloseTo(0.20548323071171137, 11);
    expect(result.reason).toBeNull();
  });

  it("GIVEN the sleep data WHEN the relative lift is computed THEN it is the log-ratio delta-method interval written out", () => {
    // Var(m₁) = s₁²/10 = 0.3200556, Var(m₂) = s₂²/10 = 0.4009; lift = 0.75/2.33 − 1;
    // SE(ln ratio)² = Var(m₁)/0.75² + Var(m₂)/2.33², critical value qt(0.975, 17.776) = 2.102817.
    const group1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
    const group2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
    const variance = (values: number[]) => {
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      return values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
    };
    const standardError = Math.sqrt(variance(group1) / 10 / 0.75 ** 2 + variance(group2) / 10 / 2.33 ** 2);

    const result = compareMeans(toMoments(group2), toMoments(group1));

    expect(result.relativeLift).toBeCloseTo(0.75 / 2.33 - 1, 13);
    expect(result.relativeInterval!.lower).toBeCloseTo(Math.exp(Math.log(0.75 / 2.33) - 2.102817241569802 * standardError) - 1, 9);
    expect(result.relativeInterval!.upper).toBeCloseTo(Math.exp(Math.log(0.75 / 2.33) + 2.102817241569802 * standardError) - 1, 9);
    expect(result.relativeInterval!.lower).toBeGreaterThan(-1);
  });

  it("GIVEN revenue per visitor without a sum of squares WHEN compared THEN the point estimate is kept and the interval is null: variance unavailable", () => {
    const result = compareMeans({ count: 1000, sum: 1500, sumOfSquares: null }, { count: 1000, sum: 1800, sumOfSquares: undefined });

    expect(result.absoluteDifference).toBeCloseTo(0.3, 14);
    expect(result.relativeLift).toBeCloseTo(0.2, 14);
    expect(result).toMatchObject({ absoluteInterval: null, relativeInterval: null, tStatistic: null, pValue: null, reason: VARIANCE_UNAVAILABLE });
    expect(VARIANCE_UNAVAILABLE).toBe("variance unavailable");
  });

  it.each([
    { name: "no visitors at all", control: { count: 0, sum: 0, sumOfSquares: 0 }, treatment: { count: 0, sum: 0, sumOfSquares: 0 }, reason: "no visitors in either arm", difference: null },
    { name: "an empty control", control: { count: 0, sum: 0, sumOfSquares: 0 }, treatment: { count: 5, sum: 20, sumOfSquares: 400 }, reason: "no visitors in control", difference: null },
    { name: "one visitor in an arm", control: { count: 1, sum: 20, sumOfSquares: 400 }, treatment: { count: 5, sum: 20, sumOfSquares: 400 }, reason: "fewer than 2 visitors in control, so no variance", difference: -16 },
    { name: "no revenue anywhere", control: { count: 50, sum: 0, sumOfSquares: 0 }, treatment: { count: 60, sum: 0, sumOfSquares: 0 }, reason: "no variation in revenue per visitor (e.g. no revenue yet), so no interval", difference: 0 },
    {
      name: "per-order instead of per-visitor squares (Σx² < (Σx)²/n)",
      control: { count: 4, sum: 100, sumOfSquares: 2000 },
      treatment: { count: 4, sum: 100, sumOfSquares: 5000 },
      reason: "the sum of squares in control is smaller than its sum²/n, so it is not a per-visitor sum of squares",
      difference: 0,
    },
  ])("GIVEN $name WHEN compared THEN no interval and the reason says why", ({ control, treatment, reason, difference }) => {
    const result = compareMeans(control, treatment);

    expect(result.absoluteDifference).toBe(difference);
    expect(result.absoluteInterval).toBeNull();
    expect(result.pValue).toBeNull();
    expect(result.reason).toBe(reason);
  });

  it("GIVEN revenue only in treatment WHEN compared THEN Welch's df reduces to n_T − 1 and the relative lift is undefined", () => {
    // Control has zero variance, so df = (s_T²/n_T)² / ((s_T²/n_T)²/(n_T − 1)) = n_T − 1.
    const result = compareMeans({ count: 40, sum: 0, sumOfSquares: 0 }, toMoments([0, 0, 0, 10, 0, 25, 0, 0, 0, 5]));

    expect(result.degreesOfFreedom).toBeCloseTo(9, 12);
    expect(result.relativeLift).toBeNull();
    expect(result.absoluteInterval).not.toBeNull();
    expect(result.reason).toBe("the control mean is 0, so a relative lift is undefined");
  });

  it("GIVEN identical arms WHEN compared THEN t = 0, p = 1 and the intervals are centred on 0", () => {
    const moments = { count: 5000, sum: 7500, sumOfSquares: 900_000 };

    const result = compareMeans(moments, moments);

    expect(result.tStatistic).toBe(0);
    expect(result.pValue).toBe(1);
    expect(result.absoluteInterval!.lower).toBeCloseTo(-result.absoluteInterval!.upper, 15);
    // Centred on 0 on the log scale: (1 + lower)·(1 + upper) = 1.
    expect((1 + result.relativeInterval!.lower) * (1 + result.relativeInterval!.upper)).toBeCloseTo(1, 14);
  });

  it("GIVEN 1e8 visitors per arm WHEN compared THEN the huge df takes the normal limit and nothing overflows", () => {
    const result = compareMeans(
      { count: 100_000_000, sum: 150_000_000, sumOfSquares: 1.8e11 },
      { count: 100_000_000, sum: 151_000_000, sumOfSquares: 1.82e11 },
    );

    expect(result.degreesOfFreedom!).toBeGreaterThan(1e8);
    for (const value of [result.tStatistic, result.pValue, result.absoluteInterval!.lower, result.relativeInterval!.upper]) expect(Number.isFinite(value)).toBe(true);
    // With df ≈ 2e8 the Student quantile is the normal one: half-width = 1.959964·SE.
    const standardError = Math.sqrt((1.8e11 - 1.5e8 ** 2 / 1e8) / (1e8 - 1) / 1e8 + (1.82e11 - 1.51e8 ** 2 / 1e8) / (1e8 - 1) / 1e8);
    expect(result.absoluteInterval!.upper - result.absoluteDifference!).toBeCloseTo(1.959963984540054 * standardError, 9);
  });

  it.each(Array.from({ length: 10 }, (_, i) => ({ nC: 20 + i * 30, nT: 35 + i * 17, shift: (i - 4) * 0.7 })))(
    "GIVEN arms of $nC and $nT visitors shifted by $shift WHEN compared THEN both intervals contain their point estimates",
    ({ nC, nT, shift }) => {
      const control = Array.from({ length: nC }, (_, k) => ((k * 7919) % 23) * 1.5);
      const treatment = Array.from({ length: nT }, (_, k) => Math.max(0, ((k * 104729) % 29) * 1.3 + shift));

      const result = compareMeans(toMoments(control), toMoments(treatment));

      expect(result.absoluteInterval!.lower).toBeLessThanOrEqual(result.absoluteDifference!);
      expect(result.absoluteInterval!.upper).toBeGreaterThanOrEqual(result.absoluteDifference!);
      expect(result.relativeInterval!.lower).toBeLessThanOrEqual(result.relativeLift!);
      expect(result.relativeInterval!.upper).toBeGreaterThanOrEqual(result.relativeLift!);
    },
  );

  it.each([
    [{ count: -1, sum: 0, sumOfSquares: 0 }],
    [{ count: 3, sum: Number.NaN, sumOfSquares: 0 }],
    [{ count: 3, sum: 1, sumOfSquares: -1 }],
  ])("GIVEN invalid moments %j WHEN compared THEN it throws", (control) => {
    expect(() => compareMeans(control, { count: 3, sum: 3, sumOfSquares: 5 })).toThrow(RangeError);
  });
});
