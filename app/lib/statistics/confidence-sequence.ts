// Peek-safe ("always valid") comparison of two arms: the interval the admin page shows and the one
// that decides the verdict. Merchants open the results every day; a fixed-horizon 95% interval read
// daily and acted on at the first look that excludes 0 names a false winner far more often than 5%
// (bench/stats.ts measures it). A confidence sequence holds at every look at once.
//
// Method: the two-sided Gaussian-mixture (normal-mixture) confidence sequence — Robbins' mixture
// martingale as used for "mixture SPRT" in
//   Johari, Koomen, Pekelis & Walsh, "Always Valid Inference: Continuous Monitoring of A/B Tests",
//   Operations Research 70(3), 2022 (arXiv:1512.04922), §4 (mSPRT with a normal mixing distribution),
// with the boundary of
//   Howard, Ramdas, McAuliffe & Sekhon, "Time-uniform, nonparametric, nonasymptotic confidence
//   sequences", Annals of Statistics 49(2), 2021, eq. (14) / Proposition 5 (normal mixture),
// and the plug-in-variance (asymptotic) justification of
//   Waudby-Smith, Arbour, Sinha, Kennedy & Ramdas, "Time-uniform central limit theory and asymptotic
//   confidence sequences", Annals of Statistics, 2024 (arXiv:2103.06476), Theorem 2.2.
// Eppo, Statsig and GrowthBook offer this family of methods as their "sequential" analysis.
//
// For an estimate θ̂ ~ N(θ, V) of an effect θ, and a N(0, τ²) mixing distribution on θ, the mixture
// likelihood ratio is √(V/(V+τ²))·exp(τ²θ̂²/(2V(V+τ²))); by Ville's inequality it exceeds 1/α at ANY
// look with probability ≤ α when θ = 0. Inverting it at every θ gives the always-valid interval
//   θ̂ ± √( V·(V+τ²)/τ² · (2·ln(1/α) + ln(1 + τ²/V)) ).
//
// The effect is the LOG of the ratio treatment/control (of conversion rates, or of revenue per
// visitor), so the relative lift's interval exp(θ̂ ± w) − 1 can never pass −100%, and the verdict
// (interval above or below 0) is read off that same interval. Variances by the delta method: the
// log risk ratio's (Katz, Baptista & Azen, "Obtaining confidence intervals for the risk ratio in
// cohort studies", Biometrics 34, 1978) and the log ratio of means' (Var(m)/m² per arm).
//
// The chance to beat control is the posterior P(θ > 0) under the same N(0, τ²) prior the mixture
// uses (the mixture is that prior's Bayes factor), Φ(θ̂·τ/√(V(V+τ²))). It is > 50% exactly when the
// point estimate is above 0, and an interval excluding 0 implies a chance above Φ(√(2 ln(1/α))) =
// 99.28%: the page's verdict, interval and chance cannot point different ways.
import { normalCdf } from "./distributions";
import { assertProportionCounts, capAtTrials, CONFIDENCE_LEVEL, type ConfidenceInterval, type ProportionCounts } from "./confidence";
import type { SampleMoments } from "./welch-test";

/**
 * Standard deviation τ of the mixing distribution on the log ratio: a prior belief that true image
 * effects are mostly within about ±10% (they rarely exceed ±20%). Any τ keeps the guarantee; it only
 * sets when the sequence is tightest (at variance V ≈ τ²/8, e.g. ~50 days of 1,000 visitors a day
 * per arm at 3% conversion). Fixed before any data, never tuned on a test's own data.
 */
export const MIXTURE_STANDARD_DEVIATION = 0.1;

/** The smallest chance an interval that excludes 0 can come with: Φ(√(2·ln(1/α))), 99.28% at α = 0.05. */
export const MINIMUM_DECISIVE_CHANCE = normalCdf(Math.sqrt(2 * Math.log(1 / (1 - CONFIDENCE_LEVEL))));

export const SEQUENTIAL_METHOD = "gaussian_mixture_confidence_sequence" as const;

export interface SequentialComparison {
  method: typeof SEQUENTIAL_METHOD;
  /** ln(treatment / control); null when either side is 0 or an arm is empty. */
  logRatio: number | null;
  /** Delta-method variance of logRatio; null with it. */
  logRatioVariance: number | null;
  /** treatment / control − 1 (0.1 = +10%). */
  relativeLift: number | null;
  /** Always-valid interval of the relative lift at CONFIDENCE_LEVEL; lower > −1 always. */
  relativeInterval: ConfidenceInterval | null;
  /** Posterior P(treatment > control) under the mixture's prior; null with no interval. */
  chanceToBeatControl: number | null;
  /** Why a field above is null, in plain words; null when everything is available. */
  reason: string | null;
}

