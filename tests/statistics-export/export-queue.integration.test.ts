// The daily export fanned out on the job queue (pg-boss on the test database, in a schema of this file's
// own so other files' queues stay apart): the planner records every due shop-day in the ledger before
// any work and stages the day's metrics in one pass; drains export with bounded concurrency and budget;
// retries back off and end FAILED with the reason; concurrent drains never run a shop-day twice.
// Days are in 2030 so the drains' ledger reconciliation (the last 8 days) sees only this file's rows.
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { drainExportQueue, type DrainOptions } from "../../app/services/statistics-export/export-drain";
import { failAttempt, readLedger, startAttempt } from "../../app/services/statistics-export/export-ledger";
import { openExportQueue, type ExportQueue, type ExportRetryPolicy } from "../../app/services/statistics-export/export-queue";
import { planDailyExport, queueShopDays } from "../../app/services/statistics-export/plan-daily-export";
import { exportShopDay, type ExportDeps } from "../../app/services/statistics-export/statistics-export-orchestrator.service";
import { getObjectStore } from "../../app/storage.server";
import { startFakeAdminApi, type FakeAdminApi } from "../fake-shopify/fake-admin-api";
import { countingQueries, createExportShop, exportDeps, type ExportShop } from "../support/export-fixtures";

const NOW = new Date("2030-01-09T00:05:00Z");
let fake: FakeAdminApi;
const queues: ExportQueue[] = [];
const schema = `pgboss_test_${randomUUID().replaceAll("-", "").slice(0, 12)}`;

async function openQueue(policy: Partial<ExportRetryPolicy> = {}) {
  const queue = await openExportQueue(process.env.DATABASE_URL!, { schema, poolSize: 3, policy: { retryDelay: 1, retryDelayMax: 2, monitorIntervalSeconds: 1, ...policy } });
  queues.push(queue);
  return queue;
}

beforeAll(async () => {
  fake = await startFakeAdminApi({ costLimits: { maximumAvailable: 1_000_000, restoreRate: 1_000_000 } });
});
afterAll(async () => {
  await Promise.all(queues.map((queue) => queue.stop()));
  await prisma.$executeRawUnsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await fake.close();
});

const deps = (client: PrismaClient = prisma): ExportDeps => ({ ...exportDeps(prisma, fake, getObjectStore(), NOW), prisma: client });

async function addTraffic(shop: ExportShop, day: string) {
  const [first, second] = shop.catalog[0].variants;
  const at = new Date(`${day}T10:00:00Z`);
  const event = (eventId: string, arm: "CONTROL" | "TREATMENT", eventType: "IMPRESSION" | "ADD_TO_CART", variantId: string, visitorId: string) => ({
    shopId: shop.shopId,
    testId: shop.testId,
    arm,
    eventType,
    productId: shop.testedProductId,
    variantId,
    visitorId,
    eventId: `${eventId}-${day}`,
    occurredAt: at,
    createdAt: at,
  });
  await prisma.aBTestEvent.createMany({
    data: [event("i1", "CONTROL", "IMPRESSION", first.id, "v1"), event("i2", "TREATMENT", "IMPRESSION", second.id, "v2"), event("a1", "TREATMENT", "ADD_TO_CART", second.id, "v2")],
  });
}

async function exportedFiles(shopId: string, day: string) {
  const row = await prisma.statisticsExport.findUniqueOrThrow({ where: { shopId_date: { shopId, date: new Date(day) } } });
  const [csv, json] = await Promise.all([getObjectStore().get(row.csvKey!), getObjectStore().get(row.jsonKey!)]);
  return { csv: csv.body.toString(), json: json.body.toString() };
}

