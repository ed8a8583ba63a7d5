import { describe, expect, it } from "vitest";
import {
  computeChanceToBeatControl,
  computeProbabilityExact,
  computeProbabilityNormal,
  EXACT_SUM_MAX_TERMS,
  toPosterior,
} from "./chance-to-beat";
import { logBeta } from "./special-functions";

const counts = (successes: number, trials: number) => ({ successes, trials });

/**
 * Independent check of P(X_T > X_C) = ∫ f_T(x)·F_C(x) dx by composite Simpson quadrature over
 * [0, 1], with F_C itself accumulated by Simpson from f_C: no closed form and no incomplete beta.
 */
function integrateChance(control: { alpha: number; beta: number }, treatment: { alpha: number; beta: number }, intervals = 200_000): number {
  const density = ({ alpha, beta }: { alpha: number; beta: number }, x: number) =>
    x <= 0 || x >= 1 ? 0 : Math.exp((alpha - 1) * Math.log(x) + (beta - 1) * Math.log1p(-x) - logBeta(alpha, beta));
  const h = 1 / intervals;
  let controlCdf = 0;
  let total = 0;
  // Simpson on pairs of sub-intervals [x, x + 2h]; F_C at the midpoint by the trapezoid-corrected half step.
  for (let i = 0; i < intervals; i += 2) {
    const x0 = i * h;
    const fc0 = density(control, x0);
    const fc1 = density(control, x0 + h);
    const fc2 = density(control, x0 + 2 * h);
    const cdfMid = controlCdf + (h / 12) * (5 * fc0 + 8 * fc1 - fc2);
    const cdfEnd = controlCdf + (h / 3) * (fc0 + 4 * fc1 + fc2);
    total += (h / 3) * (density(treatment, x0) * controlCdf + 4 * density(treatment, x0 + h) * cdfMid + density(treatment, x0 + 2 * h) * cdfEnd);
    controlCdf = cdfEnd;
  }
  return total;
}

