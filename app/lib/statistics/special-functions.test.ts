import { describe, expect, it } from "vitest";
import {
  logBeta,
  logGamma,
  regularizedIncompleteBeta,
  regularizedIncompleteBetaWithComplement,
  regularizedLowerGamma,
  regularizedUpperGamma,
} from "./special-functions";

function expectRelativelyClose(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.max(Math.abs(expected), Number.MIN_VALUE));
}

/** ln((n − 1)!) by summing logarithms: Γ(n) = (n − 1)! derived without any gamma approximation. */
function logFactorialOfPredecessor(n: number): number {
  let sum = 0;
  for (let k = 2; k < n; k++) sum += Math.log(k);
  return sum;
}

describe("logGamma", () => {
  // Sources: closed forms (Γ(½) = √π, Γ(1) = Γ(2) = 1, Γ(3) = 2) and R's lgamma(), whose printed values
  // were reproduced with mpmath 1.3 at 30 significant digits: lgamma(100) = 359.1342053695754,
  // lgamma(0.1) = 2.252712651734206, lgamma(2.5) = 0.2846828704729192, lgamma(1e8) = 1742068066.103835.
  it.each([
    { x: 0.5, expected: Math.log(Math.sqrt(Math.PI)), absolute: 1e-15 },
    { x: 1, expected: 0, absolute: 1e-15 },
    { x: 2, expected: 0, absolute: 1e-15 },
    { x: 3, expected: Math.LN2, absolute: 1e-15 },
    { x: 0.1, expected: 2.252712651734206, absolute: 1e-14 },
    { x: 2.5, expected: 0.2846828704729192, absolute: 1e-14 },
    { x: 1e-10, expected: 23.025850929882736, absolute: 1e-13 },
    { x: 100, expected: 359.1342053695754, absolute: 1e-12 },
    { x: 1e8, expected: 1742068066.1038346, absolute: 1e-6 },
  ])("GIVEN x = $x WHEN logGamma THEN it is the published ln Γ(x)", ({ x, expected, absolute }) => {
    expect(Math.abs(logGamma(x) - expected)).toBeLessThanOrEqual(absolute);
  });

  it.each([2, 5, 10, 11, 20, 57, 100, 171])("GIVEN an integer n = %i WHEN logGamma THEN it equals ln((n − 1)!) summed term by term", (n) => {
    expectRelativelyClose(logGamma(n), logFactorialOfPredecessor(n), 1e-13);
  });

  it.each([0.3, 4.2, 9.5, 9.999, 10, 25.5, 1e4])("GIVEN x = %d WHEN stepping by one THEN ln Γ(x + 1) − ln Γ(x) = ln x (also across the Lanczos/Stirling switch at 10)", (x) => {
    expect(Math.abs(logGamma(x + 1) - logGamma(x) - Math.log(x))).toBeLessThan(1e-12 * Math.max(1, logGamma(x + 1)));
  });

  it.each([0, -1, Number.NaN, Infinity])("GIVEN x = %d WHEN logGamma THEN it refuses the argument", (x) => {
    expect(() => logGamma(x)).toThrow(RangeError);
  });
});

describe("logBeta", () => {
  // B(a, b) = Γ(a)Γ(b)/Γ(a+b); closed forms B(1, b) = 1/b, B(2, b) = 1/(b(b+1)), B(½, ½) = π, and
  // B(10, n) = 9!/(n(n+1)…(n+9)) written out as a product.
  const logBetaTenN = (n: number) => logFactorialOfPredecessor(10) - Array.from({ length: 10 }, (_, k) => Math.log(n + k)).reduce((a, b) => a + b, 0);

  it.each([
    { a: 0.5, b: 0.5, expected: Math.log(Math.PI) },
    { a: 2, b: 3, expected: Math.log(1 / 12) },
    { a: 1, b: 1e8, expected: -Math.log(1e8) },
    { a: 2, b: 1e7, expected: -Math.log(1e7) - Math.log(1e7 + 1) },
    { a: 10, b: 1e6, expected: logBetaTenN(1e6) },
    { a: 10, b: 37, expected: logBetaTenN(37) },
    // mpmath 1.3 at 30 digits: ln B(1e7, 3e7) = -22493412.781020581.
    { a: 1e7, b: 3e7, expected: -22493412.78102058 },
  ])("GIVEN a = $a, b = $b WHEN logBeta THEN it matches the closed form", ({ a, b, expected }) => {
    expectRelativelyClose(logBeta(a, b), expected, 1e-13);
  });

  it.each([
    [1e6, 2e6],
    [3e7, 7e7],
    [12.5, 4e8],
  ])("GIVEN huge a = %d, b = %d WHEN a grows by one THEN ln B(a+1, b) − ln B(a, b) = ln(a/(a+b)) to 2e-8 (naive log-gammas lose ~1e-7 here)", (a, b) => {
    expect(Math.abs(logBeta(a + 1, b) - logBeta(a, b) - Math.log(a / (a + b)))).toBeLessThan(2e-8);
  });

  it("GIVEN swapped arguments WHEN logBeta THEN it is symmetric", () => {
    expect(logBeta(3.5, 2e5)).toBe(logBeta(2e5, 3.5));
  });
});

