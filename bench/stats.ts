// `npm run bench:stats`: how often the results page names a false winner when a merchant reads it
// every day, and how long a real effect takes to be called. Pure simulation (seeded, no database,
// about a minute at most); not part of CI — app/lib/statistics/simulate-daily-looks.test.ts pins a
// smaller A/A guarantee there.
//
// Scenario (stated so the figures can be judged): 2,000 visitors a day split 50/50 (so about
// 1,000 per arm), 3% conversion in control; A/A tests read daily for 28 days; A/B tests with a
// true +10% relative conversion lift read daily for up to 180 days.
import {
  APP_RULE,
  createSeededRandom,
  FIXED_HORIZON_DAILY_RULE,
  GUARDED_FIXED_HORIZON_RULE,
  medianDecisionDay,
  simulateDailyLooks,
  type RuleOutcome,
} from "../app/lib/statistics/simulate-daily-looks";

const SIMULATIONS = Number(process.env.BENCH_STATS_SIMULATIONS ?? 2000);
const SEED = Number(process.env.BENCH_STATS_SEED ?? 20261208);
const scenario = { visitorsPerDay: 2000, trafficSplit: 50, controlRate: 0.03 };
const A_A_DAYS = 28;
const A_B_DAYS = 180;
const A_B_LIFT = 0.1;
const GOAL = 0.05;

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
const share = (outcome: RuleOutcome) => outcome.decided / SIMULATIONS;
/** 95% normal-approximation margin of a share, so a reader sees the Monte Carlo error. */
const margin = (p: number) => 1.96 * Math.sqrt((p * (1 - p)) / SIMULATIONS);

const started = performance.now();
console.log(`bench:stats — ${SIMULATIONS} simulations per scenario, seed ${SEED}`);
console.log(`traffic: ${scenario.visitorsPerDay} visitors/day split ${scenario.trafficSplit}/${100 - scenario.trafficSplit} (~1,000 per arm), control conversion ${percent(scenario.controlRate)}\n`);

const aa = simulateDailyLooks({ ...scenario, random: createSeededRandom(SEED), simulations: SIMULATIONS, days: A_A_DAYS, relativeLift: 0, rules: [APP_RULE, FIXED_HORIZON_DAILY_RULE, GUARDED_FIXED_HORIZON_RULE] });
console.log(`A/A (no true difference), read daily for ${A_A_DAYS} days — share that ever named a winner:`);
for (const outcome of aa) console.log(`  ${percent(share(outcome)).padStart(6)} ± ${percent(margin(share(outcome)))}  ${outcome.name}`);

const ab = simulateDailyLooks({ ...scenario, random: createSeededRandom(SEED + 1), simulations: SIMULATIONS, days: A_B_DAYS, relativeLift: A_B_LIFT, rules: [APP_RULE, FIXED_HORIZON_DAILY_RULE, GUARDED_FIXED_HORIZON_RULE] });
console.log(`\nA/B with a true +${A_B_LIFT * 100}% relative conversion lift (3.0% → 3.3%), read daily up to ${A_B_DAYS} days:`);
for (const outcome of ab) {
  const median = medianDecisionDay(outcome, SIMULATIONS);
  const byDay28 = outcome.decisionDays.filter((day) => day <= 28).length / SIMULATIONS;
  const wrong = outcome.decided - outcome.treatmentWins;
  console.log(
    `  median days to a decision: ${median === null ? `> ${A_B_DAYS}` : median}; decided by day 28: ${percent(byDay28)}, by day ${A_B_DAYS}: ${percent(share(outcome))}; ` +
      `named control (wrong way): ${wrong}  — ${outcome.name}`,
  );
}

const appFalseWinners = share(aa[0]);
const ok = appFalseWinners <= GOAL;
console.log(`\n${ok ? "✓" : "✗"} app rule A/A false-winner rate ${percent(appFalseWinners)} (goal ≤ ${percent(GOAL)})`);
console.log(`took ${((performance.now() - started) / 1000).toFixed(1)} s`);
process.exitCode = ok ? 0 : 1;
