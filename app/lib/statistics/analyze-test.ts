// One A/B test's full analysis, as one plain (JSON-serialisable, no NaN or Infinity) object the
// admin page renders: per-arm summaries, lifts with intervals, the chance to beat control, the
// sample-ratio check, readiness, a verdict and plain-words headlines.
//
// One rule decides and everything shown derives from it: the always-valid (peek-safe) 95% interval
// of the conversion-rate lift (confidence-sequence.ts). Verdict, decided in this order:
//   1. "not_started" — a draft: no visitor has been assigned yet.
//   2. "sample_ratio_mismatch" — the SRM check fails (p < 0.001): the data is broken, so nothing
//      else is claimed (no winner, no chance, no lift), only the problem and its likely causes.
//   3. "not_enough_data" — the minimum-data guard is not met (7 full days, 30 orders per arm).
//   4. "treatment_wins" / "control_wins" — the always-valid interval of the relative conversion
//      lift lies entirely above / below 0.
//   5. "no_difference_yet" — otherwise.
// The chance to beat control is the same model's posterior, so it is on the interval's side
// whenever the interval excludes 0 (and ≥ 99.28% then); it is shown only when that holds.
// Conversion rate is the primary metric; add-to-cart rate and revenue per visitor are supporting
// evidence and never decide the verdict (crowning a winner on whichever of three metrics is
// significant would multiply false winners). The fixed-horizon statistics (z-test, Welch) stay in
// the object for analysts and the export, labelled as such; the page does not show them.
import { summarizeArm, validateArmTotals, type ArmSummary, type ArmTotals } from "./arm-summary";
import { CONFIDENCE_LEVEL } from "./confidence";
import {
  compareMeansSequentially,
  compareRatesSequentially,
  MIXTURE_STANDARD_DEVIATION,
  SEQUENTIAL_METHOD,
  type SequentialComparison,
} from "./confidence-sequence";
import { formatChance, formatInterval, formatMoney, formatPercent, formatSignedPercent } from "./format-statistics";
import { compareProportions, type ProportionComparison } from "./proportion-test";
import { assessReadiness, describeMissingMinimums, MINIMUM_DAYS_RUNNING, MINIMUM_ORDERS_PER_ARM, type Readiness } from "./readiness";
import { checkSampleRatio, type SampleRatioCheck } from "./sample-ratio";
import { compareMeans, type MeanComparison } from "./welch-test";

/** Where the test is in its life (from ABTest.status): the wording of every headline depends on it. */
export type TestPhase = "draft" | "running" | "paused" | "ended";

/**
 * Per-visitor revenue cap applied to the revenue statistics (winsorising): a single huge order
 * otherwise decides "revenue per visitor" alone. The cap is the 99.9th percentile (percentile_disc)
 * of the per-visitor revenue of the test's buyers, both arms pooled so both are capped alike;
 * zeros are left out because most visitors buy nothing (over all visitors the cap would be 0).
 */
export const REVENUE_CAP_PERCENTILE = 0.999;

export interface RevenueCap {
  /** The cap in the shop currency; null when nobody has bought yet. */
  amount: number | null;
  /** Visitors whose revenue was above the cap (and counted at the cap). */
  cappedVisitors: number;
}

export interface TestAnalysisInput {
  /** Share of visitors sent to TREATMENT, 0–100 (ABTest.trafficSplit). */
  trafficSplit: number;
  /** Elapsed days since the test started (fractional allowed), from the caller's clock. */
  daysRunning: number;
  control: ArmTotals;
  treatment: ArmTotals;
  /** Shop currency code for the revenue headline, e.g. "EUR"; amounts are plain numbers either way. */
  currencyCode?: string | null;
  /** The test has ended (ABTest.endedAt set). Default false; `phase: "ended"` says the same. */
  ended?: boolean;
  /** Default "ended" when `ended`, else "running". */
  phase?: TestPhase;
  /** The cap behind the arms' `cappedRevenue`; omit when the arms carry raw sums only. */
  revenueCap?: RevenueCap | null;
}

export type Verdict = "treatment_wins" | "control_wins" | "no_difference_yet" | "not_enough_data" | "sample_ratio_mismatch" | "not_started";

export interface TestHeadlines {
  /** One or two sentences for the verdict, e.g. "Not enough data to pick a winner yet: needs 12 more orders in control; 3 more days of running." */
  verdict: string;
  /** e.g. "Treatment has a 94% chance to beat control"; null when it must not be shown (draft, SRM, or inconsistent). */
  chanceToBeatControl: string | null;
  /** Null whenever no result may be shown (draft, SRM). */
  conversionRate: string | null;
  addToCartRate: string | null;
  revenuePerVisitor: string | null;
}

