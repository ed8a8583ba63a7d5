// Minimum-data guard: the admin names no winner before a test has run long enough and collected
// enough orders, however good an early result looks. Checking a running test every day and
// stopping at the first "significant" look inflates false winners well beyond 5%; fixed minimums
// are the simplest protection a merchant can understand.
import { normalQuantile } from "./distributions";
import { CONFIDENCE_LEVEL } from "./confidence";

/**
 * Full days a test must run: one whole week, so every weekday is represented once (shopping
 * behaviour differs between weekdays and weekends) and the first days' novelty effect of new
 * images is diluted.
 */
export const MINIMUM_DAYS_RUNNING = 7;

/**
 * Orders each arm must have. The z-test and Wald interval rely on the normal approximation to the
 * binomial, which needs on the order of 10+ successes per arm (np ≥ 10 rules of thumb); 30 is the
 * usual "large sample" margin above that and keeps a handful of lucky orders from naming a winner.
 */
export const MINIMUM_ORDERS_PER_ARM = 30;

/** Power the sample-size estimate targets (the conventional 80%), at the admin's α = 0.05. */
export const TARGET_POWER = 0.8;

/** Days of data needed before extrapolating daily rates: the first hours follow the time of day. */
export const MINIMUM_DAYS_TO_EXTRAPOLATE = 1;

const MILLISECONDS_PER_DAY = 86_400_000;

/** Rounds a day estimate up, ignoring float noise: 15 / (15 / 7) is 7.000000000000001, not 8 days. */
function ceilDays(days: number): number {
  return Math.max(0, Math.ceil(days - 1e-9));
}

/** Elapsed days (fractional) from a test's start to the caller's clock; 0 if the clock is earlier. */
export function countDaysRunning(startedAt: Date, asOf: Date): number {
  const elapsed = asOf.getTime() - startedAt.getTime();
  if (Number.isNaN(elapsed)) throw new RangeError("startedAt and asOf must be valid dates");
  return Math.max(0, elapsed / MILLISECONDS_PER_DAY);
}

export interface ArmProgress {
  visitors: number;
  orders: number;
}

export interface ReadinessInput {
  /** Elapsed days since the test started (fractional allowed), e.g. from countDaysRunning. */
  daysRunning: number;
  control: ArmProgress;
  treatment: ArmProgress;
  /** The test has ended: no more data will come, so no estimate of days remaining is made. Default false. */
  ended?: boolean;
}

export type ReadinessReasonCode = "too_few_days" | "too_few_orders_control" | "too_few_orders_treatment";

export interface ReadinessReason {
  code: ReadinessReasonCode;
  message: string;
}

/** Visitors each arm needs for TARGET_POWER to detect the currently observed conversion difference. */
export interface PowerEstimate {
  /** ESTIMATE of further days until both arms have those visitors at the current daily pace; 0 if they already do; null once the test has ended. */
  estimatedDaysRemaining: number | null;
  visitorsNeeded: { control: number; treatment: number } | null;
  /** The observed relative conversion lift the estimate is sized for (it assumes that lift is real). */
  relativeLift: number | null;
  /** Why the estimate is null, in plain words. */
  reason: string | null;
}

export interface Readiness {
  ready: boolean;
  /** Why it is not ready; empty when ready. */
  reasons: ReadinessReason[];
  fullDaysRunning: number;
  /**
   * ESTIMATE of further days until the minimums are met, from each arm's average daily orders so
   * far; 0 when ready; null when there is nothing to extrapolate from (under a day of data, or an
   * arm still short of orders has none yet) and once the test has ended.
   */
  estimatedDaysRemaining: number | null;
  power: PowerEstimate;
}

export interface SampleSizeInput {
  controlRate: number;
  treatmentRate: number;
  /** Treatment visitors per control visitor (1 for a 50/50 split). */
  treatmentToControlRatio: number;
  /** Two-sided significance level, e.g. 0.05. */
  alpha: number;
  /** Desired power, e.g. 0.8. */
  power: number;
}

/**
 * Visitors per arm for a two-sided two-proportion z-test (normal approximation, no continuity
 * correction; Fleiss, Levin & Paik, "Statistical Methods for Rates and Proportions", §4.2), with
 * k = n_T / n_C:
 *   n_C = [z_{1−α/2}·√(p̄q̄(1 + 1/k)) + z_{power}·√(p_C q_C + p_T q_T / k)]² / (p_T − p_C)²,
 *   n_T = k·n_C, p̄ = (p_C + k·p_T)/(1 + k).
 * For k = 1 this is the n that R's power.prop.test solves for. Unrounded: callers round up.
 */
