// The export job queue: pg-boss on the app's own database (schema `pgboss`, installed by pg-boss on
// start), one job per shop-day (docs/decisions/009-export-job-queue.md). The queue's policy is
// `exclusive`: at most one job per shop-day key is queued or running at a time, so enqueueing a
// shop-day twice (an overlapping planner, a drain's reconciliation) adds nothing, and two workers can
// never run one shop-day at once. The retry policy lives here and nowhere else.
import { PgBoss, type Job, type JobWithMetadata } from "pg-boss";
import type { ShopDay } from "./export-ledger";

export const EXPORT_QUEUE = "statistics-export";

export interface ExportRetryPolicy {
  /** Retries after the first attempt; the shop-day is FAILED after 1 + retryLimit attempts. */
  retryLimit: number;
  /** Seconds before the first retry; doubled (with jitter) for each later one, up to retryDelayMax. */
  retryDelay: number;
  retryDelayMax: number;
  /**
   * Seconds an attempt may run before it is presumed dead (a worker killed, an invocation past its
   * limit) and retried: above the drain's 300 s function limit, so a live attempt is never retried
   * under its own feet.
   */
  expireInSeconds: number;
  /** How often (seconds) expired attempts are looked for; each drain also looks when it starts. */
  monitorIntervalSeconds: number;
}

export const EXPORT_RETRY_POLICY: ExportRetryPolicy = {
  retryLimit: 4,
  retryDelay: 60,
  retryDelayMax: 1800,
  expireInSeconds: 330,
  monitorIntervalSeconds: 60,
};

export interface ExportJobData extends ShopDay {
  force?: boolean;
}

export type ExportJob = JobWithMetadata<ExportJobData>;

export interface ExportQueue {
  /** Adds one job per shop-day not already queued or running; returns how many were added. */
  enqueue(items: ShopDay[], options?: { force?: boolean }): Promise<number>;
  /** Takes up to `count` jobs whose time has come (each is then RUNNING for its taker alone). */
  take(count: number): Promise<ExportJob[]>;
  complete(job: ExportJob): Promise<void>;
  /** Fails the attempt; pg-boss retries it with backoff unless it was the last. */
  fail(job: ExportJob, reason: string): Promise<void>;
  /** Retries (or fails, after the last attempt) jobs whose attempt outlived expireInSeconds. */
  supervise(): Promise<void>;
  /** Shop-day keys with a job queued, waiting for a retry, or running. */
  liveKeys(): Promise<Set<string>>;
  counts(): Promise<{ queued: number; active: number }>;
  policy: ExportRetryPolicy;
  stop(): Promise<void>;
}

export const shopDayKey = (item: ShopDay) => `${item.shopId}|${item.day}`;

export const isLastAttempt = (job: ExportJob) => job.retryCount >= job.retryLimit;

export interface OpenExportQueueOptions {
  poolSize?: number;
  policy?: Partial<ExportRetryPolicy>;
  /** pg-boss's schema; `pgboss` unless a test keeps its queue apart from others on one database. */
  schema?: string;
}

export async function openExportQueue(databaseUrl: string, options: OpenExportQueueOptions = {}): Promise<ExportQueue> {
  const policy = { ...EXPORT_RETRY_POLICY, ...options.policy };
  const schema = options.schema ?? "pgboss";
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid queue schema ${schema}`);
  const boss = new PgBoss({
    connectionString: databaseUrl,
    schema,
    max: options.poolSize ?? 4,
    // Maintenance runs when a drain or worker asks (supervise()): a serverless invocation must not
    // leave timers behind, and a long-running worker calls it on its own schedule.
    supervise: false,
    schedule: false,
    registerInstance: false,
    monitorIntervalSeconds: policy.monitorIntervalSeconds,
  });
  // A pool error (the database restarting) must not crash the process; the next call reports it.
  boss.on("error", (error) => console.error(JSON.stringify({ event: "export_queue_error", error: String(error) })));
  await boss.start();
  const queueOptions = {
    retryLimit: policy.retryLimit,
    retryDelay: policy.retryDelay,
    retryBackoff: true,
    expireInSeconds: policy.expireInSeconds,
    // Completed and failed jobs are history the ledger already keeps.
    deleteAfterSeconds: 7 * 86_400,
  };
  if (!(await boss.getQueue(EXPORT_QUEUE))) {
    await boss.createQueue(EXPORT_QUEUE, { policy: "exclusive", ...queueOptions, retryDelayMax: policy.retryDelayMax }).catch(async (error: unknown) => {
      // Another process created it between the check and here.
      if (!(await boss.getQueue(EXPORT_QUEUE))) throw error;
    });
  }
  await boss.updateQueue(EXPORT_QUEUE, queueOptions);

  return {
    policy,
    async enqueue(items, { force = false } = {}) {
      let added = 0;
      for (let offset = 0; offset < items.length; offset += 500) {
        const jobs = items.slice(offset, offset + 500).map((item) => ({
          data: { shopId: item.shopId, day: item.day, ...(force ? { force } : {}) },
          singletonKey: shopDayKey(item),
          retryDelayMax: policy.retryDelayMax,
        }));
        added += (await boss.insert(EXPORT_QUEUE, jobs, { returnId: true }))?.length ?? 0;
      }
      return added;
    },
    async take(count) {
      return (await boss.fetch<ExportJobData>(EXPORT_QUEUE, { batchSize: count, includeMetadata: true })) as ExportJob[];
    },
    async complete(job) {
      await boss.complete(EXPORT_QUEUE, { id: job.id, retryCount: job.retryCount });
    },
    async fail(job, reason) {
      await boss.fail(EXPORT_QUEUE, { id: job.id, retryCount: job.retryCount }, { reason });
    },
    supervise: () => boss.supervise(EXPORT_QUEUE),
    async liveKeys() {
      const { rows } = await boss
        .getDb()
        .executeSql(`SELECT singleton_key AS key FROM ${schema}.job WHERE name = $1 AND state IN ('created', 'retry', 'active')`, [EXPORT_QUEUE]);
      return new Set((rows as { key: string }[]).map((row) => row.key));
    },
    async counts() {
      // Read directly: the queue's cached counts are refreshed by monitor passes only.
      const { rows } = await boss
        .getDb()
        .executeSql(`SELECT count(*) FILTER (WHERE state IN ('created', 'retry'))::int AS queued, count(*) FILTER (WHERE state = 'active')::int AS active FROM ${schema}.job WHERE name = $1`, [
          EXPORT_QUEUE,
        ]);
      const [row] = rows as { queued: number; active: number }[];
      return { queued: row?.queued ?? 0, active: row?.active ?? 0 };
    },
    stop: () => boss.stop({ graceful: false, timeout: 5_000 }),
  };
}

export type { Job };