/** A metric: the always-valid comparison the page shows, beside the one-look statistics for analysts. */
export interface RateMetric {
  sequential: SequentialComparison;
  fixedHorizon: ProportionComparison;
}

export interface RevenueMetric {
  sequential: SequentialComparison;
  fixedHorizon: MeanComparison;
  /** Means the statistics compare (capped when a cap applies). */
  controlMean: number;
  treatmentMean: number;
  cap: (RevenueCap & { percentile: number }) | null;
}

export interface TestAnalysis {
  verdict: Verdict;
  phase: TestPhase;
  headlines: TestHeadlines;
  /** Level of every interval in this object (0.95). */
  confidenceLevel: number;
  /** How the shown intervals and the chance are computed, for the page's footnote and the export. */
  method: { name: typeof SEQUENTIAL_METHOD; mixtureStandardDeviation: number; references: string[] };
  arms: { control: ArmSummary; treatment: ArmSummary };
  /** Primary metric: orders per visitor. Decides the verdict. */
  conversionRate: RateMetric;
  addToCartRate: RateMetric;
  revenuePerVisitor: RevenueMetric;
  /** P(treatment converts better) from the same model as the interval; null when not shown. */
  chanceToBeatControl: { probability: number | null; display: string | null };
  sampleRatio: SampleRatioCheck;
  /** Likely causes of a sample-ratio mismatch, in plain words; empty without one. */
  sampleRatioCauses: string[];
  readiness: Readiness;
  /** Data caveats in plain words (e.g. counts capped at visitors); empty when none. */
  warnings: string[];
  /** The input's currency code, for formatting the amounts above; null when unknown. */
  currencyCode: string | null;
}

export const METHOD_REFERENCES = [
  "Howard, Ramdas, McAuliffe & Sekhon (2021), Time-uniform, nonparametric, nonasymptotic confidence sequences, Annals of Statistics 49(2)",
  "Johari, Koomen, Pekelis & Walsh (2022), Always Valid Inference: Continuous Monitoring of A/B Tests, Operations Research 70(3)",
];

const SAMPLE_RATIO_CAUSES = [
  "The app embed is off on some product templates, so one arm's visits are not all recorded.",
  "A cache or CDN in front of the storefront serves one arm's page to visitors of the other.",
  "Another app or theme code changes product images or blocks the tracking pixel for some visitors.",
  "The traffic split was changed while the test was running.",
];

function decideVerdict(phase: TestPhase, sampleRatio: SampleRatioCheck, readiness: Readiness, conversion: SequentialComparison): Verdict {
  if (phase === "draft") return "not_started";
  if (sampleRatio.mismatch) return "sample_ratio_mismatch";
  if (!readiness.ready) return "not_enough_data";
  const interval = conversion.relativeInterval;
  if (interval && interval.lower > 0) return "treatment_wins";
  if (interval && interval.upper < 0) return "control_wins";
  return "no_difference_yet";
}

/** Beyond this a days-needed estimate is only noise to a merchant: say "more than a year" instead. */
const DAYS_PER_YEAR = 365;

function pluralizeDays(days: number): string {
  return `${days} more ${days === 1 ? "day" : "days"}`;
}

const CONFIDENCE = `${Math.round(CONFIDENCE_LEVEL * 100)}% confidence`;

function describeVerdict(verdict: Verdict, phase: TestPhase, sampleRatio: SampleRatioCheck, readiness: Readiness): string {
  switch (verdict) {
    case "not_started":
      return "This test hasn't started yet: no visitor has seen the treatment images. Start it to collect data.";
    case "sample_ratio_mismatch": {
      const observed = sampleRatio.observedTreatmentShare ?? 0;
      return (
        `Traffic split problem: ${formatPercent(observed, 1)} of visitors saw the treatment, but the test sends ` +
        `${formatPercent(sampleRatio.expectedTreatmentShare, 0)}. No winner can be named from this data${phase === "ended" ? "" : " until the cause is fixed"}.`
      );
    }
    case "not_enough_data": {
      const missing = describeMissingMinimums(readiness) ?? "needs more data";
      if (phase === "ended") {
        return (
          `The test ended before it had enough data to pick a winner (it needed ${MINIMUM_DAYS_RUNNING} full days ` +
          `and ${MINIMUM_ORDERS_PER_ARM} orders in each arm; it still ${missing.replace(/^needs /, "needed ")}).`
        );
      }
      if (phase === "paused") return `The test is paused before it had enough data to pick a winner: it ${missing}. Resume it to collect them.`;
      const days = readiness.estimatedDaysRemaining;
      const pace = days === null ? "too early to estimate how long that takes" : `about ${pluralizeDays(days)} at the current pace`;
      return `Not enough data to pick a winner yet: ${missing} (${pace}).`;
    }
    case "treatment_wins":
      return `Treatment wins: it converts better than control (${CONFIDENCE}, valid however often you check).`;
    case "control_wins":
      return `Control wins: it converts better than treatment (${CONFIDENCE}, valid however often you check).`;
    case "no_difference_yet": {
      if (phase === "ended") return "The test ended with no clear difference in conversion rate.";
      if (phase === "paused") return "No clear difference in conversion rate yet. The test is paused: no new data comes in until you resume it.";
      const { estimatedDaysRemaining, relativeLift } = readiness.power;
      if (estimatedDaysRemaining === null || relativeLift === null) return "No clear difference in conversion rate yet.";
      if (estimatedDaysRemaining > DAYS_PER_YEAR) {
        return `No clear difference in conversion rate yet. The current lift (${formatSignedPercent(relativeLift)}) is too small to confirm within a year at this traffic.`;
      }
      return (
        `No clear difference in conversion rate yet. If the current lift (${formatSignedPercent(relativeLift)}) is real, ` +
        `about ${pluralizeDays(estimatedDaysRemaining)} would give an 80% chance of confirming it (estimate).`
      );
    }
  }
}

