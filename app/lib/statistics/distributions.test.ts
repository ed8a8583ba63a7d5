import { describe, expect, it } from "vitest";
import { chiSquareCdf, chiSquareSurvival, normalCdf, normalQuantile, normalSurvival, studentTCdf, studentTQuantile } from "./distributions";

function expectRelativelyClose(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.abs(expected));
}

describe("normalCdf", () => {
  // R: pnorm(1.96) = 0.9750021, pnorm(-1.96) = 0.0249979, pnorm(1) = 0.8413447, pnorm(-3) = 0.001349898,
  // pnorm(-10) = 7.619853e-24 (R 4.x printed output). Full digits from mpmath 1.3 (ncdf, 30 digits).
  it.each([
    { x: 1.96, expected: 0.9750021048517796 },
    { x: -1.96, expected: 0.024997895148220435 },
    { x: 1, expected: 0.8413447460685429 },
    { x: -3, expected: 0.0013498980316300946 },
    { x: -10, expected: 7.619853024160525e-24 },
    { x: -37.5, expected: 4.605353009581955e-308 },
    { x: 0, expected: 0.5 },
  ])("GIVEN x = $x WHEN normalCdf THEN it is pnorm(x) to 1e-13 relative", ({ x, expected }) => {
    expectRelativelyClose(normalCdf(x), expected, 1e-13);
  });

  it.each([-8, -2, -0.3, 0.7, 4])("GIVEN x = %d WHEN normalSurvival THEN Φ(x) + P(Z > x) = 1 and it equals Φ(−x)", (x) => {
    expect(normalCdf(x) + normalSurvival(x)).toBeCloseTo(1, 15);
    expect(normalSurvival(x)).toBe(normalCdf(-x));
  });

  it.each([
    [-Infinity, 0],
    [-40, 0],
    [Infinity, 1],
  ])("GIVEN x = %d WHEN normalCdf THEN it saturates to %d without NaN", (x, expected) => {
    expect(normalCdf(x)).toBe(expected);
  });
});

describe("normalQuantile", () => {
  // R: qnorm(0.975) = 1.959964, qnorm(0.995) = 2.575829, qnorm(0.8) = 0.8416212, qnorm(1e-10) = -6.361341.
  // Full digits from mpmath 1.3 (√2·erfinv(2p − 1), 30 digits).
  it.each([
    { p: 0.975, expected: 1.959963984540054 },
    { p: 0.025, expected: -1.959963984540054 },
    { p: 0.995, expected: 2.5758293035489004 },
    { p: 0.8, expected: 0.8416212335729144 },
    { p: 1e-10, expected: -6.361340902404056 },
  ])("GIVEN p = $p WHEN normalQuantile THEN it is qnorm(p) to 1e-14 relative", ({ p, expected }) => {
    expectRelativelyClose(normalQuantile(p), expected, 1e-14);
  });

  it.each([1e-300, 1e-20, 0.001, 0.02425, 0.3, 0.5, 0.6, 0.97575, 0.999999])("GIVEN p = %d WHEN the quantile is fed back to Φ THEN p comes back", (p) => {
    expectRelativelyClose(normalCdf(normalQuantile(p)), p, 1e-13);
  });

  it.each([
    [0, -Infinity],
    [1, Infinity],
    [0.5, 0],
  ])("GIVEN p = %d WHEN normalQuantile THEN it is %d", (p, expected) => {
    expect(normalQuantile(p)).toBe(expected);
  });

  it.each([-0.1, 1.1, Number.NaN])("GIVEN p = %d outside [0, 1] WHEN normalQuantile THEN it throws", (p) => {
    expect(() => normalQuantile(p)).toThrow(RangeError);
  });
});

describe("studentTCdf", () => {
  // R: pt(2, 10) = 0.963306 (full digits: mpmath 1.3 via the incomplete beta at 30 digits).
  // Closed forms (Abramowitz & Stegun 26.7.3): ν = 1 is Cauchy, ½ + atan(t)/π; ν = 2 is ½ + t/(2√(2+t²));
  // ν = 3 is ½ + (θ + sinθ cosθ)/π with θ = atan(t/√3).
  const cdfThree = (t: number) => {
    const theta = Math.atan(t / Math.sqrt(3));
    return 0.5 + (theta + Math.sin(theta) * Math.cos(theta)) / Math.PI;
  };

  it.each([
    { t: 2, df: 10, expected: 0.9633059826146299 },
    { t: -2, df: 10, expected: 0.03669401738537018 },
    { t: 2.5, df: 7.5, expected: 0.9805898708631872 },
    { t: -4, df: 30, expected: 0.00019092281804187843 },
    { t: 1, df: 1, expected: 0.75 },
    { t: -7, df: 1, expected: 0.5 + Math.atan(-7) / Math.PI },
    { t: 1, df: 2, expected: 0.5 + 1 / (2 * Math.sqrt(3)) },
    { t: -2.2, df: 2, expected: 0.5 - 2.2 / (2 * Math.sqrt(2 + 2.2 ** 2)) },
    { t: 1.5, df: 3, expected: cdfThree(1.5) },
    { t: -12, df: 3, expected: cdfThree(-12) },
  ])("GIVEN t = $t, df = $df WHEN studentTCdf THEN it is pt(t, df)", ({ t, df, expected }) => {
    expectRelativelyClose(studentTCdf(t, df), expected, 1e-12);
  });

  it.each([1.96, -3.2, 0.4])("GIVEN t = %d and df = 1e8 WHEN studentTCdf THEN it equals the normal CDF to 1e-8", (t) => {
    expect(Math.abs(studentTCdf(t, 1e8) - normalCdf(t))).toBeLessThan(1e-8);
  });

  // Just below the switch the incomplete-beta continued fraction (x ≈ 1 − 1e-5) is good to ~1e-11
  // absolute (checked against mpmath); just above it the approximation is good to ~1e-13.
  it.each([-5, -2, 1.3, 3])("GIVEN t = %d WHEN df crosses the 4e5 switch to the A&S 26.7.8 approximation THEN the CDF is continuous to 2e-11", (t) => {
    expect(Math.abs(studentTCdf(t, 4e5) - studentTCdf(t, 4e5 * (1 + 1e-9)))).toBeLessThan(2e-11);
    expect(Math.abs(studentTCdf(t, 399_999.9) - studentTCdf(t, 400_000.1))).toBeLessThan(2e-11);
  });

  it.each([
    [Infinity, 5, 1],
    [-Infinity, 5, 0],
    [1e200, 3, 1],
    [0, 4.5, 0.5],
  ])("GIVEN t = %d, df = %d WHEN studentTCdf THEN it is %d", (t, df, expected) => {
    expect(studentTCdf(t, df)).toBe(expected);
  });
});

