// Distribution functions for the A/B test statistics: standard normal, Student t and chi-square.
// Built on ./special-functions (no dependencies). Named like the mathematical functions they are.
import {
  logGamma,
  regularizedIncompleteBetaWithComplement,
  regularizedLowerGamma,
  regularizedUpperGamma,
} from "./special-functions";

function assertProbability(p: number): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`probability must lie in [0, 1], got ${p}`);
}

function assertDegreesOfFreedom(df: number): void {
  if (!(df > 0)) throw new RangeError(`degrees of freedom must be > 0, got ${df}`);
}

/**
 * Standard normal CDF Φ(x). Through the incomplete gamma function (Φ(x) = ½ + ½·sign(x)·P(½, x²/2),
 * and Φ(−|x|) = ½·Q(½, x²/2)) rather than a memorised rational approximation: the lower tail keeps
 * full relative precision down to ~1e-300, which p-values for huge tests need.
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) throw new RangeError("x must be a number");
  const halfSquare = (x * x) / 2;
  if (x < 0) return 0.5 * regularizedUpperGamma(0.5, halfSquare);
  return 0.5 + 0.5 * regularizedLowerGamma(0.5, halfSquare);
}

/** P(Z > x), computed without the 1 − Φ(x) cancellation. */
export function normalSurvival(x: number): number {
  return normalCdf(-x);
}