/** "a 94%" but "an 89%", "an 11%", "an 18%" (eighty…, eleven, eighteen are read with a vowel sound). */
function withArticle(percent: string): string {
  return /^(8|11(?!\d)|18(?!\d))/.test(percent) ? `an ${percent}` : `a ${percent}`;
}

/**
 * The guard behind "never contradict": a chance is shown only on the side the interval points to
 * when it excludes 0, and only on the point estimate's side otherwise. The mixture posterior
 * satisfies both by construction; the guard keeps a future change from breaking it silently.
 */
export function isChanceConsistent(probability: number, comparison: SequentialComparison): boolean {
  const interval = comparison.relativeInterval;
  const lift = comparison.relativeLift;
  if (interval === null || lift === null) return false;
  if (interval.lower > 0) return probability > 0.5;
  if (interval.upper < 0) return probability < 0.5;
  return lift === 0 ? probability === 0.5 : lift > 0 === probability > 0.5;
}

function describeChance(verdict: Verdict, phase: TestPhase, conversion: SequentialComparison, shown: number | null): string | null {
  if (verdict === "not_started" || verdict === "sample_ratio_mismatch") return null;
  // No estimate at all (an arm without orders): say so; an estimate failing the guard is not shown.
  if (shown === null) return conversion.chanceToBeatControl === null ? `Not enough orders in both arms to compare${phase === "running" ? " yet" : ""}` : null;
  // Phrased from the side that is ahead, so the number is always the larger, easier-read one.
  const sentence =
    shown >= 0.5
      ? `Treatment has ${withArticle(formatChance(shown))} chance to beat control`
      : `Control has ${withArticle(formatChance(1 - shown))} chance to beat treatment`;
  if (verdict === "treatment_wins" || verdict === "control_wins") return sentence;
  return `${sentence}${phase === "ended" ? ", not enough to call a winner" : ", not enough to call a winner yet"}`;
}

function describeLift(comparison: SequentialComparison): string {
  const { relativeLift, relativeInterval, reason } = comparison;
  if (relativeLift === null) return reason ? `lift not available: ${reason}` : "lift not available";
  if (relativeInterval === null) return `${formatSignedPercent(relativeLift)}; no interval: ${reason ?? "not available"}`;
  return `${formatSignedPercent(relativeLift)}, ${formatInterval(relativeInterval)}`;
}

function describeRate(name: string, control: number, treatment: number, comparison: SequentialComparison): string {
  return `${name}: ${formatPercent(treatment)} with treatment vs ${formatPercent(control)} with control (${describeLift(comparison)}).`;
}

function describeRevenue(metric: RevenueMetric, currencyCode: string | null | undefined): string {
  const sentence =
    `Revenue per visitor: ${formatMoney(metric.treatmentMean, currencyCode)} with treatment vs ` +
    `${formatMoney(metric.controlMean, currencyCode)} with control (${describeLift(metric.sequential)}).`;
  const cap = metric.cap;
  if (!cap || cap.amount === null || cap.cappedVisitors === 0) return sentence;
  const visitors = `${cap.cappedVisitors} ${cap.cappedVisitors === 1 ? "visitor's" : "visitors'"}`;
  return `${sentence} ${visitors} revenue above ${formatMoney(cap.amount, currencyCode)} (the ${formatPercent(cap.percentile, 1).replace("%", "th")} percentile of buyers) is counted at that cap here; the table shows the raw totals.`;
}

