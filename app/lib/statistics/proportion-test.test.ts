import { describe, expect, it } from "vitest";
import { compareProportions } from "./proportion-test";

describe("compareProportions", () => {
  it("GIVEN control 200/1000 and treatment 250/1000 WHEN compared THEN it matches the two-proportion z-test written out by hand", () => {
    // Worked by hand: pooled p = 450/2000 = 0.225, SE₀² = 0.225·0.775·(2/1000) = 0.00034875,
    // z² = 0.05²/0.00034875 = 2000/279 ≈ 7.168459 — Pearson's χ² of the 2×2 table, i.e. R's
    // prop.test(c(250, 200), c(1000, 1000), correct = FALSE)$statistic; p = 0.007419649
    // (scipy.stats.chi2_contingency(correction=False) gives the same).
    // Unpooled SE² = 0.25·0.75/1000 + 0.2·0.8/1000 = 0.0003475; CI = 0.05 ± 1.959964·0.018641.
    // Katz log interval on the risk ratio (Katz et al., Biometrics 1978; what R's
    // epitools::riskratio.wald and Stata's `cs` report): SE(ln R)² = 1/250 − 1/1000 + 1/200 − 1/1000
    // = 0.007, R = 1.25, CI exp(ln 1.25 ± 1.959964·√0.007) = [1.060946, 1.472742].
    const result = compareProportions({ successes: 200, trials: 1000 }, { successes: 250, trials: 1000 });

    expect(result.controlRate).toBe(0.2);
    expect(result.treatmentRate).toBe(0.25);
    expect(result.absoluteDifference).toBeCloseTo(0.05, 15);
    expect(result.zScore! ** 2).toBeCloseTo(2000 / 279, 12);
    expect(result.pValue).toBeCloseTo(0.007419649261025672, 14);
    expect(result.absoluteInterval!.lower).toBeCloseTo(0.05 - 1.959963984540054 * Math.sqrt(0.0003475), 13);
    expect(result.absoluteInterval!.upper).toBeCloseTo(0.08653637831246014, 13);
    expect(result.relativeLift).toBeCloseTo(0.25, 14);
    expect(result.relativeInterval!.lower).toBeCloseTo(Math.exp(Math.log(1.25) - 1.959963984540054 * Math.sqrt(0.007)) - 1, 13);
    expect(result.relativeInterval!.lower).toBeCloseTo(0.060946, 6);
    expect(result.relativeInterval!.upper).toBeCloseTo(0.472742, 6);
    expect(result.reason).toBeNull();
    expect(result.capped).toBe(false);
  });

  // z and p from scipy 1.17 (chi2_contingency without correction, = R prop.test(correct = FALSE)).
  it.each([
    { control: [30, 1000], treatment: [45, 1000], z: 1.7654696590094991, p: 0.07748486513264485, lower: -0.0016395055365695625, upper: 0.031639505536569565 },
    { control: [83, 86], treatment: [90, 93], z: 0.09751163391198005, p: 0.9223200957342685, lower: -0.05022606573032681, upper: 0.055477378558533824 },
  ])("GIVEN control $control and treatment $treatment WHEN compared THEN z, p and the Wald interval match the reference", ({ control, treatment, z, p, lower, upper }) => {
    const result = compareProportions({ successes: control[0], trials: control[1] }, { successes: treatment[0], trials: treatment[1] });

    expect(result.zScore).toBeCloseTo(z, 12);
    expect(result.pValue).toBeCloseTo(p, 12);
    expect(result.absoluteInterval!.lower).toBeCloseTo(lower, 13);
    expect(result.absoluteInterval!.upper).toBeCloseTo(upper, 13);
  });

  it("GIVEN the arms swapped WHEN compared THEN the difference, z and interval flip sign and p is unchanged", () => {
    const forward = compareProportions({ successes: 31, trials: 900 }, { successes: 44, trials: 1100 });
    const backward = compareProportions({ successes: 44, trials: 1100 }, { successes: 31, trials: 900 });

    expect(backward.absoluteDifference).toBeCloseTo(-forward.absoluteDifference!, 15);
    expect(backward.zScore).toBeCloseTo(-forward.zScore!, 13);
    expect(backward.pValue).toBeCloseTo(forward.pValue!, 14);
    expect(backward.absoluteInterval!.lower).toBeCloseTo(-forward.absoluteInterval!.upper, 14);
  });

  it.each([
    { name: "no traffic at all", control: [0, 0], treatment: [0, 0], reason: "no visitors in either arm" },
    { name: "an empty control", control: [0, 0], treatment: [3, 100], reason: "no visitors in control" },
    { name: "an empty treatment", control: [3, 100], treatment: [0, 0], reason: "no visitors in treatment" },
  ])("GIVEN $name WHEN compared THEN every statistic is null with the reason, never NaN", ({ control, treatment, reason }) => {
    const result = compareProportions({ successes: control[0], trials: control[1] }, { successes: treatment[0], trials: treatment[1] });

    expect(result).toMatchObject({ absoluteDifference: null, absoluteInterval: null, relativeLift: null, relativeInterval: null, zScore: null, pValue: null, reason });
    expect(Number.isNaN(result.controlRate) || Number.isNaN(result.treatmentRate)).toBe(false);
  });

  it("GIVEN both arms at 0% WHEN compared THEN p = 1, no interval, and no relative lift", () => {
    const result = compareProportions({ successes: 0, trials: 500 }, { successes: 0, trials: 400 });

    expect(result.zScore).toBe(0);
    expect(result.pValue).toBe(1);
    expect(result.absoluteInterval).toBeNull();
    expect(result.relativeLift).toBeNull();
    expect(result.reason).toMatch(/no variation/);
  });

  it("GIVEN control at 0% and treatment above WHEN compared THEN the absolute interval exists but the relative lift is undefined", () => {
    const result = compareProportions({ successes: 0, trials: 500 }, { successes: 5, trials: 500 });

    expect(result.absoluteInterval).not.toBeNull();
    expect(result.relativeLift).toBeNull();
    expect(result.relativeInterval).toBeNull();
    expect(result.reason).toBe("the control rate is 0, so a relative lift is undefined");
  });

  it("GIVEN identical arms WHEN compared THEN lift 0, p = 1 and intervals symmetric around 0", () => {
    const result = compareProportions({ successes: 40, trials: 2000 }, { successes: 40, trials: 2000 });

    expect(result.absoluteDifference).toBe(0);
    expect(result.pValue).toBe(1);
    expect(result.absoluteInterval!.lower).toBeCloseTo(-result.absoluteInterval!.upper, 15);
    // Symmetric on the log scale: (1 + lower)·(1 + upper) = 1.
    expect((1 + result.relativeInterval!.lower) * (1 + result.relativeInterval!.upper)).toBeCloseTo(1, 14);
  });

  it("GIVEN more orders than visitors WHEN compared THEN successes are capped at trials and the cap is reported", () => {
    const result = compareProportions({ successes: 12, trials: 10 }, { successes: 5, trials: 10 });

    expect(result.capped).toBe(true);
    expect(result.controlRate).toBe(1);
  });

  it("GIVEN 1e8 visitors per arm WHEN compared THEN everything is finite and a 0.1% relative lift is detected", () => {
    const result = compareProportions({ successes: 3_000_000, trials: 100_000_000 }, { successes: 3_003_000, trials: 100_000_000 });

    for (const value of [result.zScore, result.pValue, result.absoluteInterval!.lower, result.relativeInterval!.upper]) expect(Number.isFinite(value)).toBe(true);
    expect(result.relativeLift).toBeCloseTo(0.001, 12);
    expect(result.zScore).toBeCloseTo(0.0000300 / Math.sqrt(0.030015 * 0.969985 * 2e-8), 10);
  });

  // Property: a symmetric interval contains its point estimate, for many random-looking count sets.
  it.each(Array.from({ length: 12 }, (_, i) => ({ c: 3 + ((i * 37) % 90), nC: 200 + i * 97, t: 1 + ((i * 53) % 120), nT: 150 + i * 131 })))(
    "GIVEN control $c/$nC and treatment $t/$nT WHEN compared THEN both intervals contain their point estimates",
    ({ c, nC, t, nT }) => {
      const result = compareProportions({ successes: c, trials: nC }, { successes: t, trials: nT });

      expect(result.absoluteInterval!.lower).toBeLessThanOrEqual(result.absoluteDifference!);
      expect(result.absoluteInterval!.upper).toBeGreaterThanOrEqual(result.absoluteDifference!);
      expect(result.relativeInterval!.lower).toBeLessThanOrEqual(result.relativeLift!);
      expect(result.relativeInterval!.upper).toBeGreaterThanOrEqual(result.relativeLift!);
      expect(result.pValue).toBeGreaterThanOrEqual(0);
      expect(result.pValue).toBeLessThanOrEqual(1);
    },
  );

  it.each([
    [{ successes: -1, trials: 10 }],
    [{ successes: 1.5, trials: 10 }],
    [{ successes: 1, trials: Number.NaN }],
  ])("GIVEN invalid counts %j WHEN compared THEN it throws", (control) => {
    expect(() => compareProportions(control, { successes: 1, trials: 10 })).toThrow(RangeError);
  });
});