describe("computeChanceToBeatControl", () => {
  // Exact rationals, integrated by hand (posteriors under the uniform prior):
  //  no data: Beta(1,1) vs Beta(1,1) → 1/2;  T 1/1 vs no data: ∫ 2x·x dx = 2/3;  T 0/1: ∫ 2(1−x)·x dx = 1/3;
  //  T 2/2: ∫ 3x²·x dx = 3/4;  C 5/5 vs T 0/5: ∫ 6(1−x)⁵·x⁶ dx = 6·B(7,6) = 1/924;
  //  C 0/50 vs T 1/50: 76/101 (Evan Miller's sum in exact rational arithmetic, Python fractions).
  it.each([
    { control: counts(0, 0), treatment: counts(0, 0), expected: 1 / 2 },
    { control: counts(0, 0), treatment: counts(1, 1), expected: 2 / 3 },
    { control: counts(0, 0), treatment: counts(0, 1), expected: 1 / 3 },
    { control: counts(0, 0), treatment: counts(2, 2), expected: 3 / 4 },
    { control: counts(5, 5), treatment: counts(0, 5), expected: 1 / 924 },
    { control: counts(0, 50), treatment: counts(1, 50), expected: 76 / 101 },
  ])("GIVEN control $control.successes/$control.trials and treatment $treatment.successes/$treatment.trials WHEN computed THEN it is the exact $expected", ({ control, treatment, expected }) => {
    const result = computeChanceToBeatControl(control, treatment);

    expect(result.method).toBe("exact");
    expect(result.probability).toBeCloseTo(expected, 14);
  });

  // References: mpmath 1.3 quadrature of f_T·I_x(α_C, β_C) at 30 digits; 10/100 vs 15/100 also equals
  // Evan Miller's sum in exact rational arithmetic (6416023685083363440079/7519214311547962545558).
  it.each([
    { control: counts(10, 100), treatment: counts(15, 100), expected: 0.8532837899339661 },
    { control: counts(100, 1000), treatment: counts(120, 1000), expected: 0.9231834389735597 },
    { control: counts(30, 1000), treatment: counts(45, 1000), expected: 0.960622897710868 },
    { control: counts(200, 10000), treatment: counts(230, 10000), expected: 0.9280170681137752 },
    { control: counts(3, 20), treatment: counts(8, 25), expected: 0.8958301055789621 },
  ])("GIVEN control $control.successes/$control.trials and treatment $treatment.successes/$treatment.trials WHEN computed THEN it matches the high-precision quadrature", ({ control, treatment, expected }) => {
    expect(computeChanceToBeatControl(control, treatment).probability).toBeCloseTo(expected, 12);
  });

  it.each([
    { control: counts(7, 60), treatment: counts(12, 75) },
    { control: counts(40, 900), treatment: counts(31, 800) },
  ])("GIVEN control $control.successes/$control.trials and treatment $treatment.successes/$treatment.trials WHEN integrated numerically in the test THEN the closed form agrees", ({ control, treatment }) => {
    const numeric = integrateChance(toPosterior(control), toPosterior(treatment));

    expect(computeChanceToBeatControl(control, treatment).probability).toBeCloseTo(numeric, 8);
  });

  it.each([
    { control: counts(12, 400), treatment: counts(20, 350) },
    { control: counts(900, 1000), treatment: counts(950, 1000) },
    { control: counts(3, 7), treatment: counts(500, 1000) },
  ])("GIVEN the arms swapped WHEN computed THEN P(T > C) + P(C > T) = 1 (whichever of the four sums is used)", ({ control, treatment }) => {
    const forward = computeChanceToBeatControl(control, treatment).probability;
    const backward = computeChanceToBeatControl(treatment, control).probability;

    expect(forward + backward).toBeCloseTo(1, 12);
  });

  it.each([counts(0, 0), counts(0, 10), counts(30, 1000), counts(5000, 100_000), counts(1000, 1000)])("GIVEN identical arms %j WHEN computed THEN the chance is 1/2", (arm) => {
    expect(computeChanceToBeatControl(arm, arm).probability).toBeCloseTo(0.5, 10);
  });

  it("GIVEN an empty control arm WHEN computed THEN the prior stands in for it (no NaN)", () => {
    const result = computeChanceToBeatControl(counts(0, 0), counts(30, 100));

    // Beta(31, 71) vs Uniform: P(U < X_T) = E[X_T] = 31/102.
    expect(result.probability).toBeCloseTo(31 / 102, 13);
  });

  it("GIVEN 1e8 visitors per arm WHEN computed THEN the normal approximation is used and is finite, in [0, 1] and 1/2 for identical arms", () => {
    const same = computeChanceToBeatControl(counts(3_000_000, 100_000_000), counts(3_000_000, 100_000_000));
    const better = computeChanceToBeatControl(counts(3_000_000, 100_000_000), counts(3_003_000, 100_000_000));

    expect(same).toEqual({ probability: 0.5, method: "normal_approximation", capped: false });
    expect(better.probability).toBeGreaterThan(0.5);
    expect(better.probability).toBeLessThan(1);
    // Plain normal check: z = 3e-5 / √(2·0.03·0.97/1e8) = 1.2438; Φ(z) = 0.8932 (to the Edgeworth term, ~1e-6 here).
    expect(better.probability).toBeCloseTo(0.8932, 3);
  });

  it.each([
    { name: "equal arms, 3% conversion", share: 0.5, lift: 0.01 },
    { name: "a 10/90 split", share: 0.1, lift: 0.02 },
    { name: "a 1/99 split", share: 0.01, lift: 0 },
    { name: "a losing treatment", share: 0.3, lift: -0.03 },
  ])("GIVEN $name at the switchover size WHEN both methods are evaluated THEN they agree to 1e-5", ({ share, lift }) => {
    // Smallest parameter exactly at the switchover: the smaller arm has EXACT_SUM_MAX_TERMS − 1 orders.
    const smallerVisitors = Math.round((EXACT_SUM_MAX_TERMS - 1) / 0.03);
    const largerVisitors = Math.round((smallerVisitors * (1 - share)) / share);
    const control = toPosterior(counts(Math.round(largerVisitors * 0.03), largerVisitors));
    const treatment = toPosterior(counts(Math.round(smallerVisitors * 0.03 * (1 + lift)), smallerVisitors));

    expect(Math.abs(computeProbabilityExact(control, treatment) - computeProbabilityNormal(control, treatment))).toBeLessThan(1e-5);
  });

  it("GIVEN treatment orders stepping across the switchover WHEN computed THEN the chance rises smoothly (no jump between methods)", () => {
    const controlCounts = counts(102_000, 3_400_000);
    const steps = [-3, -2, -1, 0, 1, 2, 3].map((offset) => computeChanceToBeatControl(controlCounts, counts(EXACT_SUM_MAX_TERMS - 1 + offset, 3_300_000)));

    expect(steps.map((step) => step.method)).toEqual(["exact", "exact", "exact", "exact", "normal_approximation", "normal_approximation", "normal_approximation"]);
    // One more order moves the chance by ~6.6e-5 here; the smooth curvature changes that step by
    // ~3.5e-7 per order. The two methods differ by ~1.6e-7 at the switch, so every second
    // difference stays under 1e-6, where a real jump between methods would not.
    const increments = steps.slice(1).map((step, i) => step.probability - steps[i].probability);
    for (const increment of increments) expect(increment).toBeGreaterThan(0);
    for (let i = 1; i < increments.length; i++) expect(Math.abs(increments[i] - increments[i - 1])).toBeLessThan(1e-6);
  });

  it("GIVEN more orders than visitors WHEN computed THEN orders are capped and the cap is reported", () => {
    const result = computeChanceToBeatControl(counts(5, 3), counts(1, 3));

    expect(result.capped).toBe(true);
    expect(result.probability).toBeCloseTo(computeChanceToBeatControl(counts(3, 3), counts(1, 3)).probability, 15);
  });

  it("GIVEN no Math.random WHEN computed twice THEN the answer is identical (deterministic)", () => {
    expect(computeChanceToBeatControl(counts(31, 1000), counts(44, 990))).toEqual(computeChanceToBeatControl(counts(31, 1000), counts(44, 990)));
  });
});
