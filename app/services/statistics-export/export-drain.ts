// Drains the export queue with bounded concurrency for a bounded time: what the drain route (a Vercel
// cron every few minutes), `npm run worker` and the demo run. Safe as many concurrent drains: pg-boss
// hands each job to one taker (SKIP LOCKED), and the queue's exclusive policy keeps one job per
// shop-day, so no shop-day runs twice at once. A drain stops taking jobs after its budget and finishes
// those it has; what is left waits for the next drain.
import { addDays, formatDay } from "../../lib/days";
import { failAbandoned, readLedger, readStagedMetrics } from "./export-ledger";
import { isLastAttempt, shopDayKey, type ExportJob, type ExportQueue } from "./export-queue";
import { describeFailure, exportShopDay, type ExportDeps, type ShopDayResult } from "./statistics-export-orchestrator.service";

export interface DrainOptions {
  /** Take no new job after this many ms (jobs taken run to their end). */
  budgetMs: number;
  /**
   * A job's own time: past it, a job waiting on a running bulk operation returns its shop-day to the
   * queue (not counted as an attempt) and the next job continues from the ledger's checkpoint.
   */
  jobBudgetMs?: number;
  /** Jobs run at once by this drain. */
  concurrency: number;
  /** Days back (from today) in which unfinished ledger rows without a job are found again; 0: none. */
  reconcileDays?: number;
  signal?: AbortSignal;
  onResult?(result: DrainResult): void;
}

export interface DrainResult extends ShopDayResult {
  /** Whether a failure was the last attempt (the shop-day is FAILED) or a retry follows. */
  final: boolean;
}

export interface DrainSummary {
  taken: number;
  completed: number;
  skipped: number;
  /** Jobs that ran out of their time waiting on a bulk operation: their shop-day was queued again. */
  paused: number;
  /** Attempts that failed with a retry to come. */
  retrying: number;
  /** Shop-days FAILED for good: their last attempt failed, or no attempt finished within the retries. */
  failed: number;
  /** Unfinished ledger rows that had lost their job and were queued again. */
  requeued: number;
  /** Jobs still queued or running (in any drain) when this one stopped. */
  left: { queued: number; active: number };
  durationMs: number;
}

/**
 * Finds unfinished shop-days (PENDING or RUNNING) that have no live job — the planner died between the
 * ledger and the queue, or a job's last attempt was killed — and queues them again, or, when the
 * ledger shows their attempts are used up, records them FAILED with why. Nothing is left hanging.
 */
async function reconcileLedger(deps: ExportDeps, queue: ExportQueue, days: number): Promise<{ requeued: number; failed: number }> {
  const today = formatDay(deps.now());
  const unfinished = await readLedger(deps.prisma, { from: addDays(today, -days), to: today, statuses: ["PENDING", "RUNNING"] });
  if (unfinished.length === 0) return { requeued: 0, failed: 0 };
  const live = await queue.liveKeys();
  const orphans = unfinished.filter((row) => !live.has(shopDayKey(row)));
  const maxAttempts = queue.policy.retryLimit + 1;
  let failed = 0;
  for (const row of orphans.filter((row) => row.attempts >= maxAttempts)) {
    const reason = `no attempt finished: the last of ${row.attempts} attempts stopped without a result (worker killed or past its time limit)${row.error ? `; earlier: ${row.error}` : ""}`;
    if (await failAbandoned(deps.prisma, row, reason.slice(0, 2000))) failed++;
  }
  const requeued = await queue.enqueue(orphans.filter((row) => row.attempts < maxAttempts));
  return { requeued, failed };
}

/** A job's default time: well inside the drain route's function limit (300 s) with the drain's own budget. */
export const DEFAULT_JOB_BUDGET_MS = 120_000;

export async function drainExportQueue(deps: ExportDeps, queue: ExportQueue, options: DrainOptions): Promise<DrainSummary> {
  const started = Date.now();
  const summary = { taken: 0, completed: 0, skipped: 0, paused: 0, retrying: 0, failed: 0, requeued: 0 };
  // Attempts that outlived their expiry (a killed worker) go back to the queue (or fail) first.
  await queue.supervise();
  const reconcileDays = options.reconcileDays ?? 8;
  const reconciled = reconcileDays > 0 ? await reconcileLedger(deps, queue, reconcileDays) : { requeued: 0, failed: 0 };
  summary.requeued = reconciled.requeued;
  summary.failed += reconciled.failed;

  const runJob = async (job: ExportJob) => {
    const { shopId, day, force } = job.data;
    const final = isLastAttempt(job);
    let result: ShopDayResult;
    try {
      result = await exportShopDay(deps, shopId, day, {
        force,
        finalAttempt: final,
        metrics: () => readStagedMetrics(deps.prisma, shopId, day),
        deadline: Date.now() + (options.jobBudgetMs ?? DEFAULT_JOB_BUDGET_MS),
      });
    } catch (error) {
      // Before the ledger could record the attempt (e.g. the database was away): the queue retries it.
      result = { shopId, shop: shopId, day, status: "FAILED", rows: 0, durationMs: 0, error: describeFailure(error) };
    }
    if (result.status === "DEFERRED") {
      // Completed and queued afresh rather than failed: waiting is not a failure, and the retry count
      // (with its backoff) stays for real ones. The queue's exclusive policy admits the new job now
      // that this one is done.
      await queue.complete(job);
      await queue.enqueue([{ shopId, day }], { force });
      summary.paused++;
    } else if (result.status === "FAILED") {
      await queue.fail(job, result.error ?? "failed");
      if (final) summary.failed++;
      else summary.retrying++;
    } else {
      await queue.complete(job);
      if (result.status === "SKIPPED") summary.skipped++;
      else summary.completed++;
    }
    options.onResult?.({ ...result, final });
  };

  const takeMore = () => Date.now() - started < options.budgetMs && !options.signal?.aborted;
  const slot = async () => {
    while (takeMore()) {
      const [job] = await queue.take(1);
      if (!job) return;
      summary.taken++;
      await runJob(job);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, slot));
  return { ...summary, left: await queue.counts(), durationMs: Date.now() - started };
}