describe("studentTQuantile", () => {
  // R: qt(0.975, 10) = 2.228139, qt(0.975, 1) = 12.7062, qt(0.975, 2) = 4.302653, qt(0.975, 30) = 2.042272,
  // qt(0.995, 5) = 4.032143 — also the NIST/SEMATECH e-Handbook §1.3.6.7.2 t table (2.228, 12.706,
  // 4.303, 2.042, 4.032). Full digits from mpmath 1.3 root-finding on the exact CDF.
  it.each([
    { p: 0.975, df: 10, expected: 2.228138851986274 },
    { p: 0.975, df: 1, expected: 12.706204736174692 },
    { p: 0.975, df: 2, expected: 4.302652729749462 },
    { p: 0.975, df: 30, expected: 2.042272456301238 },
    { p: 0.995, df: 5, expected: 4.032142983555227 },
    { p: 0.025, df: 10, expected: -2.228138851986274 },
  ])("GIVEN p = $p, df = $df WHEN studentTQuantile THEN it is qt(p, df)", ({ p, df, expected }) => {
    expectRelativelyClose(studentTQuantile(p, df), expected, 1e-13);
  });

  it.each([
    [1e-12, 3],
    [0.001, 0.7],
    [0.2, 1.5],
    [0.975, 17.776],
    [0.9, 4],
    [0.999, 250],
    [0.975, 4e5 - 1],
    [0.975, 2e6],
    [0.5 + 1e-9, 12],
  ])("GIVEN p = %d, df = %d WHEN the quantile is fed back to the CDF THEN p comes back", (p, df) => {
    expectRelativelyClose(studentTCdf(studentTQuantile(p, df), df), p, 1e-11);
  });

  it("GIVEN a huge df WHEN studentTQuantile THEN it approaches qnorm", () => {
    expect(Math.abs(studentTQuantile(0.975, 1e9) - normalQuantile(0.975))).toBeLessThan(1e-8);
    expect(studentTQuantile(0.975, Infinity)).toBe(normalQuantile(0.975));
  });

  it.each([0, -1, Number.NaN])("GIVEN df = %d WHEN studentTQuantile THEN it throws", (df) => {
    expect(() => studentTQuantile(0.9, df)).toThrow(RangeError);
  });
});

describe("chi-square", () => {
  // R: pchisq(3.841459, 1) = 0.95, pchisq(6.634897, 1) = 0.99, pchisq(5.991465, 2) = 0.95,
  // pchisq(10.828, 1) ≈ 0.999 (NIST/SEMATECH e-Handbook §1.3.6.7.4 critical values 3.841, 6.635, 5.991, 10.828).
  // Full digits from mpmath 1.3 (regularized lower gamma, 30 digits).
  it.each([
    { x: 3.841459, k: 1, expected: 0.9500000053468042 },
    { x: 6.634897, k: 1, expected: 0.9900000022397175 },
    { x: 5.991465, k: 2, expected: 0.9500000113222992 },
    { x: 10.828, k: 1, expected: 0.999000234280417 },
  ])("GIVEN x = $x, k = $k WHEN chiSquareCdf THEN it is pchisq(x, k)", ({ x, k, expected }) => {
    expectRelativelyClose(chiSquareCdf(x, k), expected, 1e-13);
    expectRelativelyClose(chiSquareSurvival(x, k), 1 - expected, 1e-11);
  });

  // Closed forms: k = 2 is exponential, 1 − e^(−x/2); k = 4 is 1 − e^(−x/2)(1 + x/2).
  it.each([0.01, 2, 9, 60])("GIVEN x = %d WHEN k = 2 or 4 THEN the CDF matches its closed form", (x) => {
    expectRelativelyClose(chiSquareSurvival(x, 2), Math.exp(-x / 2), 1e-13);
    expectRelativelyClose(chiSquareSurvival(x, 4), Math.exp(-x / 2) * (1 + x / 2), 1e-13);
  });

  it("GIVEN a 1-df statistic WHEN compared with the normal THEN P(χ²₁ > z²) = 2·P(Z > |z|)", () => {
    for (const z of [0.5, 1.96, 3, 6]) expectRelativelyClose(chiSquareSurvival(z * z, 1), 2 * normalSurvival(z), 1e-13);
  });

  it.each([
    [0, 0, 1],
    [-1, 0, 1],
    [1e9, 1, 0],
  ])("GIVEN x = %d WHEN k = 1 THEN CDF %d and survival %d", (x, cdf, survival) => {
    expect(chiSquareCdf(x, 1)).toBe(cdf);
    expect(chiSquareSurvival(x, 1)).toBe(survival);
  });
});
