// bun run backfill:statistics [-- --days N | --start YYYY-MM-DD --end YYYY-MM-DD] [--shop DOMAIN] [--inline] [--dry-run] [--force]
import { addDays, isDay, yesterday } from "../app/lib/days";
import { planBackfill } from "../app/services/statistics-export/plan-backfill";
import { queueShopDays } from "../app/services/statistics-export/plan-daily-export";
import { exportShopDays } from "../app/services/statistics-export/statistics-export-orchestrator.service";
import { fail, finishScript, ok, parseFlags, startScript } from "./lib/script-runtime";

const HELP = `Export daily statistics for past days (completes PENDING/RUNNING/FAILED shop-days, skips COMPLETED ones).
By default the shop-days go to the export queue, and the workers (the drain cron, bun run worker)
export them; --inline exports them in this process instead, with progress.

Usage: bun run backfill:statistics [-- options]
  --days N          the last N days ending yesterday (UTC); default 5
  --start DAY       first day (YYYY-MM-DD), with --end
  --end DAY         last day (YYYY-MM-DD), with --start
  --shop DOMAIN     only this shop (myshopify or configured domain)
  --inline          export here and now instead of queueing
  --dry-run         print the plan, write nothing
  --force           export COMPLETED shop-days again
  -h, --help        this text`;

const flags = parseFlags(
  {
    days: { type: "string" },
    start: { type: "string" },
    end: { type: "string" },
    shop: { type: "string" },
    "dry-run": { type: "boolean" },
    inline: { type: "boolean" },
    force: { type: "boolean" },
  },
  HELP,
);

function resolveRange(): { start: string; end: string } {
  if (flags.start || flags.end) {
    if (!flags.start || !flags.end || !isDay(flags.start) || !isDay(flags.end)) throw new Error("--start and --end must both be days (YYYY-MM-DD)");
    if (flags.days) throw new Error("use either --days or --start/--end");
    return { start: flags.start, end: flags.end };
  }
  const days = Number(flags.days ?? 5);
  if (!Number.isInteger(days) || days < 1 || days > 366) throw new Error("--days must be a whole number from 1 to 366");
  const end = yesterday(new Date());
  return { start: addDays(end, -(days - 1)), end };
}

let range: { start: string; end: string };
try {
  range = resolveRange();
} catch (error) {
  fail((error as Error).message);
  console.log(`\n${HELP}`);
  process.exit(2);
}

const context = await startScript();
const { createExportDeps, getExportQueue, stopExportQueue } = await import("../app/statistics-export.server");
let failures = 0;
try {
  const plan = await planBackfill(context.prisma, { ...range, shopDomain: flags.shop, force: flags.force });
  const todo = plan.filter((item) => item.action === "export");
  console.log(`Backfill ${range.start} → ${range.end}: ${plan.length} shop-days, ${todo.length} to export, ${plan.length - todo.length} already COMPLETED`);
  if (flags["dry-run"]) {
    for (const item of plan) console.log(`  ${item.action === "export" ? "→" : "·"} ${item.shop} ${item.day} (${item.current ?? "never exported"})`);
    console.log("Dry run: nothing written.");
  } else if (!flags.inline) {
    const queued = await queueShopDays(context.prisma, await getExportQueue(), todo, { force: flags.force });
    ok(`${queued.due} shop-days recorded PENDING, ${queued.enqueued} jobs queued (${queued.due - queued.enqueued} already queued or running), metrics staged for ${queued.staged}`);
    console.log("The workers export them: the drain cron, or bun run worker; follow with bun run export:status.");
  } else {
    const deps = createExportDeps();
    const tty = process.stdout.isTTY;
    let done = 0;
    if (tty) process.stdout.write(progressBar(0, todo.length));
    // One metrics pass per day for all its shops (the cron's path); results arrive per shop-day.
    await exportShopDays(deps, todo, {
      force: flags.force,
      onResult(result) {
        if (tty) process.stdout.write("\r\x1b[K");
        if (result.status === "FAILED") {
          failures++;
          fail(`${result.shop} ${result.day}: FAILED after ${result.durationMs} ms — ${result.error}`);
        } else ok(`${result.shop} ${result.day}: ${result.status} (${result.rows} rows, ${result.durationMs} ms)`);
        if (tty) process.stdout.write(progressBar(++done, todo.length));
      },
    });
    console.log(`${todo.length - failures} exported, ${failures} failed, ${plan.length - todo.length} skipped`);
  }
} catch (error) {
  failures++;
  fail((error as Error).message);
}
await stopExportQueue();
await finishScript(context, failures);

function progressBar(done: number, total: number): string {
  const width = 24;
  const filled = Math.round((done / Math.max(total, 1)) * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total}`;
}
