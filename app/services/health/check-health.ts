import type { PrismaClient } from "@prisma/client";
import type { ObjectStore } from "../storage/object-store";

export interface HealthReport {
  db: "ok" | "error";
  storage: "ok" | "error";
  errors?: { db?: string; storage?: string };
}

/** How long a report is reused: /healthz is public, and every object-store request is billed. */
export const HEALTH_CACHE_MS = 10_000;

/** Proves the database answers and the object store's bucket can be listed, each within `timeoutMs`. */
export async function checkHealth(prisma: PrismaClient, objects: ObjectStore, timeoutMs = 5000): Promise<HealthReport> {
  const [db, storage] = await Promise.allSettled([
    withTimeout(prisma.$queryRaw`SELECT 1`, timeoutMs),
    withTimeout(probeObjectStore(objects), timeoutMs),
  ]);
  const report: HealthReport = { db: db.status === "fulfilled" ? "ok" : "error", storage: storage.status === "fulfilled" ? "ok" : "error" };
  if (db.status === "rejected" || storage.status === "rejected") {
    report.errors = {
      db: db.status === "rejected" ? describe(db.reason) : undefined,
      storage: storage.status === "rejected" ? describe(storage.reason) : undefined,
    };
  }
  return report;
}

// Read-only: a listing proves the endpoint, the credentials and the bucket (a HEAD cannot: S3 answers
// a missing bucket and a missing key with the same bodiless 404). It writes nothing, so nothing is
// left behind and R2 bills no write.
async function probeObjectStore(objects: ObjectStore) {
  await objects.list("healthz/");
}

/**
 * Reuses one report for `ttlMs` and shares one check among concurrent callers, so a flood of public
 * calls costs at most one database query and one object-store request per window.
 */
export function createCachedHealthCheck(check: () => Promise<HealthReport>, options: { ttlMs?: number; now?: () => number } = {}) {
  const ttlMs = options.ttlMs ?? HEALTH_CACHE_MS;
  const now = options.now ?? Date.now;
  let cached: { report: Promise<HealthReport>; expires: number } | undefined;
  return (): Promise<HealthReport> => {
    if (!cached || now() >= cached.expires) {
      const entry = { report: check(), expires: Infinity };
      // The window starts when the answer arrives, so a slow check is not immediately repeated.
      entry.report.then(
        () => (entry.expires = now() + ttlMs),
        () => (cached = undefined),
      );
      cached = entry;
    }
    return cached.report;
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// Only the error's class and first line: health output is public and must not leak connection strings.
function describe(reason: unknown): string {
  const error = reason instanceof Error ? reason : new Error(String(reason));
  return `${error.name}: ${error.message.split("\n")[0].replace(/\w+:\/\/\S+/g, "<url>")}`;
}
