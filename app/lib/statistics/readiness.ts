// Minimum-data guard: the admin names no winner before a test has run a full week and collected
// enough orders, however good an early result looks. Peeking itself is handled by the always-valid
// interval (confidence-sequence.ts); these minimums cover what it does not: weekday and novelty
// effects, and the normal approximation behind it needing a few dozen orders per arm.
import { normalQuantile } from "./distributions";
import { computeMixtureHalfWidth } from "./confidence-sequence";

/**
 * Full days a test must run: one whole week, so every weekday is represented once (shopping
 * behaviour differs between weekdays and weekends) and the first days' novelty effect of new
 * images is diluted.
 */
export const MINIMUM_DAYS_RUNNING = 7;

/**
 * Orders each arm must have. The log-ratio interval relies on the normal approximation to the
 * binomial, which needs on the order of 10+ successes per arm (np ≥ 10 rules of thumb); 30 is the
 * usual "large sample" margin above that and keeps a handful of lucky orders from naming a winner.
 */
export const MINIMUM_ORDERS_PER_ARM = 30;

/** Power the days-needed estimate targets (the conventional 80%), for the always-valid interval at α = 0.05. */
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
  /** What is still missing of the minimums: whole days to the full week, orders per arm (0 when met). */
  missing: { days: number; controlOrders: number; treatmentOrders: number };
  power: PowerEstimate;
}

/**
 * Variance of the log-lift estimate at which the always-valid interval excludes 0 with probability
 * `power` if the true log lift is `effect` (normal approximation: the estimate is N(effect, V), and
 * it must clear the interval's half-width w(V), so |effect| − z_power·√V = w(V)). The left side falls
 * and w rises with V, so bisection on log V finds the one crossing.
 */
export function findDecisiveVariance(effect: number, power: number): number {
  const target = Math.abs(effect);
  if (!(target > 0) || !Number.isFinite(target)) throw new RangeError(`effect must be non-zero and finite, got ${effect}`);
  const zPower = normalQuantile(power);
  const slack = (variance: number) => target - zPower * Math.sqrt(variance) - computeMixtureHalfWidth(variance);
  let low = Math.log(target * target) - 60;
  let high = Math.log(target * target);
  for (let i = 0; i < 200; i++) {
    const middle = (low + high) / 2;
    if (slack(Math.exp(middle)) > 0) low = middle;
    else high = middle;
  }
  return Math.exp(low);
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
  if (treatmentRate === 0) return unavailable("treatment has no orders yet", relativeLift);
  // Katz variance of the log risk ratio now; it shrinks as 1/visitors at the same split and rates.
  const controlOrders = Math.min(control.orders, control.visitors);
  const treatmentOrders = Math.min(treatment.orders, treatment.visitors);
  const varianceNow = 1 / controlOrders - 1 / control.visitors + 1 / treatmentOrders - 1 / treatment.visitors;
  if (!(varianceNow > 0)) return unavailable("every visitor converted, so there is no variance to size for", relativeLift);
  const growth = Math.max(1, varianceNow / findDecisiveVariance(Math.log(treatmentRate / controlRate), TARGET_POWER));
  const visitorsNeeded = { control: Math.ceil(control.visitors * growth - 1e-9), treatment: Math.ceil(treatment.visitors * growth - 1e-9) };
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

  const missing = {
    days: daysForDuration,
    controlOrders: Math.max(0, MINIMUM_ORDERS_PER_ARM - control.orders),
    treatmentOrders: Math.max(0, MINIMUM_ORDERS_PER_ARM - treatment.orders),
  };
  return { ready, reasons, fullDaysRunning, estimatedDaysRemaining, missing, power: estimatePower(input) };
}

/**
 * The missing minimums in one line: "needs 12 more orders in control, 3 more in treatment; 3 more
 * days". Null when nothing is missing.
 */
export function describeMissingMinimums({ missing }: Pick<Readiness, "missing">): string | null {
  const orders = [
    missing.controlOrders > 0 ? `${missing.controlOrders} more ${missing.controlOrders === 1 ? "order" : "orders"} in control` : null,
    missing.treatmentOrders > 0 ? `${missing.treatmentOrders} more ${missing.treatmentOrders === 1 ? "order" : "orders"} in treatment` : null,
  ].filter((part): part is string => part !== null);
  const days = missing.days > 0 ? `${missing.days} more ${missing.days === 1 ? "day" : "days"} of running` : null;
  const parts = [orders.join(", "), days].filter((part): part is string => Boolean(part));
  return parts.length === 0 ? null : `needs ${parts.join("; ")}`;
}
