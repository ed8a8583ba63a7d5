// Fixed-horizon comparison of two rates (add-to-cart rate, conversion rate): TREATMENT vs CONTROL.
// These are the classical one-look statistics, kept for the JSON export (an analyst can check
// them) and as the contrast in bench/stats.ts; the admin page's interval and verdict come from the
// peek-safe confidence sequence in confidence-sequence.ts instead, because merchants look daily.
//
// - p-value: two-proportion z-test with the POOLED standard error (the SE under H0: equal rates),
//   identical to R's prop.test(correct = FALSE), whose X-squared is z².
// - absolute difference CI: Wald interval with the UNPOOLED standard error (no H0 to assume).
// - relative lift CI: the Katz log interval on the risk ratio R = p_T / p_C (Katz, Baptista & Azen,
//   Biometrics 34, 1978): ln R̂ ± z·√(1/s_T − 1/n_T + 1/s_C − 1/n_C), then exp(·) − 1. Unlike the
//   symmetric delta method on R it can never pass −100% (a lift below −100% is impossible).
import { normalCdf, normalQuantile } from "./distributions";
import { assertProportionCounts, capAtTrials, CONFIDENCE_LEVEL, type ConfidenceInterval, type ProportionCounts } from "./confidence";

export interface ProportionComparison {
  /** Rates compared (successes / trials, after capping successes at trials); 0 with no trials. */
  controlRate: number;
  treatmentRate: number;
  /** treatmentRate − controlRate; null when an arm has no trials. */
  absoluteDifference: number | null;
  absoluteInterval: ConfidenceInterval | null;
  /** treatmentRate / controlRate − 1 (0.1 = +10%); null when the control rate is 0. */
  relativeLift: number | null;
  relativeInterval: ConfidenceInterval | null;
  /** Pooled z statistic; positive when treatment is higher. */
  zScore: number | null;
  /** Two-sided p-value of the pooled z-test. */
  pValue: number | null;
  /** True when an arm had more successes than trials and was capped (see capAtTrials). */
  capped: boolean;
  /** Why any of the fields above is null, in plain words; null when everything is available. */
  reason: string | null;
}

function describeEmptyArms(controlTrials: number, treatmentTrials: number): string {
  if (controlTrials === 0 && treatmentTrials === 0) return "no visitors in either arm";
  return controlTrials === 0 ? "no visitors in control" : "no visitors in treatment";
}

export function compareProportions(control: ProportionCounts, treatment: ProportionCounts): ProportionComparison {
  assertProportionCounts(control, "control");
  assertProportionCounts(treatment, "treatment");
  const c = capAtTrials(control);
  const t = capAtTrials(treatment);
  const controlRate = c.trials > 0 ? c.successes / c.trials : 0;
  const treatmentRate = t.trials > 0 ? t.successes / t.trials : 0;
  const base: ProportionComparison = {
    controlRate,
    treatmentRate,
    absoluteDifference: null,
    absoluteInterval: null,
    relativeLift: null,
    relativeInterval: null,
    zScore: null,
    pValue: null,
    capped: c.capped || t.capped,
    reason: null,
  };
  if (c.trials === 0 || t.trials === 0) return { ...base, reason: describeEmptyArms(c.trials, t.trials) };

  const difference = treatmentRate - controlRate;
  const pooledRate = (c.successes + t.successes) / (c.trials + t.trials);
  const pooledStandardError = Math.sqrt(pooledRate * (1 - pooledRate) * (1 / c.trials + 1 / t.trials));
  // Both arms at 0% (or both at 100%): no evidence of any difference, so z = 0 and p = 1.
  const zScore = pooledStandardError > 0 ? difference / pooledStandardError : 0;
  const pValue = Math.min(1, 2 * normalCdf(-Math.abs(zScore)));

  const critical = normalQuantile(1 - (1 - CONFIDENCE_LEVEL) / 2);
  const controlVariance = (controlRate * (1 - controlRate)) / c.trials;
  const treatmentVariance = (treatmentRate * (1 - treatmentRate)) / t.trials;
  const standardError = Math.sqrt(controlVariance + treatmentVariance);
  const relativeLift = controlRate > 0 ? treatmentRate / controlRate - 1 : null;
  const result: ProportionComparison = { ...base, absoluteDifference: difference, relativeLift, zScore, pValue };

  // A zero unpooled SE (every arm at 0% or 100%) would give a zero-width interval that claims
  // certainty from, say, 0 orders out of 20 visitors; report no interval instead.
  if (standardError === 0) return { ...result, reason: "no variation within the arms (every rate is 0% or 100%), so no interval" };
  result.absoluteInterval = { lower: difference - critical * standardError, upper: difference + critical * standardError };

  if (relativeLift === null) return { ...result, reason: "the control rate is 0, so a relative lift is undefined" };
  if (t.successes === 0) return { ...result, reason: "treatment has none yet, so the log-ratio interval is undefined" };
  const logStandardError = Math.sqrt(1 / t.successes - 1 / t.trials + 1 / c.successes - 1 / c.trials);
  const logRatio = Math.log(treatmentRate / controlRate);
  result.relativeInterval = { lower: Math.expm1(logRatio - critical * logStandardError), upper: Math.expm1(logRatio + critical * logStandardError) };
  return result;
}
