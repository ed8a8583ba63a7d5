// Public surface of the A/B test statistics (pure: no I/O, no clock, no randomness).
// The admin page needs analyzeTest and buildDailySeries; the rest is exported for reuse and tests.
export {
  analyzeTest,
  isChanceConsistent,
  METHOD_REFERENCES,
  REVENUE_CAP_PERCENTILE,
  type RateMetric,
  type RevenueCap,
  type RevenueMetric,
  type TestAnalysis,
  type TestAnalysisInput,
  type TestHeadlines,
  type TestPhase,
  type Verdict,
} from "./analyze-test";
export { summarizeArm, type ArmSummary, type ArmTotals } from "./arm-summary";
export { CONFIDENCE_LEVEL, type ConfidenceInterval, type ProportionCounts } from "./confidence";
export {
  buildSequentialComparison,
  compareMeansSequentially,
  compareRatesSequentially,
  computeMixtureHalfWidth,
  MINIMUM_DECISIVE_CHANCE,
  MIXTURE_STANDARD_DEVIATION,
  type SequentialComparison,
} from "./confidence-sequence";
export { buildDailySeries, type DailyArmPoint, type DailyArmRow, type DailySeriesPoint } from "./daily-series";
export { chiSquareCdf, chiSquareSurvival, normalCdf, normalQuantile, normalSurvival, studentTCdf, studentTQuantile } from "./distributions";
export { CSV_RATIO_DECIMALS, formatExactRatio, roundExactRatio, STORED_RATIO_DECIMALS } from "./exact-ratio";
export { formatChance, formatDuration, formatInterval, formatMoney, formatPercent, formatSignedPercent, formatUtcDate } from "./format-statistics";
export { compareProportions, type ProportionComparison } from "./proportion-test";
export {
  assessReadiness,
  countDaysRunning,
  describeMissingMinimums,
  findDecisiveVariance,
  MINIMUM_DAYS_RUNNING,
  MINIMUM_ORDERS_PER_ARM,
  TARGET_POWER,
  type PowerEstimate,
  type Readiness,
  type ReadinessReason,
} from "./readiness";
export { checkSampleRatio, SRM_P_VALUE_THRESHOLD, type SampleRatioCheck, type SampleRatioInput } from "./sample-ratio";
export { compareMeans, VARIANCE_UNAVAILABLE, type MeanComparison, type SampleMoments } from "./welch-test";
