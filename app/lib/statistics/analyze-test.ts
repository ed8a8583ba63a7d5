// One A/B test's full analysis, as one plain (JSON-serialisable, no NaN or Infinity) object the
// admin page renders: per-arm summaries, lifts with intervals and p-values, the Bayesian chance to
// beat control, the sample-ratio check, readiness, a verdict and plain-words headlines.
//
// Verdict, decided in this order:
//   1. "sample_ratio_mismatch" — the SRM check fails (p < 0.001): the data is broken, so nothing
//      else is claimed, whatever the other numbers say.
//   2. "not_enough_data" — the minimum-data guard is not met (7 full days, 30 orders per arm).
//   3. "treatment_wins" / "control_wins" — the 95% interval of the ABSOLUTE conversion-rate
//      difference (treatment − control) lies entirely above / below 0.
//   4. "no_difference_yet" — otherwise.
// Conversion rate is the primary metric; add-to-cart rate and revenue per visitor are shown as
// supporting evidence and never decide the verdict (testing three metrics and crowning a winner
// on whichever is significant would multiply false winners).
import { summarizeArm, validateArmTotals, type ArmSummary, type ArmTotals } from "./arm-summary";
import { computeChanceToBeatControl, type ChanceToBeat } from "./chance-to-beat";
import { CONFIDENCE_LEVEL } from "./confidence";
import { formatChance, formatInterval, formatMoney, formatPercent, formatSignedPercent } from "./format-statistics";
import { compareProportions, type ProportionComparison } from "./proportion-test";
import { assessReadiness, MINIMUM_DAYS_RUNNING, MINIMUM_ORDERS_PER_ARM, type Readiness } from "./readiness";
import { checkSampleRatio, type SampleRatioCheck } from "./sample-ratio";
import { compareMeans, type MeanComparison } from "./welch-test";

export interface TestAnalysisInput {
  /** Share of visitors sent to TREATMENT, 0–100 (ABTest.trafficSplit). */
  trafficSplit: number;
  /** Elapsed days since the test started (fractional allowed), from the caller's clock. */
  daysRunning: number;
  control: ArmTotals;
  treatment: ArmTotals;
  /** Shop currency code for the revenue headline, e.g. "EUR"; amounts are plain numbers either way. */
  currencyCode?: string | null;
  /** The test has ended (ABTest.endedAt set): the headlines report the outcome and estimate no more days. Default false. */
  ended?: boolean;
}

export type Verdict = "treatment_wins" | "control_wins" | "no_difference_yet" | "not_enough_data" | "sample_ratio_mismatch";

export interface TestHeadlines {
  /** One sentence for the verdict, e.g. "Not enough data to pick a winner yet (about 5 more days at the current pace)." */
  verdict: string;
  /** e.g. "Treatment has a 94% chance to beat control" (see formatChance for the rounding). */
  chanceToBeatControl: string;
  conversionRate: string;
  addToCartRate: string;
  revenuePerVisitor: string;
}

export interface TestAnalysis {
  verdict: Verdict;
  headlines: TestHeadlines;
  /** Level of every interval in this object (0.95). */
  confidenceLevel: number;
  arms: { control: ArmSummary; treatment: ArmSummary };
  /** Primary metric: orders per visitor. Decides the verdict. */
  conversionRate: ProportionComparison;
  addToCartRate: ProportionComparison;
  revenuePerVisitor: MeanComparison;
  /** Bayesian P(treatment converts better), with `display` formatted by formatChance. */
  chanceToBeatControl: ChanceToBeat & { display: string };
  sampleRatio: SampleRatioCheck;
  readiness: Readiness;
  /** Data caveats in plain words (e.g. counts capped at visitors); empty when none. */
  warnings: string[];
  /** The input's currency code, for formatting the amounts above; null when unknown. */
  currencyCode: string | null;
}

function decideVerdict(sampleRatio: SampleRatioCheck, readiness: Readiness, conversion: ProportionComparison): Verdict {
  if (sampleRatio.mismatch) return "sample_ratio_mismatch";
  if (!readiness.ready) return "not_enough_data";
  const interval = conversion.absoluteInterval;
  if (interval && interval.lower > 0) return "treatment_wins";
  if (interval && interval.upper < 0) return "control_wins";
  return "no_difference_yet";
}

/** Beyond this a days-needed estimate is only noise to a merchant: say "more than a year" instead. */
const DAYS_PER_YEAR = 365;

function pluralizeDays(days: number): string {
  return `${days} more ${days === 1 ? "day" : "days"}`;
}

function describeVerdict(verdict: Verdict, sampleRatio: SampleRatioCheck, readiness: Readiness, ended: boolean): string {
  switch (verdict) {
    case "sample_ratio_mismatch": {
      const observed = sampleRatio.observedTreatmentShare ?? 0;
      return (
        `Traffic split problem: ${formatPercent(observed, 1)} of visitors saw the treatment, but the test sends ` +
        `${formatPercent(sampleRatio.expectedTreatmentShare, 0)}. Results can't be trusted${ended ? "" : " until this is fixed"}.`
      );
    }
    case "not_enough_data": {
      if (ended) {
        return (
          `The test ended before it had enough data to pick a winner (it needed ${MINIMUM_DAYS_RUNNING} full days ` +
          `and ${MINIMUM_ORDERS_PER_ARM} orders in each arm).`
        );
      }
      const days = readiness.estimatedDaysRemaining;
      const pace = days === null ? "too early to estimate how long" : `about ${pluralizeDays(days)} at the current pace`;
      return `Not enough data to pick a winner yet (${pace}).`;
    }
    case "treatment_wins":
      return `Treatment wins: it converts better than control (${Math.round(CONFIDENCE_LEVEL * 100)}% confidence).`;
    case "control_wins":
      return `Control wins: it converts better than treatment (${Math.round(CONFIDENCE_LEVEL * 100)}% confidence).`;
    case "no_difference_yet": {
      if (ended) return "The test ended with no clear difference in conversion rate.";
      const { estimatedDaysRemaining, relativeLift } = readiness.power;
      if (estimatedDaysRemaining === null || relativeLift === null) return "No clear difference in conversion rate yet.";
      if (estimatedDaysRemaining > DAYS_PER_YEAR) {
        return `No clear difference in conversion rate yet. The current lift (${formatSignedPercent(relativeLift)}) is too small to confirm within a year at this traffic.`;
      }
      return (
        `No clear difference in conversion rate yet. If the current lift (${formatSignedPercent(relativeLift)}) is real, ` +
        `about ${pluralizeDays(estimatedDaysRemaining)} would give an 80% chance of detecting it (estimate).`
      );
    }
  }
}

