// The export ledger: the one module that writes StatisticsExport's state (DESIGN §6, one owner per
// table). A shop-day is PENDING from the moment a planner sees it due — before any work, so a shop-day
// that no run reaches stays visible instead of being skipped silently — RUNNING while an attempt works
// on it, then COMPLETED or FAILED. Every transition is one guarded statement:
// - COMPLETED is final for a late or overlapping attempt: only a forced start reopens it;
// - an attempt's failure lands only while that attempt is the row's latest (`attempts` matches), so an
//   attempt that was presumed dead and retried cannot overwrite its successor's state.
import { Prisma, type PrismaClient } from "@prisma/client";
import { dayStart, formatDay } from "../../lib/days";
import { spoolDailyMetrics } from "./daily-metrics-spool";
import { parseDailyMetrics, type DailyMetrics } from "./metrics-calculator.service";

export type LedgerStatus = "PENDING" | "RUNNING" | "COMPLETED" | "FAILED";

export interface ShopDay {
  shopId: string;
  day: string;
}

export interface LedgerEntry extends ShopDay {
  id: string;
  status: LedgerStatus;
  attempts: number;
  rowCount: number;
  error: string | null;
  startedAt: Date;
  completedAt: Date | null;
}

type Db = PrismaClient | Prisma.TransactionClient;

/** One VALUES list of (shopId, date) pairs, for the set-based statements below. */
function shopDayValues(items: ShopDay[]): Prisma.Sql {
  return Prisma.join(items.map((item) => Prisma.sql`(${item.shopId}, ${dayStart(item.day)}::date)`));
}

/**
 * Records shop-days as due: absent ones are created PENDING; FAILED ones (a new round after their
 * retries ran out) turn PENDING again with their attempts reset and metrics to be staged afresh;
 * PENDING and RUNNING ones are left as they are. COMPLETED ones
 * stay COMPLETED unless `force` (an export redone on purpose). Returns the shop-days now due, i.e. all
 * but the COMPLETED ones.
 */
export async function recordDueShopDays(prisma: PrismaClient, items: ShopDay[], options: { force?: boolean } = {}): Promise<ShopDay[]> {
  if (items.length === 0) return [];
  const due: ShopDay[] = [];
  // Bounded statements: a planner of thousands of shops sends them in slices.
  for (let offset = 0; offset < items.length; offset += 1000) {
    const slice = items.slice(offset, offset + 1000);
    const reopen = options.force ? Prisma.sql`"StatisticsExport".status IN ('FAILED', 'COMPLETED')` : Prisma.sql`"StatisticsExport".status = 'FAILED'`;
    const rows = await prisma.$queryRaw<{ shopId: string; date: Date; status: LedgerStatus }[]>`
      WITH due("shopId", date) AS (VALUES ${shopDayValues(slice)}),
      inserted AS (
        INSERT INTO "StatisticsExport" (id, "shopId", date, status, "startedAt")
        -- A shop deleted since it was listed has no row to record (its shop-day fails on its own).
        SELECT gen_random_uuid()::text, due."shopId", due.date, 'PENDING', now() FROM due JOIN "ShopCredential" shop ON shop.id = due."shopId"
        ON CONFLICT ("shopId", date) DO UPDATE SET status = 'PENDING', "completedAt" = NULL, attempts = 0, "stagedMetrics" = NULL, "metricsStagedAt" = NULL
          WHERE ${reopen}
        RETURNING "shopId", date, status
      )
      SELECT "shopId", date, status FROM inserted
      UNION ALL
      SELECT e."shopId", e.date, e.status FROM "StatisticsExport" e JOIN due USING ("shopId", date)
      WHERE NOT EXISTS (SELECT 1 FROM inserted i WHERE i."shopId" = e."shopId" AND i.date = e.date)`;
    for (const row of rows) if (row.status !== "COMPLETED") due.push({ shopId: row.shopId, day: formatDay(row.date) });
  }
  return due;
}

/**
 * Stages the day's metrics of its due shops on their ledger rows from one aggregate pass over the day's
 * events (a query per shop would re-read the day's events for each): each job then reads its shop's
 * slice. The pass goes through a file spool first because it holds a transaction open while it streams,
 * and the embedded database serves one transaction at a time: writes from another connection during it
 * would wait for it forever.
 */
export async function stageDayMetrics(prisma: PrismaClient, shopIds: string[], day: string): Promise<number> {
  const date = dayStart(day);
  // Rows staged by an earlier plan keep their slice: a rerun of the planner costs no second pass.
  const unstaged = (
    await prisma.statisticsExport.findMany({
      where: { shopId: { in: shopIds }, date, status: { not: "COMPLETED" }, metricsStagedAt: null },
      select: { shopId: true },
    })
  ).map((row) => row.shopId);
  if (unstaged.length === 0) return 0;
  const spool = await spoolDailyMetrics(prisma, unstaged, day);
  try {
    for (const shopId of unstaged) {
      const metrics = await spool.readDocument(shopId);
      await prisma.$executeRaw`
        UPDATE "StatisticsExport" SET "stagedMetrics" = ${metrics}, "metricsStagedAt" = now()
        WHERE "shopId" = ${shopId} AND date = ${date}::date AND status <> 'COMPLETED'`;
    }
  } finally {
    await spool.remove();
  }
  return unstaged.length;
}

/** The shop's staged slice of its day's metrics pass; undefined when none was staged (the job computes its own). */
export async function readStagedMetrics(prisma: PrismaClient, shopId: string, day: string): Promise<DailyMetrics | undefined> {
  const row = await prisma.statisticsExport.findUnique({ where: { shopId_date: { shopId, date: dayStart(day) } }, select: { stagedMetrics: true, metricsStagedAt: true } });
  if (!row?.metricsStagedAt) return undefined;
  return parseDailyMetrics(row.stagedMetrics ?? undefined);
}