function normalDensity(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

// Peter J. Acklam's rational approximation of the normal quantile (relative error < 1.15e-9),
// followed by one Halley step against normalCdf, which brings it to full double precision.
const ACKLAM_A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const ACKLAM_B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const ACKLAM_C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const ACKLAM_D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const ACKLAM_LOW = 0.02425;

function acklamLowerTail(p: number): number {
  const q = Math.sqrt(-2 * Math.log(p));
  const [c0, c1, c2, c3, c4, c5] = ACKLAM_C;
  const [d0, d1, d2, d3] = ACKLAM_D;
  return (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
}

function acklamCentral(p: number): number {
  const q = p - 0.5;
  const r = q * q;
  const [a0, a1, a2, a3, a4, a5] = ACKLAM_A;
  const [b0, b1, b2, b3, b4] = ACKLAM_B;
  return ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) / (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1);
}

/** Standard normal quantile Φ⁻¹(p); ±Infinity at 0 and 1. */
export function normalQuantile(p: number): number {
  assertProbability(p);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  // Work in the lower tail and mirror: Φ(x) is exact there, so the Halley step sees the true error.
  const lower = Math.min(p, 1 - p);
  let x = lower < ACKLAM_LOW ? acklamLowerTail(lower) : acklamCentral(lower);
  const error = normalCdf(x) - lower;
  const step = error / normalDensity(x);
  x -= step / (1 + (x * step) / 2);
  return p < 0.5 ? x : -x;
}

/** Above this many degrees of freedom the t distribution is evaluated with the normal approximation R's pt uses. */
const T_NORMAL_APPROXIMATION_FROM = 4e5;

/**
 * P(T ≤ t) for Student's t with df > 0 degrees of freedom (df need not be an integer: Welch's
 * df is not). Exact via the incomplete beta: P(T ≤ −|t|) = ½·I_{ν/(ν+t²)}(ν/2, ½). For ν > 4e5
 * it uses Abramowitz & Stegun 26.7.8, as R's pt.c does; its error there is O(1/ν²) < 1e-12.
 * Accuracy: ~1e-15 relative for small ν, degrading to ~1e-11 near ν = 4e5 (the continued fraction
 * runs at x ≈ 1); ample for p-values and intervals shown to a few digits.
 */
export function studentTCdf(t: number, df: number): number {
  assertDegreesOfFreedom(df);
  if (Number.isNaN(t)) throw new RangeError("t must be a number");
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  if (df === Infinity) return normalCdf(t);
  if (df > T_NORMAL_APPROXIMATION_FROM) {
    const v = 1 / (4 * df);
    return normalCdf((t * (1 - v)) / Math.sqrt(1 + t * t * 2 * v));
  }
  const ratio = (t * t) / df;
  // x and 1 − x computed separately so neither tail is a difference of nearly equal numbers.
  const x = Number.isFinite(ratio) ? 1 / (1 + ratio) : 0;
  const y = Number.isFinite(ratio) ? ratio / (1 + ratio) : 1;
  const tail = 0.5 * regularizedIncompleteBetaWithComplement(x, y, df / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}

/** Density of Student's t, for Newton steps in the quantile. */
function studentTDensity(t: number, df: number): number {
  const logDensity =
    logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI) - ((df + 1) / 2) * Math.log1p((t * t) / df);
  return Math.exp(logDensity);
}

/**
 * Cornish–Fisher expansion of the t quantile in powers of 1/ν (Abramowitz & Stegun 26.7.5):
 * a starting point only; the quantile is then solved against studentTCdf.
 */
function cornishFisherT(z: number, df: number): number {
  const z2 = z * z;
  const g1 = (z2 + 1) * z / 4;
  const g2 = ((5 * z2 + 16) * z2 + 3) * z / 96;
  const g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384;
  const g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
}

/**
 * Quantile of Student's t: the t with P(T ≤ t) = p. Closed forms for ν = 1 and 2; the inverse of
 * the A&S 26.7.8 approximation for ν > 4e5 (matching studentTCdf); otherwise Newton's method on the
 * lower tail from a Cornish–Fisher start, safeguarded by bisection inside a bracket so it cannot
 * diverge for small ν where the expansion is poor.
 */
export function studentTQuantile(p: number, df: number): number {
  assertProbability(p);
  assertDegreesOfFreedom(df);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (df === Infinity) return normalQuantile(p);
  // Solve in the lower tail (t < 0), where studentTCdf is most precise, and mirror for p > ½.
  const lower = Math.min(p, 1 - p);
  const lowerQuantile = solveLowerTailT(lower, df);
  return p < 0.5 ? lowerQuantile : -lowerQuantile;
}

/** The t < 0 with studentTCdf(t, df) = lower, for 0 < lower < ½. */
function solveLowerTailT(lower: number, df: number): number {
  if (df === 1) return -1 / Math.tan(Math.PI * lower);
  if (df === 2) return (2 * lower - 1) / Math.sqrt(2 * lower * (1 - lower));
  const z = normalQuantile(lower);
  if (df > T_NORMAL_APPROXIMATION_FROM) {
    const v = 1 / (4 * df);
    return z / Math.sqrt((1 - v) ** 2 - 2 * v * z * z);
  }
  // Bracket [low, high] with F(low) ≤ lower ≤ F(high), then Newton steps that fall back to
  // bisection whenever a step would leave the bracket.
  let high = 0;
  let low = Math.min(cornishFisherT(z, df), z);
  while (studentTCdf(low, df) > lower) {
    high = low;
    low *= 2;
  }
  let t = low;
  for (let iteration = 0; iteration < 200; iteration++) {
    const error = studentTCdf(t, df) - lower;
    if (error === 0) return t;
    if (error > 0) high = t;
    else low = t;
    const density = studentTDensity(t, df);
    let next = density > 0 ? t - error / density : Number.NaN;
    if (!(next > low && next < high)) next = (low + high) / 2;
    if (Math.abs(next - t) <= 4 * Number.EPSILON * Math.abs(t)) return next;
    t = next;
  }
  return t;
}

/** P(X ≤ x) for a chi-square with k > 0 degrees of freedom: P(k/2, x/2). */
export function chiSquareCdf(x: number, k: number): number {
  assertDegreesOfFreedom(k);
  if (Number.isNaN(x)) throw new RangeError("x must be a number");
  if (x <= 0) return 0;
  return regularizedLowerGamma(k / 2, x / 2);
}

/** P(X > x) for a chi-square with k degrees of freedom, computed directly so tiny p-values keep their digits. */
export function chiSquareSurvival(x: number, k: number): number {
  assertDegreesOfFreedom(k);
  if (Number.isNaN(x)) throw new RangeError("x must be a number");
  if (x <= 0) return 1;
  return regularizedUpperGamma(k / 2, x / 2);
}
