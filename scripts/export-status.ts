// `bun run export:status`: the export ledger per shop-day (✓ COMPLETED, ✗ FAILED with its reason,
// · PENDING/RUNNING with attempts) for the last N days, and the queue's backlog. Changes nothing.
import { addDays, yesterday } from "../app/lib/days";
import { findActiveShops } from "../app/services/shopify/find-active-shops";
import { readLedger } from "../app/services/statistics-export/export-ledger";
import { fail, finishScript, ok, parseFlags, startScript } from "./lib/script-runtime";

const HELP = `Usage: bun run export:status [-- --days N] [--shop DOMAIN]

Every ACTIVE shop's daily exports of the last N days ending yesterday (UTC; default 3): ✓ COMPLETED
(rows), ✗ FAILED (attempts, last error), · PENDING or RUNNING (attempts so far), ✗ missing (no ledger
row: the day was never planned). Then the totals and the export queue's backlog.

  --days N       days to show (1–60)
  --shop DOMAIN  only this shop; repeatable
  -h, --help     this text

Exits 1 when any shop-day is FAILED or missing.`;

const flags = parseFlags({ days: { type: "string" }, shop: { type: "string", multiple: true } }, HELP);
const days = Number(flags.days ?? 3);
if (!Number.isInteger(days) || days < 1 || days > 60) {
  fail("--days must be a whole number from 1 to 60");
  process.exit(2);
}
const context = await startScript().catch((error: unknown) => {
  fail(`export:status could not start: ${(error as Error).message}`);
  process.exit(1);
});
const { getExportQueue, stopExportQueue } = await import("../app/statistics-export.server");
const { prisma } = context;
const to = yesterday(new Date());
const from = addDays(to, -(days - 1));
const { shops, unknownDomains } = await findActiveShops(prisma, flags.shop);
for (const domain of unknownDomains) fail(`${domain}: no ACTIVE shop has this domain`);
const ledger = new Map((await readLedger(prisma, { shopIds: shops.map((shop) => shop.id), from, to })).map((row) => [`${row.shopId}|${row.day}`, row]));
const counts = { COMPLETED: 0, FAILED: 0, PENDING: 0, RUNNING: 0, missing: 0 };

for (const shop of shops) {
  const label = shop.myshopifyDomain ?? shop.shopDomain;
  for (let day = from; day <= to; day = addDays(day, 1)) {
    const row = ledger.get(`${shop.id}|${day}`);
    if (!row) {
      counts.missing++;
      fail(`${label} ${day}: missing (never planned)`);
    } else if (row.status === "COMPLETED") {
      counts.COMPLETED++;
      ok(`${label} ${day}: COMPLETED (${row.rowCount} rows, ${row.attempts} attempt${row.attempts === 1 ? "" : "s"})`);
    } else if (row.status === "FAILED") {
      counts.FAILED++;
      fail(`${label} ${day}: FAILED after ${row.attempts} attempt${row.attempts === 1 ? "" : "s"} — ${row.error ?? "no reason recorded"}`);
    } else {
      counts[row.status]++;
      console.log(`· ${label} ${day}: ${row.status} (${row.attempts} attempt${row.attempts === 1 ? "" : "s"} so far${row.error ? `; last error: ${row.error}` : ""})`);
    }
  }
}

let backlog = "queue unreadable";
try {
  const queue = await (await getExportQueue()).counts();
  backlog = `queue: ${queue.queued} waiting, ${queue.active} running`;
} catch (error) {
  fail(`export queue: ${(error as Error).message}`);
}
console.log(
  `export:status ${from} → ${to}, ${shops.length} shop${shops.length === 1 ? "" : "s"}: ${counts.COMPLETED} completed, ${counts.FAILED} failed, ${counts.PENDING} pending, ${counts.RUNNING} running, ${counts.missing} missing; ${backlog}`,
);
await stopExportQueue();
await finishScript(context, counts.FAILED + counts.missing + unknownDomains.length);
