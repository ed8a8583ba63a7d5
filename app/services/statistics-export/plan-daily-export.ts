// The daily planner (what the cron route runs): records yesterday's shop-day of every ACTIVE shop —
// and the unfinished shop-days of the days before, within the catch-up window — as due in the ledger,
// stages each day's metrics for its due shops from one pass over the day's events, and enqueues one
// job per shop-day. It exports nothing itself, so it returns in seconds whatever the shop count;
// workers (export-drain.ts) do the exports.
import type { PrismaClient } from "@prisma/client";
import { addDays, yesterday } from "../../lib/days";
import { findActiveShops } from "../shopify/find-active-shops";
import { readLedger, recordDueShopDays, stageDayMetrics, type ShopDay } from "./export-ledger";
import type { ExportQueue } from "./export-queue";
import { describeFailure } from "./statistics-export-orchestrator.service";

export interface PlanOptions {
  /** The day to plan; yesterday (by the clock) when absent, with catch-up of the days before. */
  day?: string;
  shopDomain?: string;
  /** Days before `day` whose unfinished (PENDING, RUNNING, FAILED) shop-days are planned again. */
  catchUpDays?: number;
  force?: boolean;
}

export interface PlanSummary {
  day: string;
  /** Shop-days looked at: the day's shops plus unfinished ones of the catch-up days. */
  planned: number;
  /** Of those, not COMPLETED (now PENDING or RUNNING in the ledger). */
  due: number;
  /** Jobs added (a shop-day already queued or running is not added twice). */
  enqueued: number;
  /** Shop-days whose metrics this plan staged (one pass per day). */
  staged: number;
  unknownDomains: string[];
}

export async function planDailyExport(
  deps: { prisma: PrismaClient; now(): Date },
  queue: Pick<ExportQueue, "enqueue">,
  options: PlanOptions = {},
): Promise<PlanSummary> {
  const { prisma } = deps;
  const { catchUpDays = 7, force = false } = options;
  const day = options.day ?? yesterday(deps.now());
  const { shops, unknownDomains } = await findActiveShops(prisma, options.shopDomain ? [options.shopDomain] : undefined);
  const shopIds = shops.map((shop) => shop.id);
  // A named day is a targeted rerun (?date=); the scheduled run also picks up what earlier days left.
  const unfinished =
    options.day || catchUpDays === 0 || shopIds.length === 0
      ? []
      : await readLedger(prisma, { shopIds, from: addDays(day, -catchUpDays), to: addDays(day, -1), statuses: ["PENDING", "RUNNING", "FAILED"] });
  const work: ShopDay[] = [...unfinished.map(({ shopId, day }) => ({ shopId, day })), ...shopIds.map((shopId) => ({ shopId, day }))];
  const queued = await queueShopDays(prisma, queue, work, { force });
  return { day, planned: work.length, ...queued, unknownDomains };
}

/**
 * Records shop-days due in the ledger (before anything else), stages each day's metrics for its due
 * shops from one pass, and enqueues a job per due shop-day: the planner's and the backfill's path.
 */
export async function queueShopDays(
  prisma: PrismaClient,
  queue: Pick<ExportQueue, "enqueue">,
  work: ShopDay[],
  options: { force?: boolean } = {},
): Promise<{ due: number; enqueued: number; staged: number }> {
  const due = await recordDueShopDays(prisma, work, options);
  let staged = 0;
  const dueByDay = new Map<string, string[]>();
  for (const item of due) dueByDay.set(item.day, [...(dueByDay.get(item.day) ?? []), item.shopId]);
  for (const [day, shopIds] of dueByDay) {
    try {
      staged += await stageDayMetrics(prisma, shopIds, day);
    } catch (error) {
      // Not fatal: a job without a staged slice computes its shop's metrics itself.
      console.error(JSON.stringify({ event: "statistics_metrics_stage_failed", day, shops: shopIds.length, error: describeFailure(error) }));
    }
  }
  const enqueued = await queue.enqueue(due, options);
  return { due: due.length, enqueued, staged };
}