/** "a 94%" but "an 89%", "an 11%", "an 18%" (eighty…, eleven, eighteen are read with a vowel sound). */
function withArticle(percent: string): string {
  return /^(8|11(?!\d)|18(?!\d))/.test(percent) ? `an ${percent}` : `a ${percent}`;
}

function describeChance(probability: number, control: ArmSummary, treatment: ArmSummary, ended: boolean): string {
  if (control.visitors === 0 || treatment.visitors === 0) return `Not enough visitors in both arms to compare${ended ? "" : " yet"}`;
  // Phrased from the side that is ahead, so the number is always the larger, easier-read one.
  return probability >= 0.5
    ? `Treatment has ${withArticle(formatChance(probability))} chance to beat control`
    : `Control has ${withArticle(formatChance(1 - probability))} chance to beat treatment`;
}

function describeLift(relativeLift: number | null, interval: { lower: number; upper: number } | null, reason: string | null): string {
  if (relativeLift === null) return reason ? `lift not available: ${reason}` : "lift not available";
  if (interval === null) return `${formatSignedPercent(relativeLift)}; no interval: ${reason ?? "not available"}`;
  return `${formatSignedPercent(relativeLift)}, ${formatInterval(interval)}`;
}

function describeRate(name: string, comparison: ProportionComparison): string {
  return (
    `${name}: ${formatPercent(comparison.treatmentRate)} with treatment vs ${formatPercent(comparison.controlRate)} with control ` +
    `(${describeLift(comparison.relativeLift, comparison.relativeInterval, comparison.reason)}).`
  );
}

function describeRevenue(comparison: MeanComparison, currencyCode: string | null | undefined): string {
  return (
    `Revenue per visitor: ${formatMoney(comparison.treatmentMean, currencyCode)} with treatment vs ` +
    `${formatMoney(comparison.controlMean, currencyCode)} with control ` +
    `(${describeLift(comparison.relativeLift, comparison.relativeInterval, comparison.reason)}).`
  );
}

function collectWarnings(conversion: ProportionComparison, addToCart: ProportionComparison): string[] {
  const warnings: string[] = [];
  if (conversion.capped) warnings.push("An arm has more orders than visitors; the conversion tests count at most one order per visitor.");
  if (addToCart.capped) warnings.push("An arm has more add-to-carts than visitors; the add-to-cart tests count at most one per visitor.");
  return warnings;
}

export function analyzeTest(input: TestAnalysisInput): TestAnalysis {
  validateArmTotals(input.control, "control");
  validateArmTotals(input.treatment, "treatment");
  const control = summarizeArm(input.control);
  const treatment = summarizeArm(input.treatment);

  const conversionRate = compareProportions(
    { successes: control.orders, trials: control.visitors },
    { successes: treatment.orders, trials: treatment.visitors },
  );
  const addToCartRate = compareProportions(
    { successes: control.addToCarts, trials: control.visitors },
    { successes: treatment.addToCarts, trials: treatment.visitors },
  );
  const revenuePerVisitor = compareMeans(
    { count: control.visitors, sum: control.revenue, sumOfSquares: input.control.revenueSumOfSquares },
    { count: treatment.visitors, sum: treatment.revenue, sumOfSquares: input.treatment.revenueSumOfSquares },
  );
  const chance = computeChanceToBeatControl(
    { successes: control.orders, trials: control.visitors },
    { successes: treatment.orders, trials: treatment.visitors },
  );
  const sampleRatio = checkSampleRatio({
    controlVisitors: control.visitors,
    treatmentVisitors: treatment.visitors,
    trafficSplit: input.trafficSplit,
  });
  const ended = input.ended ?? false;
  const readiness = assessReadiness({
    ended,
    daysRunning: input.daysRunning,
    control: { visitors: control.visitors, orders: control.orders },
    treatment: { visitors: treatment.visitors, orders: treatment.orders },
  });
  const verdict = decideVerdict(sampleRatio, readiness, conversionRate);

  return {
    verdict,
    headlines: {
      verdict: describeVerdict(verdict, sampleRatio, readiness, ended),
      chanceToBeatControl: describeChance(chance.probability, control, treatment, ended),
      conversionRate: describeRate("Conversion rate", conversionRate),
      addToCartRate: describeRate("Add-to-cart rate", addToCartRate),
      revenuePerVisitor: describeRevenue(revenuePerVisitor, input.currencyCode),
    },
    confidenceLevel: CONFIDENCE_LEVEL,
    arms: { control, treatment },
    conversionRate,
    addToCartRate,
    revenuePerVisitor,
    chanceToBeatControl: { ...chance, display: formatChance(chance.probability) },
    sampleRatio,
    readiness,
    warnings: collectWarnings(conversionRate, addToCartRate),
    currencyCode: input.currencyCode ?? null,
  };
}