/** Half-width of the always-valid interval on the effect's scale, for estimate variance V > 0. */
export function computeMixtureHalfWidth(variance: number, alpha = 1 - CONFIDENCE_LEVEL, mixtureVariance = MIXTURE_STANDARD_DEVIATION ** 2): number {
  if (!(variance > 0) || !Number.isFinite(variance)) throw new RangeError(`variance must be a positive finite number, got ${variance}`);
  return Math.sqrt(((variance * (variance + mixtureVariance)) / mixtureVariance) * (2 * Math.log(1 / alpha) + Math.log1p(mixtureVariance / variance)));
}

/** The always-valid interval, lift and chance for an estimated log ratio with its variance. */
export function buildSequentialComparison(logRatio: number, variance: number, mixtureVariance = MIXTURE_STANDARD_DEVIATION ** 2): SequentialComparison {
  const halfWidth = computeMixtureHalfWidth(variance, 1 - CONFIDENCE_LEVEL, mixtureVariance);
  return {
    method: SEQUENTIAL_METHOD,
    logRatio,
    logRatioVariance: variance,
    relativeLift: Math.expm1(logRatio),
    relativeInterval: { lower: Math.expm1(logRatio - halfWidth), upper: Math.expm1(logRatio + halfWidth) },
    chanceToBeatControl: normalCdf((logRatio * Math.sqrt(mixtureVariance)) / Math.sqrt(variance * (variance + mixtureVariance))),
    reason: null,
  };
}

const unavailable = (reason: string, relativeLift: number | null = null): SequentialComparison => ({
  method: SEQUENTIAL_METHOD,
  logRatio: null,
  logRatioVariance: null,
  relativeLift,
  relativeInterval: null,
  chanceToBeatControl: null,
  reason,
});

function describeEmptyArms(control: number, treatment: number): string {
  if (control === 0 && treatment === 0) return "no visitors in either arm";
  return control === 0 ? "no visitors in control" : "no visitors in treatment";
}

/**
 * Rates (orders or add-to-carts per visitor, capped at one per visitor like the binomial model)
 * compared on the log risk ratio. Needs at least one success in each arm: ln(0) has no variance,
 * and a lift from 0 is undefined.
 */
export function compareRatesSequentially(control: ProportionCounts, treatment: ProportionCounts, noun = "successes"): SequentialComparison {
  assertProportionCounts(control, "control");
  assertProportionCounts(treatment, "treatment");
  const c = capAtTrials(control);
  const t = capAtTrials(treatment);
  if (c.trials === 0 || t.trials === 0) return unavailable(describeEmptyArms(c.trials, t.trials));
  const controlRate = c.successes / c.trials;
  const treatmentRate = t.successes / t.trials;
  if (c.successes === 0) return unavailable(`control has no ${noun} yet, so a relative lift is undefined`);
  if (t.successes === 0) return unavailable(`treatment has no ${noun} yet`, -1);
  // Katz: Var(ln p̂) = (1 − p)/(n·p) = 1/s − 1/n, per arm.
  const variance = 1 / c.successes - 1 / c.trials + (1 / t.successes - 1 / t.trials);
  const logRatio = Math.log(treatmentRate) - Math.log(controlRate);
  if (!(variance > 0)) return unavailable("every visitor in both arms converted, so no interval", Math.expm1(logRatio));
  return buildSequentialComparison(logRatio, variance);
}

/**
 * Means (revenue per visitor) compared on the log of their ratio, delta method:
 * Var(ln m̂) ≈ s²/(n·m̂²) per arm, s² the unbiased sample variance from n, Σx and Σx².
 */
export function compareMeansSequentially(control: SampleMoments, treatment: SampleMoments): SequentialComparison {
  if (control.count === 0 || treatment.count === 0) return unavailable(describeEmptyArms(control.count, treatment.count));
  const controlMean = control.sum / control.count;
  const treatmentMean = treatment.sum / treatment.count;
  if (!(controlMean > 0)) return unavailable("control has no revenue yet, so a relative lift is undefined");
  if (!(treatmentMean > 0)) return unavailable("treatment has no revenue yet", -1);
  const lift = treatmentMean / controlMean - 1;
  let variance = 0;
  for (const [label, moments, mean] of [["control", control, controlMean], ["treatment", treatment, treatmentMean]] as const) {
    if (moments.sumOfSquares === null || moments.sumOfSquares === undefined) return unavailable("variance unavailable", lift);
    if (moments.count < 2) return unavailable(`fewer than 2 visitors in ${label}, so no variance`, lift);
    const centred = Math.max(0, moments.sumOfSquares - (moments.sum * moments.sum) / moments.count);
    variance += centred / (moments.count - 1) / moments.count / (mean * mean);
  }
  if (!(variance > 0)) return unavailable("no variation in revenue per visitor, so no interval", lift);
  return buildSequentialComparison(Math.log(treatmentMean) - Math.log(controlMean), variance);
}
