// Special functions behind the A/B test statistics: log-gamma, log-beta and the regularized
// incomplete beta and gamma functions. Written here rather than taken from a package because the
// project adds no dependencies, and kept pure so the admin page and tests get identical numbers.
// Named like the mathematical functions they are (as Math.log is), not verb-first.

const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
/** Relative precision targeted by the series and continued fractions (a few ulps of a double). */
const EPSILON = 1e-15;
/** Lentz's guard against a zero denominator, as in Numerical Recipes §5.2. */
const TINY = 1e-300;

// Lanczos approximation with g = 7 and 9 coefficients (Godfrey's set, as printed in Numerical
// Recipes 3rd ed. §6.1 and on Wikipedia's "Lanczos approximation"): ~1e-15 relative for x < 10.
const LANCZOS_G = 7;
const LANCZOS_COEFFICIENTS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
/** At and above this, Stirling's series with the correction below is used (and log-beta avoids cancellation). */
const STIRLING_FROM = 10;

function assertPositive(name: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a positive finite number, got ${value}`);
}

/**
 * Remainder of Stirling's series: lnΓ(x) − [(x − ½)ln x − x + ½ln 2π], for x ≥ 10.
 * Terms B₂ₖ / (2k(2k−1)x^(2k−1)); the first omitted one is < 3e-17 at x = 10. Computing this
 * remainder on its own is what lets log-beta of huge arguments cancel the large parts exactly.
 */
function stirlingCorrection(x: number): number {
  const inverse = 1 / x;
  const inverseSquared = inverse * inverse;
  return (
    inverse *
    (1 / 12 +
      inverseSquared *
        (-1 / 360 +
          inverseSquared *
            (1 / 1260 + inverseSquared * (-1 / 1680 + inverseSquared * (1 / 1188 + inverseSquared * (-691 / 360360 + inverseSquared / 156))))))
  );
}

/** Below this, Γ of an integer is the exactly representable (x − 1)! (18! < 2^53). */
const EXACT_FACTORIAL_BELOW = 20;

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  assertPositive("x", x);
  if (Number.isInteger(x) && x < EXACT_FACTORIAL_BELOW) {
    // Exact factorials make ln Γ(1) = ln Γ(2) = 0 exactly, so e.g. a uniform-prior chance is exactly ½.
    let factorial = 1;
    for (let k = 2; k < x; k++) factorial *= k;
    return Math.log(factorial);
  }
  if (x >= STIRLING_FROM) return (x - 0.5) * Math.log(x) - x + LN_SQRT_2PI + stirlingCorrection(x);
  if (x < 0.5) {
    // Reflection Γ(x)Γ(1−x) = π / sin(πx): the Lanczos sum loses accuracy near 0.
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  }
  const shifted = x - 1;
  let sum = LANCZOS_COEFFICIENTS[0];
  for (let i = 1; i < LANCZOS_COEFFICIENTS.length; i++) sum += LANCZOS_COEFFICIENTS[i] / (shifted + i);
  const t = shifted + LANCZOS_G + 0.5;
  return LN_SQRT_2PI + (shifted + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * ln B(a, b) = lnΓ(a) + lnΓ(b) − lnΓ(a+b), arranged as R's lbeta.c does: for large arguments the
 * three log-gammas are ~1e9 each and subtracting them would leave only ~7 correct digits, so the
 * leading terms are combined analytically and only the small Stirling remainders are subtracted.
 */
export function logBeta(a: number, b: number): number {
  assertPositive("a", a);
  assertPositive("b", b);
  const p = Math.min(a, b);
  const q = Math.max(a, b);
  const ratio = p / (p + q);
  if (p >= STIRLING_FROM) {
    const correction = stirlingCorrection(p) + stirlingCorrection(q) - stirlingCorrection(p + q);
    return -0.5 * Math.log(q) + LN_SQRT_2PI + correction + (p - 0.5) * Math.log(ratio) + q * Math.log1p(-ratio);
  }
  if (q >= STIRLING_FROM) {
    const correction = stirlingCorrection(q) - stirlingCorrection(p + q);
    return logGamma(p) + correction + p - p * Math.log(p + q) + (q - 0.5) * Math.log1p(-ratio);
  }
  return logGamma(p) + logGamma(q) - logGamma(p + q);
}

/** Maximum iterations before a series or continued fraction is declared non-convergent (never silently). */
const MAX_ITERATIONS = 100_000;

/**
 * Continued fraction for I_x(a, b) (Numerical Recipes 3rd ed. §6.4, evaluated with the modified
 * Lentz method); converges fast for x < (a+1)/(a+b+2).
 */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const sum = a + b;
  const aPlusOne = a + 1;
  const aMinusOne = a - 1;
  let c = 1;
  let d = 1 - (sum * x) / aPlusOne;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let result = d;
  for (let m = 1; m <= MAX_ITERATIONS; m++) {
    const twoM = 2 * m;
    const even = (m * (b - m) * x) / ((aMinusOne + twoM) * (a + twoM));
    d = 1 + even * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + even / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    result *= d * c;
    const odd = (-(a + m) * (sum + m) * x) / ((a + twoM) * (aPlusOne + twoM));
    d = 1 + odd * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + odd / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    result *= delta;
    if (Math.abs(delta - 1) < EPSILON) return result;
  }
  throw new Error(`incomplete beta continued fraction did not converge for x=${x}, a=${a}, b=${b}`);
}

/**
 * I_x(a, b) given both x and y = 1 − x. Callers that know 1 − x more precisely than the
 * subtraction would give (the Student t CDF: x = ν/(ν+t²), y = t²/(ν+t²)) pass it in, so a tail
 * probability near 0 is not computed as 1 − (something near 1).
 */
export function regularizedIncompleteBetaWithComplement(x: number, y: number, a: number, b: number): number {
  assertPositive("a", a);
  assertPositive("b", b);
  if (!(x >= 0 && x <= 1 && y >= 0 && y <= 1)) throw new RangeError(`x and 1 − x must lie in [0, 1], got ${x} and ${y}`);
  if (x === 0) return 0;
  if (y === 0) return 1;
  // ln x near x = 1 as log1p(−y): with a ~ 1e5 (Student t with large df) a relative rounding of x
  // itself would be multiplied by a in a·ln x and cost ~1e-11 of accuracy.
  const logX = x < 0.5 ? Math.log(x) : Math.log1p(-y);
  const logY = y < 0.5 ? Math.log(y) : Math.log1p(-x);
  const logFront = a * logX + b * logY - logBeta(a, b);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (Math.exp(logFront) * betaContinuedFraction(y, b, a)) / b;
}

/** The regularized incomplete beta function I_x(a, b), the CDF of Beta(a, b) at x. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  return regularizedIncompleteBetaWithComplement(x, 1 - x, a, b);
}

/** ln of the common prefactor x^a e^(−x) / Γ(a) of both incomplete gamma expansions. */
function logGammaPrefactor(a: number, x: number): number {
  return a * Math.log(x) - x - logGamma(a);
}

/** Series for P(a, x) (Numerical Recipes §6.2), used for x < a + 1 where it converges quickly. */
function lowerGammaSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  let denominator = a;
  for (let n = 1; n <= MAX_ITERATIONS; n++) {
    denominator += 1;
    term *= x / denominator;
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPSILON) return sum * Math.exp(logGammaPrefactor(a, x));
  }
  throw new Error(`incomplete gamma series did not converge for a=${a}, x=${x}`);
}

/** Continued fraction for Q(a, x) (Numerical Recipes §6.2, modified Lentz), used for x ≥ a + 1. */
function upperGammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let result = d;
  for (let i = 1; i <= MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    result *= delta;
    if (Math.abs(delta - 1) < EPSILON) return Math.exp(logGammaPrefactor(a, x)) * result;
  }
  throw new Error(`incomplete gamma continued fraction did not converge for a=${a}, x=${x}`);
}

/** Regularized lower incomplete gamma P(a, x) = γ(a, x) / Γ(a). */
export function regularizedLowerGamma(a: number, x: number): number {
  assertPositive("a", a);
  if (!(x >= 0)) throw new RangeError(`x must be ≥ 0, got ${x}`);
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  return x < a + 1 ? lowerGammaSeries(a, x) : 1 - upperGammaContinuedFraction(a, x);
}

/** Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x), computed directly so small tails keep their digits. */
export function regularizedUpperGamma(a: number, x: number): number {
  assertPositive("a", a);
  if (!(x >= 0)) throw new RangeError(`x must be ≥ 0, got ${x}`);
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - lowerGammaSeries(a, x) : upperGammaContinuedFraction(a, x);
}