export function estimateSampleSize({ controlRate, treatmentRate, treatmentToControlRatio: k, alpha, power }: SampleSizeInput): { control: number; treatment: number } {
  const difference = treatmentRate - controlRate;
  if (difference === 0) throw new RangeError("the rates are equal: no sample size detects a zero difference");
  if (!(k > 0)) throw new RangeError(`treatmentToControlRatio must be > 0, got ${k}`);
  const pooled = (controlRate + k * treatmentRate) / (1 + k);
  const zAlpha = normalQuantile(1 - alpha / 2);
  const zPower = normalQuantile(power);
  const root =
    zAlpha * Math.sqrt(pooled * (1 - pooled) * (1 + 1 / k)) +
    zPower * Math.sqrt(controlRate * (1 - controlRate) + (treatmentRate * (1 - treatmentRate)) / k);
  const control = (root * root) / (difference * difference);
  return { control, treatment: k * control };
}

function validateProgress(progress: ArmProgress, label: string): void {
  for (const [field, value] of Object.entries(progress)) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${label}.${field} must be a non-negative integer, got ${value}`);
  }
}

/** Further whole days until an arm reaches the order minimum at its average pace so far. */
function estimateDaysToOrders(orders: number, daysRunning: number): number | null {
  if (orders >= MINIMUM_ORDERS_PER_ARM) return 0;
  if (daysRunning < MINIMUM_DAYS_TO_EXTRAPOLATE || orders === 0) return null;
  return ceilDays((MINIMUM_ORDERS_PER_ARM - orders) / (orders / daysRunning));
}

function estimatePower({ daysRunning, control, treatment, ended = false }: ReadinessInput): PowerEstimate {
  const unavailable = (reason: string, relativeLift: number | null = null): PowerEstimate => ({
    estimatedDaysRemaining: null,
    visitorsNeeded: null,
    relativeLift,
    reason,
  });
  if (control.visitors === 0 || treatment.visitors === 0) return unavailable("an arm has no visitors yet");
  // Rates capped at 1 like the tests' binomial model (orders can exceed visitors).
  const controlRate = Math.min(1, control.orders / control.visitors);
  const treatmentRate = Math.min(1, treatment.orders / treatment.visitors);
  if (controlRate === 0) return unavailable("control has no orders yet");
  const relativeLift = treatmentRate / controlRate - 1;
  if (controlRate === treatmentRate) return unavailable("the arms convert at the same rate, so there is no observed lift to size for", relativeLift);
  const needed = estimateSampleSize({
    controlRate,
    treatmentRate,
    treatmentToControlRatio: treatment.visitors / control.visitors,
    alpha: 1 - CONFIDENCE_LEVEL,
    power: TARGET_POWER,
  });
  const visitorsNeeded = { control: Math.ceil(needed.control), treatment: Math.ceil(needed.treatment) };
  if (ended) return { ...unavailable("the test has ended", relativeLift), visitorsNeeded };
  if (daysRunning < MINIMUM_DAYS_TO_EXTRAPOLATE) return { ...unavailable("less than a day of data to extrapolate from", relativeLift), visitorsNeeded };
  const daysFor = (neededVisitors: number, visitors: number) => ceilDays((neededVisitors - visitors) / (visitors / daysRunning));
  const estimatedDaysRemaining = Math.max(daysFor(visitorsNeeded.control, control.visitors), daysFor(visitorsNeeded.treatment, treatment.visitors));
  return { estimatedDaysRemaining, visitorsNeeded, relativeLift, reason: null };
}

export function assessReadiness(input: ReadinessInput): Readiness {
  const { daysRunning, control, treatment, ended = false } = input;
  if (!(daysRunning >= 0) || !Number.isFinite(daysRunning)) throw new RangeError(`daysRunning must be a non-negative number, got ${daysRunning}`);
  validateProgress(control, "control");
  validateProgress(treatment, "treatment");

  const fullDaysRunning = Math.floor(daysRunning);
  const reasons: ReadinessReason[] = [];
  if (fullDaysRunning < MINIMUM_DAYS_RUNNING) {
    reasons.push({
      code: "too_few_days",
      message: `The test ${ended ? "ran" : "has run"} ${fullDaysRunning} of the ${MINIMUM_DAYS_RUNNING} full days needed (a full week, so every weekday counts).`,
    });
  }
  for (const [code, label, arm] of [
    ["too_few_orders_control", "Control", control],
    ["too_few_orders_treatment", "Treatment", treatment],
  ] as const) {
    if (arm.orders < MINIMUM_ORDERS_PER_ARM) reasons.push({ code, message: `${label} has ${arm.orders} of the ${MINIMUM_ORDERS_PER_ARM} orders needed.` });
  }

  // At least 1 while a full day is missing, even if the float difference rounds to 0.
  const daysForDuration = fullDaysRunning < MINIMUM_DAYS_RUNNING ? Math.max(1, ceilDays(MINIMUM_DAYS_RUNNING - daysRunning)) : 0;
  const daysForControl = estimateDaysToOrders(control.orders, daysRunning);
  const daysForTreatment = estimateDaysToOrders(treatment.orders, daysRunning);
  const ready = reasons.length === 0;
  const estimatedDaysRemaining = ready
    ? 0
    : ended || daysForControl === null || daysForTreatment === null
      ? null
      : Math.max(daysForDuration, daysForControl, daysForTreatment);

  return { ready, reasons, fullDaysRunning, estimatedDaysRemaining, power: estimatePower(input) };
}
