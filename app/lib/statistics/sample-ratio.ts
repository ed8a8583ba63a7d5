// Sample-ratio mismatch (SRM): do the arms hold the share of visitors the test's traffic split
// promises? A mismatch means assignment or tracking is broken (a bot hitting one arm, the embed
// failing to report one arm's impressions, the split edited mid-test), and then no comparison of the
// arms can be trusted, however significant it looks (Kohavi, Tang & Xu, "Trustworthy Online
// Controlled Experiments", 2020, ch. 21). Test: Pearson's chi-square goodness of fit, 1 df.
import { chiSquareSurvival } from "./distributions";

/**
 * p-value below which the split is flagged. Far stricter than 0.05 because the check runs on
 * every page view of every test: at 0.05 one healthy test in twenty would be flagged, while real
 * SRMs usually have p-values many orders of magnitude smaller (the usual industry threshold).
 */
export const SRM_P_VALUE_THRESHOLD = 0.001;

export interface SampleRatioInput {
  controlVisitors: number;
  treatmentVisitors: number;
  /** Configured share of visitors sent to TREATMENT, 0–100 (ABTest.trafficSplit). */
  trafficSplit: number;
}

export interface SampleRatioCheck {
  /** treatmentVisitors / all visitors; null with no visitors. */
  observedTreatmentShare: number | null;
  /** trafficSplit / 100. */
  expectedTreatmentShare: number;
  /** Pearson's statistic; null when it is infinite (visitors in an arm the split gives 0%). */
  chiSquare: number | null;
  pValue: number;
  mismatch: boolean;
}

export function checkSampleRatio({ controlVisitors, treatmentVisitors, trafficSplit }: SampleRatioInput): SampleRatioCheck {
  for (const [name, value] of [["controlVisitors", controlVisitors], ["treatmentVisitors", treatmentVisitors]] as const) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
  if (!(trafficSplit >= 0 && trafficSplit <= 100)) throw new RangeError(`trafficSplit must lie in [0, 100], got ${trafficSplit}`);
  const total = controlVisitors + treatmentVisitors;
  const expectedTreatmentShare = trafficSplit / 100;
  if (total === 0) return { observedTreatmentShare: null, expectedTreatmentShare, chiSquare: 0, pValue: 1, mismatch: false };
  const observedTreatmentShare = treatmentVisitors / total;

  // A 0% or 100% split has one arm with zero expected visitors: any visitor there is impossible
  // under the configuration (p = 0), none is exactly what was promised (p = 1). The chi-square
  // statistic is not defined there (division by a zero expectation), so it is reported as null.
  if (trafficSplit === 0 || trafficSplit === 100) {
    const unexpected = trafficSplit === 0 ? treatmentVisitors : controlVisitors;
    return unexpected > 0
      ? { observedTreatmentShare, expectedTreatmentShare, chiSquare: null, pValue: 0, mismatch: true }
      : { observedTreatmentShare, expectedTreatmentShare, chiSquare: 0, pValue: 1, mismatch: false };
  }

  const expectedTreatment = total * expectedTreatmentShare;
  const expectedControl = total - expectedTreatment;
  const chiSquare =
    (treatmentVisitors - expectedTreatment) ** 2 / expectedTreatment + (controlVisitors - expectedControl) ** 2 / expectedControl;
  const pValue = chiSquareSurvival(chiSquare, 1);
  return { observedTreatmentShare, expectedTreatmentShare, chiSquare, pValue, mismatch: pValue < SRM_P_VALUE_THRESHOLD };
}