export type AttemptStart = { started: true; exportId: string; attempt: number; bulkOperationId: string | null } | { started: false; rowCount: number };

/**
 * Starts an attempt: the row turns RUNNING with one more attempt. A COMPLETED shop-day is not started
 * again unless `force`.
 */
export async function startAttempt(prisma: PrismaClient, shopId: string, day: string, options: { force?: boolean } = {}): Promise<AttemptStart> {
  const date = dayStart(day);
  const force = Boolean(options.force);
  const [row] = await prisma.$queryRaw<{ id: string; attempts: number; bulkOperationId: string | null }[]>`
    INSERT INTO "StatisticsExport" (id, "shopId", date, status, attempts, "startedAt")
    VALUES (gen_random_uuid()::text, ${shopId}, ${date}::date, 'RUNNING', 1, now())
    ON CONFLICT ("shopId", date) DO UPDATE SET status = 'RUNNING', attempts = "StatisticsExport".attempts + 1, "startedAt" = now(), "completedAt" = NULL
      WHERE "StatisticsExport".status <> 'COMPLETED' OR ${force}
    RETURNING id, attempts, "bulkOperationId"`;
  if (row) return { started: true, exportId: row.id, attempt: row.attempts, bulkOperationId: row.bulkOperationId };
  const completed = await prisma.statisticsExport.findUniqueOrThrow({ where: { shopId_date: { shopId, date } }, select: { rowCount: true } });
  return { started: false, rowCount: completed.rowCount };
}

export interface CompletedAttempt {
  exportId: string;
  csvKey: string;
  jsonKey: string;
  rowCount: number;
  totals: Prisma.InputJsonValue;
  images: Prisma.InputJsonValue;
}

/** Completes a shop-day, inside the transaction that writes its rows (they commit together). */
export async function completeAttempt(tx: Db, completed: CompletedAttempt): Promise<void> {
  await tx.statisticsExport.update({
    where: { id: completed.exportId },
    data: {
      status: "COMPLETED",
      csvKey: completed.csvKey,
      jsonKey: completed.jsonKey,
      rowCount: completed.rowCount,
      totals: completed.totals,
      images: completed.images,
      error: null,
      stagedMetrics: null,
      bulkOperationId: null,
      completedAt: new Date(),
    },
  });
}

/**
 * Records an attempt's failure: FAILED when it was the last attempt, else PENDING again (a retry
 * follows), with the reason either way. A no-op when the shop-day completed meanwhile or a later
 * attempt has started. Returns whether the row changed.
 */
export async function failAttempt(prisma: PrismaClient, exportId: string, attempt: number, reason: string, options: { final: boolean }): Promise<boolean> {
  const status = options.final ? "FAILED" : "PENDING";
  const changed = await prisma.$executeRaw`
    UPDATE "StatisticsExport" SET status = ${status}::"ExportStatus", error = ${reason}
    WHERE id = ${exportId} AND status = 'RUNNING' AND attempts = ${attempt}`;
  return changed > 0;
}

/** Checkpoints the bulk operation reading the shop-day's catalog, for whichever attempt comes next. */
export async function checkpointBulkOperation(prisma: PrismaClient, exportId: string, attempt: number, bulkOperationId: string): Promise<void> {
  await prisma.$executeRaw`
    UPDATE "StatisticsExport" SET "bulkOperationId" = ${bulkOperationId}
    WHERE id = ${exportId} AND status = 'RUNNING' AND attempts = ${attempt}`;
}

/**
 * Pauses an attempt that ran out of its job's time while waiting on work that goes on without it (a
 * bulk operation): PENDING again, and the attempt does not count, since nothing failed; the checkpoint
 * stays for the next job. A no-op when another attempt has started or the shop-day completed.
 */
export async function pauseAttempt(prisma: PrismaClient, exportId: string, attempt: number): Promise<boolean> {
  const changed = await prisma.$executeRaw`
    UPDATE "StatisticsExport" SET status = 'PENDING', attempts = attempts - 1
    WHERE id = ${exportId} AND status = 'RUNNING' AND attempts = ${attempt}`;
  return changed > 0;
}

/**
 * Fails an unfinished shop-day that no attempt can finish any more (its retries ran out while its
 * worker was gone: killed, or past the invocation's limit). COMPLETED rows are left alone.
 */
export async function failAbandoned(prisma: PrismaClient, item: ShopDay, reason: string): Promise<boolean> {
  const changed = await prisma.$executeRaw`
    UPDATE "StatisticsExport" SET status = 'FAILED', error = ${reason}
    WHERE "shopId" = ${item.shopId} AND date = ${dayStart(item.day)}::date AND status IN ('PENDING', 'RUNNING')`;
  return changed > 0;
}

/** Ledger rows of shops in [from, to] (days), optionally only some statuses; oldest day first. */
export async function readLedger(
  prisma: PrismaClient,
  options: { shopIds?: string[]; from: string; to: string; statuses?: LedgerStatus[] },
): Promise<LedgerEntry[]> {
  const rows = await prisma.statisticsExport.findMany({
    where: {
      ...(options.shopIds ? { shopId: { in: options.shopIds } } : {}),
      date: { gte: dayStart(options.from), lte: dayStart(options.to) },
      ...(options.statuses ? { status: { in: options.statuses } } : {}),
    },
    select: { id: true, shopId: true, date: true, status: true, attempts: true, rowCount: true, error: true, startedAt: true, completedAt: true },
    orderBy: [{ date: "asc" }, { shopId: "asc" }],
  });
  return rows.map(({ date, ...row }) => ({ ...row, day: formatDay(date) }));
}
