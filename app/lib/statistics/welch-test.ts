// Frequentist comparison of two means (revenue per visitor): Welch's unequal-variance t-test.
//
// Revenue per visitor is mostly zeros with a long right tail, so the arms' variances differ and
// the pooled-variance t-test would be wrong; Welch's test with the Welch–Satterthwaite degrees of
// freedom and a Student t quantile is what R's t.test(var.equal = FALSE) does.
// The relative lift interval uses the delta method on the LOG of the ratio of means:
// Var(ln m_T − ln m_C) ≈ Var(m_T)/m_T² + Var(m_C)/m_C², then exp(·) − 1, so it cannot pass −100%
// and is skewed the way a ratio of skewed means is; the critical value is the same Welch t quantile
// so both intervals of this metric use one df. Fixed-horizon (one look): the admin page shows the
// peek-safe interval of confidence-sequence.ts; these values are for the export and the benchmark.
import { studentTCdf, studentTQuantile } from "./distributions";
import { CONFIDENCE_LEVEL, type ConfidenceInterval } from "./confidence";

/** Sufficient statistics of one sample: n, Σx and Σx² (null when Σx² is unknown). */
export interface SampleMoments {
  count: number;
  sum: number;
  sumOfSquares: number | null | undefined;
}

export interface MeanComparison {
  /** sum / count per arm; 0 with no observations. */
  controlMean: number;
  treatmentMean: number;
  /** treatmentMean − controlMean; null when an arm is empty. */
  absoluteDifference: number | null;
  absoluteInterval: ConfidenceInterval | null;
  /** treatmentMean / controlMean − 1; null when the control mean is 0. */
  relativeLift: number | null;
  relativeInterval: ConfidenceInterval | null;
  tStatistic: number | null;
  /** Welch–Satterthwaite degrees of freedom (not an integer in general). */
  degreesOfFreedom: number | null;
  /** Two-sided p-value of Welch's t-test. */
  pValue: number | null;
  /** Why any of the fields above is null, in plain words; null when everything is available. */
  reason: string | null;
}

/** Marker in `reason` when Σx² was not supplied; the admin shows the point estimate only. */
export const VARIANCE_UNAVAILABLE = "variance unavailable";

/** Relative slack for Σx² < (Σx)²/n caused by rounding (cents summed in doubles), not by a caller's bug. */
const ROUNDING_SLACK = 1e-9;

type VarianceResult = { variance: number } | { reason: string };

/** Unbiased sample variance (Σx² − (Σx)²/n) / (n − 1). */
function computeSampleVariance(moments: SampleMoments, label: string): VarianceResult {
  const { count, sum, sumOfSquares } = moments;
  if (sumOfSquares === null || sumOfSquares === undefined) return { reason: VARIANCE_UNAVAILABLE };
  if (count < 2) return { reason: `fewer than 2 visitors in ${label}, so no variance` };
  const centred = sumOfSquares - (sum * sum) / count;
  // By Cauchy–Schwarz Σx² ≥ (Σx)²/n for any per-visitor data; anything clearly below it means the
  // squares were not summed per visitor (e.g. per order), so no interval rather than a wrong one.
  if (centred < -ROUNDING_SLACK * sumOfSquares) return { reason: `the sum of squares in ${label} is smaller than its sum²/n, so it is not a per-visitor sum of squares` };
  return { variance: Math.max(0, centred) / (count - 1) };
}

function assertMoments(moments: SampleMoments, label: string): void {
  if (!Number.isSafeInteger(moments.count) || moments.count < 0) throw new RangeError(`${label}.count must be a non-negative integer, got ${moments.count}`);
  if (!Number.isFinite(moments.sum)) throw new RangeError(`${label}.sum must be a finite number, got ${moments.sum}`);
  const squares = moments.sumOfSquares;
  if (squares !== null && squares !== undefined && !(Number.isFinite(squares) && squares >= 0)) {
    throw new RangeError(`${label}.sumOfSquares must be a non-negative number or null, got ${squares}`);
  }
}

export function compareMeans(control: SampleMoments, treatment: SampleMoments): MeanComparison {
  assertMoments(control, "control");
  assertMoments(treatment, "treatment");
  const controlMean = control.count > 0 ? control.sum / control.count : 0;
  const treatmentMean = treatment.count > 0 ? treatment.sum / treatment.count : 0;
  const base: MeanComparison = {
    controlMean,
    treatmentMean,
    absoluteDifference: null,
    absoluteInterval: null,
    relativeLift: null,
    relativeInterval: null,
    tStatistic: null,
    degreesOfFreedom: null,
    pValue: null,
    reason: null,
  };
  if (control.count === 0 || treatment.count === 0) {
    const reason = control.count === 0 && treatment.count === 0 ? "no visitors in either arm" : control.count === 0 ? "no visitors in control" : "no visitors in treatment";
    return { ...base, reason };
  }

  const difference = treatmentMean - controlMean;
  const relativeLift = controlMean !== 0 ? treatmentMean / controlMean - 1 : null;
  const pointEstimates: MeanComparison = { ...base, absoluteDifference: difference, relativeLift };

  const controlVariance = computeSampleVariance(control, "control");
  if ("reason" in controlVariance) return { ...pointEstimates, reason: controlVariance.reason };
  const treatmentVariance = computeSampleVariance(treatment, "treatment");
  if ("reason" in treatmentVariance) return { ...pointEstimates, reason: treatmentVariance.reason };

  const controlSquaredError = controlVariance.variance / control.count;
  const treatmentSquaredError = treatmentVariance.variance / treatment.count;
  const standardError = Math.sqrt(controlSquaredError + treatmentSquaredError);
  if (standardError === 0) return { ...pointEstimates, reason: "no variation in revenue per visitor (e.g. no revenue yet), so no interval" };

  // Welch–Satterthwaite; an arm with zero variance contributes 0 to numerator and denominator alike.
  const degreesOfFreedom =
    (controlSquaredError + treatmentSquaredError) ** 2 /
    (controlSquaredError ** 2 / (control.count - 1) + treatmentSquaredError ** 2 / (treatment.count - 1));
  const tStatistic = difference / standardError;
  const pValue = Math.min(1, 2 * studentTCdf(-Math.abs(tStatistic), degreesOfFreedom));
  const critical = studentTQuantile(1 - (1 - CONFIDENCE_LEVEL) / 2, degreesOfFreedom);
  const result: MeanComparison = {
    ...pointEstimates,
    absoluteInterval: { lower: difference - critical * standardError, upper: difference + critical * standardError },
    tStatistic,
    degreesOfFreedom,
    pValue,
  };
  if (relativeLift === null) return { ...result, reason: "the control mean is 0, so a relative lift is undefined" };
  if (!(treatmentMean > 0) || !(controlMean > 0)) return { ...result, reason: "a mean is 0 or negative, so the log-ratio interval is undefined" };
  const logStandardError = Math.sqrt(treatmentSquaredError / treatmentMean ** 2 + controlSquaredError / controlMean ** 2);
  const logRatio = Math.log(treatmentMean / controlMean);
  result.relativeInterval = { lower: Math.expm1(logRatio - critical * logStandardError), upper: Math.expm1(logRatio + critical * logStandardError) };
  return result;
}
