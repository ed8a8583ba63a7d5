// Monte Carlo of a merchant reading a test's results once a day (used by `npm run bench:stats` and
// its unit test; not by the app). Deterministic: the caller injects a seeded random source.
//
// Each simulated day brings `visitorsPerDay` visitors, each sent to treatment with probability
// `trafficSplit`/100 (so arm sizes vary as in production), each converting with its arm's true
// rate. After every day each decision rule looks at the cumulative counts; the first day a rule
// names a winner is recorded and that rule stops looking (a merchant acts on the first winner).
import { analyzeTest } from "./analyze-test";
import { compareProportions } from "./proportion-test";
import { MINIMUM_DAYS_RUNNING, MINIMUM_ORDERS_PER_ARM } from "./readiness";

export type RandomSource = () => number;

/** Mulberry32: a tiny, well-mixed 32-bit PRNG; same seed, same stream on every machine. */
export function createSeededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Exact Binomial(n, p) draw by geometric skips: O(n·p) uniforms instead of n. */
export function drawBinomial(random: RandomSource, trials: number, probability: number): number {
  if (probability <= 0 || trials === 0) return 0;
  if (probability >= 1) return trials;
  const logFailure = Math.log1p(-probability);
  let successes = 0;
  let position = 0;
  for (;;) {
    position += Math.floor(Math.log(1 - random()) / logFailure) + 1;
    if (position > trials) return successes;
    successes++;
  }
}

export interface ArmCounts {
  visitors: number;
  orders: number;
}

export type Winner = "treatment" | "control" | null;

export interface DecisionRule {
  name: string;
  decide(daysRunning: number, control: ArmCounts, treatment: ArmCounts): Winner;
}

const toTotals = ({ visitors, orders }: ArmCounts) => ({ visitors, impressions: visitors, addToCarts: 0, orders, units: orders, revenue: 0, revenueSumOfSquares: 0 });

/** The admin's rule, exactly: analyzeTest's verdict on a 50/50 running test. */
export const APP_RULE: DecisionRule = {
  name: "app rule (always-valid interval + 7 days / 30 orders guard + SRM check)",
  decide(daysRunning, control, treatment) {
    const { verdict } = analyzeTest({ trafficSplit: 50, daysRunning, control: toTotals(control), treatment: toTotals(treatment) });
    return verdict === "treatment_wins" ? "treatment" : verdict === "control_wins" ? "control" : null;
  },
};

/** The textbook one-look test used at every look: pooled two-proportion z-test, p < 0.05. */
export const FIXED_HORIZON_DAILY_RULE: DecisionRule = {
  name: "fixed-horizon z-test (p < 0.05) read daily, no guard",
  decide(_daysRunning, control, treatment) {
    const { pValue, absoluteDifference } = compareProportions(
      { successes: control.orders, trials: control.visitors },
      { successes: treatment.orders, trials: treatment.visitors },
    );
    if (pValue === null || absoluteDifference === null || pValue >= 0.05) return null;
    return absoluteDifference > 0 ? "treatment" : "control";
  },
};

/** The page's rule before the always-valid interval: the same 7-day / 30-order guard, then the one-look Wald interval. */
export const GUARDED_FIXED_HORIZON_RULE: DecisionRule = {
  name: "previous rule: 7 days / 30 orders guard, then the one-look 95% interval, read daily",
  decide(daysRunning, control, treatment) {
    if (daysRunning < MINIMUM_DAYS_RUNNING || control.orders < MINIMUM_ORDERS_PER_ARM || treatment.orders < MINIMUM_ORDERS_PER_ARM) return null;
    const { absoluteInterval } = compareProportions({ successes: control.orders, trials: control.visitors }, { successes: treatment.orders, trials: treatment.visitors });
    if (absoluteInterval === null) return null;
    return absoluteInterval.lower > 0 ? "treatment" : absoluteInterval.upper < 0 ? "control" : null;
  },
};

export interface SimulationInput {
  random: RandomSource;
  simulations: number;
  days: number;
  /** Visitors a day over both arms. */
  visitorsPerDay: number;
  /** Share of visitors sent to treatment, 0–100. */
  trafficSplit: number;
  controlRate: number;
  /** True relative lift of treatment's rate (0 for an A/A test). */
  relativeLift: number;
  rules: DecisionRule[];
}

export interface RuleOutcome {
  name: string;
  /** Simulations in which the rule ever named a winner within `days`. */
  decided: number;
  /** Of those, how many named treatment. */
  treatmentWins: number;
  /** Day of the first decision of each deciding simulation, ascending. */
  decisionDays: number[];
}

export function simulateDailyLooks(input: SimulationInput): RuleOutcome[] {
  const { random, simulations, days, visitorsPerDay, trafficSplit, controlRate, relativeLift, rules } = input;
  const treatmentRate = controlRate * (1 + relativeLift);
  const outcomes: RuleOutcome[] = rules.map((rule) => ({ name: rule.name, decided: 0, treatmentWins: 0, decisionDays: [] }));
  for (let simulation = 0; simulation < simulations; simulation++) {
    const control: ArmCounts = { visitors: 0, orders: 0 };
    const treatment: ArmCounts = { visitors: 0, orders: 0 };
    const open = new Set(rules.keys());
    for (let day = 1; day <= days && open.size > 0; day++) {
      const treatmentVisitors = drawBinomial(random, visitorsPerDay, trafficSplit / 100);
      const controlVisitors = visitorsPerDay - treatmentVisitors;
      control.visitors += controlVisitors;
      treatment.visitors += treatmentVisitors;
      control.orders += drawBinomial(random, controlVisitors, controlRate);
      treatment.orders += drawBinomial(random, treatmentVisitors, treatmentRate);
      for (const index of [...open]) {
        const winner = rules[index].decide(day, control, treatment);
        if (winner === null) continue;
        open.delete(index);
        outcomes[index].decided++;
        if (winner === "treatment") outcomes[index].treatmentWins++;
        outcomes[index].decisionDays.push(day);
      }
    }
  }
  for (const outcome of outcomes) outcome.decisionDays.sort((a, b) => a - b);
  return outcomes;
}

/** Median day to a decision over ALL simulations; null when fewer than half decided (the median lies beyond the horizon). */
export function medianDecisionDay(outcome: RuleOutcome, simulations: number): number | null {
  const middle = Math.ceil(simulations / 2);
  return outcome.decisionDays.length >= middle ? outcome.decisionDays[middle - 1] : null;
}
