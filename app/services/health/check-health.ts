import type { PrismaClient } from "@prisma/client";
import type { ObjectStore } from "../storage/object-store";

export interface HealthReport {
  db: "ok" | "error";
  storage: "ok" | "error";
  errors?: { db?: string; storage?: string };
}

/** Proves the database answers and the object store round-trips a write, each within `timeoutMs`. */
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

async function probeObjectStore(objects: ObjectStore) {
  const key = `healthz/probe-${process.pid}`;
  await objects.put(key, "ok", { contentType: "text/plain" });
  const { body } = await objects.get(key);
  if (body.toString("utf8") !== "ok") throw new Error("object store returned different bytes");
  await objects.delete(key);
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
