// `npm run worker`: drains the export queue for long-running deployments (`npm start` beside it, no
// Vercel cron). Plans the day itself when the UTC day changes (idempotent: the ledger and the queue's
// one-job-per-shop-day make a second planner of the same day a no-op), then drains round after round.
// SIGTERM/SIGINT: takes no new job, finishes the ones it has, exits.
import { yesterday } from "../app/lib/days";
import { fail, finishScript, ok, parseFlags, startScript } from "./lib/script-runtime";

const HELP = `Usage: npm run worker -- [--concurrency N] [--no-plan]

Exports queued shop-days (one job each), N at a time (default 4), until stopped. Plans yesterday's
shop-days on start and whenever the UTC day changes, like the daily cron.

  --concurrency N  shop-days at once (1–32)
  --no-plan        only drain; leave planning to the cron route
  -h, --help       this text`;

const flags = parseFlags({ concurrency: { type: "string" }, "no-plan": { type: "boolean" } }, HELP);
const concurrency = Number(flags.concurrency ?? 4);
if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32) {
  fail("--concurrency must be a whole number from 1 to 32");
  process.exit(2);
}

const context = await startScript();
const { createExportDeps, getExportQueue, stopExportQueue } = await import("../app/statistics-export.server");
const { drainExportQueue } = await import("../app/services/statistics-export/export-drain");
const { planDailyExport } = await import("../app/services/statistics-export/plan-daily-export");
const deps = createExportDeps();
const queue = await getExportQueue();
const stopping = new AbortController();
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    console.log(`${signal}: finishing the shop-days in hand, taking no more`);
    stopping.abort();
  });
}
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

ok(`worker: ${concurrency} shop-days at once`);
let plannedDay: string | undefined;
while (!stopping.signal.aborted) {
  try {
    const due = yesterday(deps.now());
    if (!flags["no-plan"] && plannedDay !== due) {
      const plan = await planDailyExport(deps, queue);
      plannedDay = due;
      ok(`planned ${plan.day}: ${plan.due} due of ${plan.planned}, ${plan.enqueued} queued`);
    }
    const round = await drainExportQueue(deps, queue, {
      budgetMs: 60_000,
      concurrency,
      signal: stopping.signal,
      onResult(result) {
        const line = `${result.shop} ${result.day}: ${result.status} (${result.rows} rows, ${result.durationMs} ms, attempt ${result.attempt ?? "-"})`;
        if (result.status === "FAILED") fail(`${line}${result.final ? " — final" : " — will retry"}: ${result.error}`);
        else ok(line);
      },
    });
    // Nothing to take: wait for the next retry or plan instead of polling the database hot.
    if (round.taken === 0) await pause(5_000);
  } catch (error) {
    fail(`worker round failed: ${(error as Error).message}; retrying in 10 s`);
    await pause(10_000);
  }
}
await stopExportQueue();
await finishScript(context, 0);