function collectWarnings(conversion: ProportionComparison, addToCart: ProportionComparison): string[] {
  const warnings: string[] = [];
  if (conversion.capped) warnings.push("An arm has more orders than visitors; the conversion tests count at most one order per visitor.");
  if (addToCart.capped) warnings.push("An arm has more add-to-carts than visitors; the add-to-cart tests count at most one per visitor.");
  return warnings;
}

function compareRevenue(input: TestAnalysisInput, control: ArmSummary, treatment: ArmSummary): RevenueMetric {
  const moments = (arm: ArmTotals, summary: ArmSummary) =>
    arm.cappedRevenue
      ? { count: summary.visitors, sum: arm.cappedRevenue.sum, sumOfSquares: arm.cappedRevenue.sumOfSquares }
      : { count: summary.visitors, sum: summary.revenue, sumOfSquares: arm.revenueSumOfSquares };
  const c = moments(input.control, control);
  const t = moments(input.treatment, treatment);
  const capped = Boolean(input.control.cappedRevenue && input.treatment.cappedRevenue && input.revenueCap);
  return {
    sequential: compareMeansSequentially(c, t),
    fixedHorizon: compareMeans(c, t),
    controlMean: c.count > 0 ? c.sum / c.count : 0,
    treatmentMean: t.count > 0 ? t.sum / t.count : 0,
    cap: capped ? { ...input.revenueCap!, percentile: REVENUE_CAP_PERCENTILE } : null,
  };
}

export function analyzeTest(input: TestAnalysisInput): TestAnalysis {
  validateArmTotals(input.control, "control");
  validateArmTotals(input.treatment, "treatment");
  const control = summarizeArm(input.control);
  const treatment = summarizeArm(input.treatment);
  const phase: TestPhase = input.phase ?? (input.ended ? "ended" : "running");

  const conversionCounts = [
    { successes: control.orders, trials: control.visitors },
    { successes: treatment.orders, trials: treatment.visitors },
  ] as const;
  const addToCartCounts = [
    { successes: control.addToCarts, trials: control.visitors },
    { successes: treatment.addToCarts, trials: treatment.visitors },
  ] as const;
  const conversionRate: RateMetric = { sequential: compareRatesSequentially(...conversionCounts, "orders"), fixedHorizon: compareProportions(...conversionCounts) };
  const addToCartRate: RateMetric = { sequential: compareRatesSequentially(...addToCartCounts, "add-to-carts"), fixedHorizon: compareProportions(...addToCartCounts) };
  const revenuePerVisitor = compareRevenue(input, control, treatment);
  const sampleRatio = checkSampleRatio({ controlVisitors: control.visitors, treatmentVisitors: treatment.visitors, trafficSplit: input.trafficSplit });
  const readiness = assessReadiness({
    ended: phase !== "running",
    daysRunning: input.daysRunning,
    control: { visitors: control.visitors, orders: control.orders },
    treatment: { visitors: treatment.visitors, orders: treatment.orders },
  });
  const verdict = decideVerdict(phase, sampleRatio, readiness, conversionRate.sequential);
  const noResult = verdict === "not_started" || verdict === "sample_ratio_mismatch";
  const probability = conversionRate.sequential.chanceToBeatControl;
  const shownChance = !noResult && probability !== null && isChanceConsistent(probability, conversionRate.sequential) ? probability : null;

  return {
    verdict,
    phase,
    headlines: {
      verdict: describeVerdict(verdict, phase, sampleRatio, readiness),
      chanceToBeatControl: describeChance(verdict, phase, conversionRate.sequential, shownChance),
      conversionRate: noResult ? null : describeRate("Conversion rate", control.conversionRate, treatment.conversionRate, conversionRate.sequential),
      addToCartRate: noResult ? null : describeRate("Add-to-cart rate", control.addToCartRate, treatment.addToCartRate, addToCartRate.sequential),
      revenuePerVisitor: noResult ? null : describeRevenue(revenuePerVisitor, input.currencyCode),
    },
    confidenceLevel: CONFIDENCE_LEVEL,
    method: { name: SEQUENTIAL_METHOD, mixtureStandardDeviation: MIXTURE_STANDARD_DEVIATION, references: METHOD_REFERENCES },
    arms: { control, treatment },
    conversionRate,
    addToCartRate,
    revenuePerVisitor,
    chanceToBeatControl: { probability: shownChance, display: shownChance === null ? null : formatChance(shownChance) },
    sampleRatio,
    sampleRatioCauses: verdict === "sample_ratio_mismatch" ? SAMPLE_RATIO_CAUSES : [],
    readiness,
    warnings: collectWarnings(conversionRate.fixedHorizon, addToCartRate.fixedHorizon),
    currencyCode: input.currencyCode ?? null,
  };
}