/** Drains until the queue holds nothing (retries included), at most `rounds` times. */
async function drainUntilEmpty(queue: ExportQueue, options: Omit<DrainOptions, "budgetMs"> & { budgetMs?: number }, rounds = 40) {
  const summaries = [];
  for (let round = 0; round < rounds; round++) {
    const summary = await drainExportQueue(deps(), queue, { budgetMs: 30_000, ...options });
    summaries.push(summary);
    if (summary.left.queued === 0 && summary.left.active === 0) break;
    // A retry waits out its backoff (seconds) before it can be taken.
    if (summary.taken === 0) await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return summaries;
}


describe("the planner", () => {
  it("GIVEN a shop WHEN the day is planned twice THEN its shop-day is PENDING with metrics staged before any work, and queued once", async () => {
    const day = "2030-01-01";
    const shop = await createExportShop(prisma, fake);
    await addTraffic(shop, day);
    const queue = await openQueue();

    const first = await planDailyExport(deps(), queue, { day, shopDomain: shop.shopDomain });
    const second = await planDailyExport(deps(), queue, { day, shopDomain: shop.shopDomain });

    expect(first).toMatchObject({ day, planned: 1, due: 1, enqueued: 1, staged: 1 });
    expect(second).toMatchObject({ day, planned: 1, due: 1, enqueued: 0, staged: 0 });
    const row = await prisma.statisticsExport.findUniqueOrThrow({ where: { shopId_date: { shopId: shop.shopId, date: new Date(day) } } });
    expect(row).toMatchObject({ status: "PENDING", attempts: 0, metricsStagedAt: expect.any(Date) });
    expect(JSON.parse(row.stagedMetrics!)).toBeTruthy();
    expect(fake.requests.filter((request) => request.shop === shop.shopDomain)).toHaveLength(0);
    expect(await queue.counts()).toEqual({ queued: 1, active: 0 });

    const [summary] = await drainUntilEmpty(queue, { concurrency: 1 });
    expect(summary).toMatchObject({ taken: 1, completed: 1, failed: 0 });
    const done = await prisma.statisticsExport.findUniqueOrThrow({ where: { id: row.id } });
    expect(done).toMatchObject({ status: "COMPLETED", attempts: 1, stagedMetrics: null, error: null });
  });

  it("GIVEN several shops' day planned THEN the jobs read their staged slices (no per-shop metrics query) and the files equal a single-shop export's", async () => {
    const day = "2030-01-02";
    const shops = [await createExportShop(prisma, fake, { seed: 21 }), await createExportShop(prisma, fake, { seed: 22 }), await createExportShop(prisma, fake, { seed: 23 })];
    for (const shop of shops) await addTraffic(shop, day);
    const queue = await openQueue();
    await queueShopDays(prisma, queue, shops.map((shop) => ({ shopId: shop.shopId, day })));

    const { counted, counter } = countingQueries(prisma);
    const summary = await drainExportQueue(deps(counted), queue, { budgetMs: 30_000, concurrency: 3 });

    expect(summary).toMatchObject({ taken: 3, completed: 3, failed: 0 });
    expect(counter.queries).toBe(0);
    for (const shop of shops) {
      const queued = await exportedFiles(shop.shopId, day);
      await exportShopDay(deps(), shop.shopId, day, { force: true });
      expect(await exportedFiles(shop.shopId, day)).toEqual(queued);
    }
  });
});

describe("drains", () => {
  it("GIVEN more due shop-days than one drain's budget THEN the first drain leaves the rest PENDING and queued, and further drains complete all, each once", async () => {
    const day = "2030-01-03";
    const shops = [];
    for (let i = 0; i < 5; i++) {
      const shop = await createExportShop(prisma, fake, { seed: 30 + i });
      // Every Admin API query of these shops takes 600 ms: a shop-day outlasts the 1 s budget's share.
      fake.injectFailures({ shop: shop.shopDomain, kind: "slow", delayMs: 600, times: 1000 });
      shops.push(shop);
    }
    const queue = await openQueue();
    await queueShopDays(prisma, queue, shops.map((shop) => ({ shopId: shop.shopId, day })));

    const first = await drainExportQueue(deps(), queue, { budgetMs: 1_000, concurrency: 1 });
    const afterFirst = await readLedger(prisma, { shopIds: shops.map((shop) => shop.shopId), from: day, to: day });

    expect(first.completed).toBeGreaterThanOrEqual(1);
    expect(first.completed).toBeLessThan(5);
    expect(first.left.queued).toBe(5 - first.completed);
    expect(afterFirst).toHaveLength(5);
    expect(afterFirst.filter((row) => row.status === "PENDING")).toHaveLength(5 - first.completed);

    const rest = await drainUntilEmpty(queue, { concurrency: 2, budgetMs: 1_000 });
    const ledger = await readLedger(prisma, { shopIds: shops.map((shop) => shop.shopId), from: day, to: day });
    expect(ledger.map((row) => [row.status, row.attempts])).toEqual(shops.map(() => ["COMPLETED", 1]));
    expect(first.taken + rest.reduce((sum, summary) => sum + summary.taken, 0)).toBe(5);
    fake.reset();
  }, 60_000);

  it("GIVEN three drains (own connections) at once over one day and the day planned twice concurrently THEN no shop-day runs twice, at once or at all", async () => {
    const day = "2030-01-04";
    const shops = [];
    for (let i = 0; i < 6; i++) {
      const shop = await createExportShop(prisma, fake, { seed: 40 + i });
      fake.injectFailures({ shop: shop.shopDomain, kind: "slow", delayMs: 100, times: 1000 });
      shops.push(shop);
    }
    const drainQueues = [await openQueue(), await openQueue(), await openQueue()];
    const items = shops.map((shop) => ({ shopId: shop.shopId, day }));
    const planned = await Promise.all([queueShopDays(prisma, drainQueues[0], items), queueShopDays(prisma, drainQueues[1], items)]);
    const running = new Map<string, number>();
    let overlaps = 0;
    const watched: ExportDeps = {
      ...deps(),
      async adminForShop(shopId) {
        const now = (running.get(shopId) ?? 0) + 1;
        running.set(shopId, now);
        if (now > 1) overlaps++;
        return deps().adminForShop(shopId);
      },
    };

    const summaries = await Promise.all(
      drainQueues.map((queue) =>
        drainExportQueue(watched, queue, { budgetMs: 30_000, concurrency: 2, onResult: (result) => running.set(result.shopId, (running.get(result.shopId) ?? 1) - 1) }),
      ),
    );

    expect(planned[0].enqueued + planned[1].enqueued).toBe(6);
    expect(overlaps).toBe(0);
    expect(summaries.reduce((sum, summary) => sum + summary.taken, 0)).toBe(6);
    const ledger = await readLedger(prisma, { shopIds: items.map((item) => item.shopId), from: day, to: day });
    expect(ledger.map((row) => [row.status, row.attempts])).toEqual(shops.map(() => ["COMPLETED", 1]));
    fake.reset();
  }, 60_000);

  it("GIVEN a shop failing every attempt THEN it is retried with backoff, ends FAILED with its reason after the last attempt, and the others complete", async () => {
    const day = "2030-01-05";
    const broken = await createExportShop(prisma, fake, { seed: 51 });
    const healthy = [await createExportShop(prisma, fake, { seed: 52 }), await createExportShop(prisma, fake, { seed: 53 })];
    fake.injectFailures({ shop: broken.shopDomain, kind: "throttled", times: 100_000 });
    const queue = await openQueue({ retryLimit: 2 });
    // The broken shop is queued first: it must not hold the others up.
    await queueShopDays(prisma, queue, [broken, ...healthy].map((shop) => ({ shopId: shop.shopId, day })));
    const attempts: { final: boolean; at: number }[] = [];

    const summaries = await drainUntilEmpty(queue, { concurrency: 1, onResult: (result) => result.shopId === broken.shopId && attempts.push({ final: result.final, at: Date.now() }) });

    const [failed, ...completed] = await readLedger(prisma, { shopIds: [broken.shopId], from: day, to: day }).then(async (rows) => [
      ...rows,
      ...(await readLedger(prisma, { shopIds: healthy.map((shop) => shop.shopId), from: day, to: day })),
    ]);
    expect(failed).toMatchObject({ status: "FAILED", attempts: 3, error: expect.stringMatching(/throttled/i) });
    expect(completed.map((row) => row.status)).toEqual(["COMPLETED", "COMPLETED"]);
    expect(attempts.map((attempt) => attempt.final)).toEqual([false, false, true]);
    // Backoff: each retry waited at least the first delay (1 s).
    expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(900);
    expect(summaries.reduce((sum, summary) => sum + summary.failed, 0)).toBe(1);
    expect(summaries.reduce((sum, summary) => sum + summary.retrying, 0)).toBe(2);
    fake.reset();
  }, 60_000);

  it("GIVEN an attempt presumed dead and a later one that completed WHEN the first fails late THEN the shop-day stays COMPLETED", async () => {
    const day = "2030-01-06";
    const shop = await createExportShop(prisma, fake, { seed: 61 });
    const stale = await startAttempt(prisma, shop.shopId, day);
    const completed = await exportShopDay(deps(), shop.shopId, day);

    const changed = stale.started && (await failAttempt(prisma, stale.exportId, stale.attempt, "late failure", { final: true }));
    const skipped = await exportShopDay(deps(), shop.shopId, day);

    expect(completed).toMatchObject({ status: "COMPLETED", attempt: 2 });
    expect(changed).toBe(false);
    expect(skipped.status).toBe("SKIPPED");
    const row = await prisma.statisticsExport.findUniqueOrThrow({ where: { shopId_date: { shopId: shop.shopId, date: new Date(day) } } });
    expect(row).toMatchObject({ status: "COMPLETED", error: null, attempts: 2 });
  });

  it("GIVEN ledger rows left without a job (a planner that died after the ledger; a last attempt killed) THEN a drain queues the first again and fails the second with why", async () => {
    const day = "2030-01-07";
    const orphan = await createExportShop(prisma, fake, { seed: 71 });
    const exhausted = await createExportShop(prisma, fake, { seed: 72 });
    const queue = await openQueue({ retryLimit: 1 });
    await prisma.statisticsExport.create({ data: { shopId: orphan.shopId, date: new Date(day), status: "PENDING" } });
    await prisma.statisticsExport.create({ data: { shopId: exhausted.shopId, date: new Date(day), status: "RUNNING", attempts: 2, error: "Error: socket hang up" } });

    const summary = await drainExportQueue(deps(), queue, { budgetMs: 30_000, concurrency: 1 });

    expect(summary).toMatchObject({ requeued: 1, taken: 1, completed: 1, failed: 1 });
    const [orphanRow, exhaustedRow] = await Promise.all(
      [orphan, exhausted].map((shop) => prisma.statisticsExport.findUniqueOrThrow({ where: { shopId_date: { shopId: shop.shopId, date: new Date(day) } } })),
    );
    expect(orphanRow.status).toBe("COMPLETED");
    expect(exhaustedRow).toMatchObject({ status: "FAILED", error: expect.stringMatching(/no attempt finished.*2 attempts.*socket hang up/) });
  });
});
