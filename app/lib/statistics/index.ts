// Public surface of the A/B test statistics (pure: no I/O, no clock, no randomness).
// The admin page needs analyzeTest and buildDailySeries; the rest is exported for reuse and tests.
export { analyzeTest, type TestAnalysis, type TestAnalysisInput, type TestHeadlines, type Verdict } from "./analyze-test";
export { summarizeArm, type ArmSummary, type ArmTotals } from "./arm-summary";
export { computeChanceToBeatControl, EXACT_SUM_MAX_TERMS, type ChanceToBeat } from "./chance-to-beat";
export { CONFIDENCE_LEVEL, type ConfidenceInterval, type ProportionCounts } from "./confidence";
export { buildDailySeries, type DailyArmPoint, type DailyArmRow, type DailySeriesPoint } from "./daily-series";
export { chiSquareCdf, chiSquareSurvival, normalCdf, normalQuantile, normalSurvival, studentTCdf, studentTQuantile } from "./distributions";
export { formatChance, formatInterval, formatMoney, formatPercent, formatSignedPercent } from "./format-statistics";
export { compareProportions, type ProportionComparison } from "./proportion-test";
export {
  assessReadiness,
  countDaysRunning,
  estimateSampleSize,
  MINIMUM_DAYS_RUNNING,
  MINIMUM_ORDERS_PER_ARM,
  TARGET_POWER,
  type PowerEstimate,
  type Readiness,
  type ReadinessReason,
} from "./readiness";
export { checkSampleRatio, SRM_P_VALUE_THRESHOLD, type SampleRatioCheck, type SampleRatioInput } from "./sample-ratio";
export { compareMeans, VARIANCE_UNAVAILABLE, type MeanComparison, type SampleMoments } from "./welch-test";
