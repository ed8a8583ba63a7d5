// Group commit for tracked events: concurrent requests share one multi-row
// INSERT … ON CONFLICT DO NOTHING, so throughput grows with load instead of paying one round trip and
// one commit per request. A request is answered only after the INSERT that holds its rows commits.
//
// Failure rules (issue #9): the queue is bounded in rows and in waiting time, so a slow or absent
// database sheds load (`DatabaseUnavailableError` → 503) instead of piling up requests that are
// answered late or never; and a merged INSERT that fails on its data is retried in parts (halves,
// then quarters…), so only the request whose rows Postgres refuses gets an error (`RowsRejectedError`).
import type pg from "pg";
import { eventColumnArrays, INSERT_EVENTS_SQL, type EventRow } from "./event-columns";
import { DatabaseUnavailableError, isDataError, RowsRejectedError } from "./tracking-errors";

export type { EventRow } from "./event-columns";

export interface EventWriter {
  /** Resolves, once committed, with `true` for each row stored and `false` for each duplicate. */
  write(rows: EventRow[]): Promise<boolean[]>;
}

export interface EventWriterOptions {
  /** INSERTs in flight at once; further submissions queue and are merged into the next one. */
  maxInFlight?: number;
  maxRowsPerInsert?: number;
  /** Rows waiting for an INSERT; a submission that would pass this is refused at once. */
  maxQueuedRows?: number;
  /** How long a submission may wait for its INSERT to start; past it, it is refused unsent. */
  maxQueueWaitMs?: number;
  now?: () => number;
}

interface Submission {
  rows: EventRow[];
  enqueuedAt: number;
  resolve(stored: boolean[]): void;
  reject(error: unknown): void;
}

// Built once at module load: the shared column list, plus which rows were new (duplicates are not returned).
const INSERT_SQL = `${INSERT_EVENTS_SQL}
  RETURNING "shopId", "eventId"`;

const keyOf = (row: Pick<EventRow, "shopId" | "eventId">) => `${row.shopId}\u0000${row.eventId}`;

export function createEventWriter(pool: pg.Pool, options: EventWriterOptions = {}): EventWriter {
  const { maxInFlight = 4, maxRowsPerInsert = 2000, maxQueuedRows = 20_000, maxQueueWaitMs = 2_000 } = options;
  const now = options.now ?? Date.now;
  const queue: Submission[] = [];
  let queuedRows = 0;
  let inFlight = 0;
  let sweepTimer: ReturnType<typeof setTimeout> | undefined;

  function takeBatch(): Submission[] {
    const batch: Submission[] = [];
    let rows = 0;
    while (queue.length > 0 && (batch.length === 0 || rows + queue[0].rows.length <= maxRowsPerInsert)) {
      const next = queue.shift()!;
      rows += next.rows.length;
      batch.push(next);
    }
    queuedRows -= rows;
    return batch;
  }

  // Submissions queue in arrival order, so the expired ones are always at the head. One timer for the
  // head (not one per request) keeps the hot path cheap.
  function armSweep() {
    if (sweepTimer !== undefined || queue.length === 0) return;
    sweepTimer = setTimeout(sweep, Math.max(0, queue[0].enqueuedAt + maxQueueWaitMs - now()));
    sweepTimer.unref?.();
  }

  function sweep() {
    sweepTimer = undefined;
    const deadline = now() - maxQueueWaitMs;
    while (queue.length > 0 && queue[0].enqueuedAt <= deadline) {
      const expired = queue.shift()!;
      queuedRows -= expired.rows.length;
      expired.reject(new DatabaseUnavailableError(`waited over ${maxQueueWaitMs} ms for the database`));
    }
    armSweep();
  }

  async function flush() {
    inFlight++;
    try {
      while (queue.length > 0) await insertIsolating(takeBatch(), { outage: null });
    } finally {
      inFlight--;
    }
  }

  // A merged statement that fails on its data rolled back as a whole, so nothing of it is stored yet:
  // its halves are retried apart, down to the single submission whose rows Postgres refuses (about
  // 2·log₂(n) statements for one bad submission among n). ON CONFLICT keeps every retry exactly-once.
  // Once the database itself fails, the rest is refused at once rather than waiting out each timeout.
  async function insertIsolating(batch: Submission[], state: { outage: Error | null }): Promise<void> {
    if (state.outage) {
      for (const submission of batch) submission.reject(state.outage);
      return;
    }
    try {
      const stored = await insertBatch(pool, batch.flatMap((submission) => submission.rows));
      let offset = 0;
      for (const submission of batch) {
        submission.resolve(stored.slice(offset, offset + submission.rows.length));
        offset += submission.rows.length;
      }
    } catch (error) {
      if (isDataError(error) && batch.length > 1) {
        const middle = Math.ceil(batch.length / 2);
        await insertIsolating(batch.slice(0, middle), state);
        await insertIsolating(batch.slice(middle), state);
        return;
      }
      const failure = describeFailure(error);
      if (failure instanceof DatabaseUnavailableError) state.outage = failure;
      for (const submission of batch) submission.reject(failure);
    }
  }

  return {
    write(rows) {
      if (rows.length === 0) return Promise.resolve([]);
      // An invalid Date would throw while the merged INSERT is built and fail every request in it.
      if (rows.some((row) => Number.isNaN(row.occurredAt.getTime()) || Number.isNaN(row.createdAt.getTime()))) {
        return Promise.reject(new RowsRejectedError("22007", "invalid timestamp"));
      }
      if (queuedRows + rows.length > maxQueuedRows && queue.length > 0) {
        return Promise.reject(new DatabaseUnavailableError(`write queue full (${queuedRows} rows waiting)`));
      }
      return new Promise<boolean[]>((resolve, reject) => {
        queue.push({ rows, enqueuedAt: now(), resolve, reject });
        queuedRows += rows.length;
        if (inFlight < maxInFlight) void flush();
        else armSweep();
      });
    },
  };
}

function describeFailure(error: unknown): Error {
  if (isDataError(error)) return new RowsRejectedError(error.code, error.message, { cause: error });
  return new DatabaseUnavailableError((error as Error)?.message ?? String(error), { cause: error });
}

/** Inserts rows, reporting per row whether it was stored; within the batch the first copy of a key wins. */
async function insertBatch(pool: pg.Pool, rows: EventRow[]): Promise<boolean[]> {
  const firstIndex = new Map<string, number>();
  rows.forEach((row, index) => {
    if (!firstIndex.has(keyOf(row))) firstIndex.set(keyOf(row), index);
  });
  // Key order makes concurrent batches that share events (resends) wait on each other instead of
  // deadlocking; the rollup trigger locks its rows in key order too.
  const unique = [...firstIndex.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, index]) => rows[index]);
  const result = await queryRetryingDeadlocks(pool, eventColumnArrays(unique));
  const inserted = new Set(result.rows.map(keyOf));
  return rows.map((row, index) => firstIndex.get(keyOf(row)) === index && inserted.has(keyOf(row)));
}

/** A deadlock rolls the whole statement back, and ON CONFLICT makes the retry exactly-once. */
async function queryRetryingDeadlocks(pool: pg.Pool, columns: unknown[][], attempts = 3) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await pool.query<{ shopId: string; eventId: string }>(INSERT_SQL, columns);
    } catch (error) {
      if (attempt >= attempts || (error as { code?: string }).code !== "40P01") throw error;
    }
  }
}