describe("regularizedIncompleteBeta", () => {
  // Closed forms: I_x(a, 1) = x^a, I_x(1, b) = 1 − (1 − x)^b, I_½(a, a) = ½.
  it.each([
    { x: 0.3, a: 2.5, b: 1, expected: 0.3 ** 2.5 },
    { x: 0.9, a: 40, b: 1, expected: 0.9 ** 40 },
    { x: 0.2, a: 1, b: 7, expected: 1 - 0.8 ** 7 },
    { x: 0.5, a: 7.5, b: 7.5, expected: 0.5 },
    { x: 0.5, a: 1000, b: 1000, expected: 0.5 },
    { x: 0, a: 2, b: 3, expected: 0 },
    { x: 1, a: 2, b: 3, expected: 1 },
  ])("GIVEN x = $x, a = $a, b = $b WHEN evaluated THEN it matches the closed form", ({ x, a, b, expected }) => {
    expect(Math.abs(regularizedIncompleteBeta(x, a, b) - expected)).toBeLessThan(1e-12 * Math.max(1e-3, expected));
  });

  // Independent derivation: P(Binomial(n, p) ≥ k) = I_p(k, n − k + 1), the binomial tail summed term by term.
  it.each([
    { n: 10, k: 3, p: 0.2 },
    { n: 50, k: 30, p: 0.5 },
    { n: 200, k: 5, p: 0.01 },
    { n: 120, k: 100, p: 0.9 },
  ])("GIVEN Binomial($n, $p) WHEN I_p(k, n−k+1) with k = $k THEN it equals the summed binomial tail", ({ n, k, p }) => {
    let term = (1 - p) ** n;
    let tail = 0;
    for (let j = 0; j <= n; j++) {
      if (j >= k) tail += term;
      term *= ((n - j) / (j + 1)) * (p / (1 - p));
    }
    expectRelativelyClose(regularizedIncompleteBeta(p, k, n - k + 1), tail, 1e-12);
  });

  it("GIVEN a tiny complement WHEN x and 1 − x are passed separately THEN the lower tail keeps its digits", () => {
    // I_x(a, ½) near x = 1 is 1 − I_{1−x}(½, a); with 1 − x = 1e-20 the subtraction 1 − x would be 0.
    const viaComplement = 1 - regularizedIncompleteBetaWithComplement(1e-20, 1, 0.5, 3);
    // I_y(½, 3) ≈ y^½ / (½ B(½, 3)) for tiny y, B(½, 3) = 16/15.
    expectRelativelyClose(1 - viaComplement, 1e-10 / (0.5 * (16 / 15)), 1e-6);
  });
});

describe("regularized incomplete gamma", () => {
  // Closed forms: P(1, x) = 1 − e^(−x); Q(n, x) = e^(−x) Σ_{k<n} x^k/k! (the Poisson CDF identity).
  const poissonCdf = (n: number, x: number) => {
    let term = Math.exp(-x);
    let sum = 0;
    for (let k = 0; k < n; k++) {
      sum += term;
      term *= x / (k + 1);
    }
    return sum;
  };

  it.each([
    { a: 1, x: 0.5 },
    { a: 1, x: 20 },
    { a: 3, x: 0.1 },
    { a: 3, x: 2.5 },
    { a: 10, x: 9 },
    { a: 10, x: 30 },
    { a: 50, x: 45 },
  ])("GIVEN a = $a, x = $x WHEN P and Q THEN they match the Poisson identity and sum to 1", ({ a, x }) => {
    const upper = poissonCdf(a, x);
    expectRelativelyClose(regularizedUpperGamma(a, x), upper, 1e-12);
    expectRelativelyClose(regularizedLowerGamma(a, x), 1 - upper, 1e-12);
  });

  it.each([
    [0, 0, 1],
    [Infinity, 1, 0],
  ])("GIVEN x = %d WHEN P(2, x) and Q(2, x) THEN the limits are %d and %d", (x, lower, upper) => {
    expect(regularizedLowerGamma(2, x)).toBe(lower);
    expect(regularizedUpperGamma(2, x)).toBe(upper);
  });
});
