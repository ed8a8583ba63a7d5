import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { loader } from "../../app/routes/healthz";
import { checkHealth, createCachedHealthCheck, HEALTH_CACHE_MS, type HealthReport } from "../../app/services/health/check-health";
import type { ObjectStore } from "../../app/services/storage/object-store";
import { getObjectStore } from "../../app/storage.server";
import type { AppServer } from "../../scripts/lib/app-server";
import { startTestApp } from "../support/app-server";

const STORE_OPERATIONS = ["put", "get", "getStream", "head", "list", "delete", "deletePrefix"] as const;

/** The store with every operation counted, as R2 would bill them. */
function countingStore(inner: ObjectStore) {
  const calls: string[] = [];
  const store = { ...inner, kind: inner.kind, close: () => inner.close() } as ObjectStore;
  for (const operation of STORE_OPERATIONS) {
    (store as unknown as Record<string, unknown>)[operation] = (...args: unknown[]) => {
      calls.push(operation);
      return (inner[operation] as (...args: unknown[]) => unknown).apply(inner, args);
    };
  }
  return { store, calls };
}

describe("/healthz", () => {
  it("GIVEN a working database and object store THEN it answers 200 with both ok", async () => {
    const response = await loader();

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ db: "ok", storage: "ok" });
  });

  it("GIVEN an object store that fails THEN the report says so without leaking the endpoint", async () => {
    const failing = {
      ...getObjectStore(),
      list: async () => {
        throw new Error("connect ECONNREFUSED https://secret-account.r2.cloudflarestorage.com/bucket");
      },
    } as ObjectStore;

    const report = await checkHealth(prisma, failing);

    expect(report).toMatchObject({ db: "ok", storage: "error" });
    expect(report.errors?.storage).toContain("ECONNREFUSED");
    expect(report.errors?.storage).not.toContain("secret-account");
  });

  it("GIVEN an unreachable object store THEN the route answers 503 with Retry-After", async () => {
    const original = getObjectStore();
    globalThis.__abtObjectStore = { ...original, list: () => Promise.reject(new Error("connect ECONNREFUSED")) } as ObjectStore;
    globalThis.__abtHealthCheck = undefined;
    try {
      const response = await loader();

      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe(String(HEALTH_CACHE_MS / 1000));
      expect(await response.json()).toMatchObject({ db: "ok", storage: "error" });
    } finally {
      globalThis.__abtObjectStore = original;
      globalThis.__abtHealthCheck = undefined;
    }
  });

  it("GIVEN a check THEN the object store is only read: one listing, no write, get or delete", async () => {
    const { store, calls } = countingStore(getObjectStore());

    const report = await checkHealth(prisma, store);

    expect(report).toEqual({ db: "ok", storage: "ok" });
    expect(calls).toEqual(["list"]);
  });
});

describe("cached health check", () => {
  it("GIVEN concurrent and repeated calls within the window THEN one check; after it THEN one more", async () => {
    let clock = 0;
    let checks = 0;
    const cached = createCachedHealthCheck(
      async () => {
        checks++;
        return { db: "ok", storage: "ok" } satisfies HealthReport;
      },
      { ttlMs: 10_000, now: () => clock },
    );

    await Promise.all(Array.from({ length: 20 }, () => cached()));
    clock = 9_999;
    await cached();
    expect(checks).toBe(1);

    clock = 10_000;
    await cached();
    expect(checks).toBe(2);
  });

  it("GIVEN a failed report THEN it is cached too (an outage is not probed once per caller)", async () => {
    let clock = 0;
    let checks = 0;
    const cached = createCachedHealthCheck(
      async () => {
        checks++;
        return { db: "error", storage: "ok" } satisfies HealthReport;
      },
      { ttlMs: 10_000, now: () => clock },
    );

    expect(await cached()).toMatchObject({ db: "error" });
    clock = 5_000;
    expect(await cached()).toMatchObject({ db: "error" });
    expect(checks).toBe(1);
  });
});

describe("GET /healthz over HTTP", () => {
  let app: AppServer;
  let original: ObjectStore | undefined;
  let calls: string[];

  beforeAll(async () => {
    app = await startTestApp();
    // The app server runs in this process: its getObjectStore() and health cache are these globals.
    original = getObjectStore();
    const counting = countingStore(original);
    calls = counting.calls;
    globalThis.__abtObjectStore = counting.store;
    globalThis.__abtHealthCheck = undefined;
  }, 120_000);

  afterAll(async () => {
    globalThis.__abtObjectStore = original;
    globalThis.__abtHealthCheck = undefined;
    await app?.close();
  });

  it(`GIVEN 30 public calls (10 at once) within ${HEALTH_CACHE_MS / 1000} s THEN all 200 and one object-store read in all, never a write`, async () => {
    const statuses: number[] = [];
    for (let round = 0; round < 3; round++) {
      const responses = await Promise.all(Array.from({ length: 10 }, () => fetch(`${app.url}/healthz`)));
      for (const response of responses) {
        statuses.push(response.status);
        expect(response.headers.get("cache-control")).toBe("no-store");
        expect(await response.json()).toEqual({ db: "ok", storage: "ok" });
      }
    }

    expect(statuses).toEqual(Array(30).fill(200));
    expect(calls).toEqual(["list"]);
  });
});
