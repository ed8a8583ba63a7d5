// Large catalogs through Shopify bulk operations (issue #12 item 3), scaled down: a shop above the bulk
// threshold is exported from the bulk operation's JSONL with files byte-identical to the paged path; a
// shop-day whose bulk operation outlasts a job's budget continues across several drain jobs from the
// ledger's checkpoint (one bulk operation, attempts not used up); a bulk operation that FAILS is retried
// and ends the shop-day FAILED with its errorCode. Days are in 2031 and the queue has its own schema, so
// other files' rows and jobs stay apart.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { drainExportQueue, type DrainResult, type DrainSummary } from "../../app/services/statistics-export/export-drain";
import { openExportQueue, type ExportQueue } from "../../app/services/statistics-export/export-queue";
import { queueShopDays } from "../../app/services/statistics-export/plan-daily-export";
import { exportShopDay, type ExportDeps } from "../../app/services/statistics-export/statistics-export-orchestrator.service";
import { getObjectStore } from "../../app/storage.server";
import { startFakeAdminApi, type FakeAdminApi } from "../fake-shopify/fake-admin-api";
import { createExportShop, exportDeps, type ExportShop } from "../support/export-fixtures";

const NOW = new Date("2031-03-09T00:05:00Z");
const schema = `pgboss_bulk_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
let fake: FakeAdminApi;
let queue: ExportQueue;

beforeAll(async () => {
  fake = await startFakeAdminApi({ costLimits: { maximumAvailable: 1_000_000, restoreRate: 1_000_000 } });
  queue = await openExportQueue(process.env.DATABASE_URL!, { schema, poolSize: 3, policy: { retryLimit: 1, retryDelay: 1, retryDelayMax: 1, monitorIntervalSeconds: 1 } });
});
afterAll(async () => {
  await queue.stop();
  await prisma.$executeRawUnsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await fake.close();
});

const PAGED = { bulkThreshold: 1_000_000_000, bulkPollMs: 10 };
const BULK = { bulkThreshold: 20, bulkPollMs: 10 };
const deps = (catalog: ExportDeps["catalog"]): ExportDeps => ({ ...exportDeps(prisma, fake, getObjectStore(), NOW), catalog });

async function addTraffic(shop: ExportShop, day: string) {
  const at = new Date(`${day}T10:00:00Z`);
  await prisma.aBTestEvent.createMany({
    data: shop.catalog.flatMap((product, index) =>
      product.variants.map((variant, position) => ({
        shopId: shop.shopId,
        testId: shop.testId,
        arm: position % 2 === 0 ? ("CONTROL" as const) : ("TREATMENT" as const),
        eventType: "IMPRESSION" as const,
        productId: product.id,
        variantId: variant.id,
        visitorId: `v${index}-${position}`,
        eventId: `bulk-${shop.shopId}-${day}-${variant.id}`,
        occurredAt: at,
        createdAt: at,
      })),
    ),
  });
}

async function exportedFiles(shopId: string, day: string) {
  const row = await prisma.statisticsExport.findUniqueOrThrow({ where: { shopId_date: { shopId, date: new Date(day) } } });
  const [csv, json] = await Promise.all([getObjectStore().get(row.csvKey!), getObjectStore().get(row.jsonKey!)]);
  return { csv: csv.body.toString(), json: json.body.toString(), row };
}

const bulkRunsOf = (shop: ExportShop) => fake.requests.filter((request) => request.shop === shop.shopDomain && request.operationName === "BulkOperationRunQuery").length;

async function drainRounds(jobBudgetMs: number, rounds = 40) {
  const summaries: DrainSummary[] = [];
  const results: DrainResult[] = [];
  for (let round = 0; round < rounds; round++) {
    const summary = await drainExportQueue(deps(BULK), queue, { budgetMs: 5_000, jobBudgetMs, concurrency: 2, reconcileDays: 0, onResult: (result) => results.push(result) });
    summaries.push(summary);
    if (summary.left.queued === 0 && summary.left.active === 0) break;
    // A retry waits out its backoff (a second) before it can be taken.
    if (summary.taken === 0) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { summaries, results };
}

describe("statistics export through bulk operations", () => {
  it("GIVEN a shop above the bulk threshold THEN its shop-day is exported from one bulk operation with files byte-identical to the paged path", async () => {
    const shop = await createExportShop(prisma, fake, { products: 14, variantsPerProduct: 3, seed: 41 });
    const day = "2031-03-01";
    await addTraffic(shop, day);

    const paged = await exportShopDay(deps(PAGED), shop.shopId, day);
    const pagedFiles = await exportedFiles(shop.shopId, day);
    const bulk = await exportShopDay(deps(BULK), shop.shopId, day, { force: true });
    const bulkFiles = await exportedFiles(shop.shopId, day);

    expect([paged.status, bulk.status]).toEqual(["COMPLETED", "COMPLETED"]);
    expect(bulk.rows).toBe(paged.rows);
    expect(bulk.rows).toBeGreaterThanOrEqual(42);
    expect(bulkRunsOf(shop)).toBe(1);
    expect(bulkFiles.csv).toBe(pagedFiles.csv);
    expect(bulkFiles.json).toBe(pagedFiles.json);
    expect(bulkFiles.row.bulkOperationId).toBeNull();
  });

  it("GIVEN a bulk operation slower than a job's budget THEN the shop-day completes across several drain jobs from its checkpoint, each within the budget, with files identical to the paged path", async () => {
    const shop = await createExportShop(prisma, fake, { products: 12, variantsPerProduct: 2, seed: 42 });
    const day = "2031-03-02";
    await addTraffic(shop, day);
    fake.getShop(shop.shopDomain).bulkDurationMs = 700;
    await queueShopDays(prisma, queue, [{ shopId: shop.shopId, day }]);

    const { summaries, results } = await drainRounds(100);

    const paused = results.filter((result) => result.status === "DEFERRED");
    expect(paused.length).toBeGreaterThanOrEqual(2);
    // The budget plus one poll and the bookkeeping around it.
    for (const result of paused) expect(result.durationMs).toBeLessThan(100 + 400);
    expect(results.at(-1)?.status).toBe("COMPLETED");
    expect(summaries.reduce((sum, summary) => sum + summary.paused, 0)).toBe(paused.length);
    expect(bulkRunsOf(shop)).toBe(1);
    const bulkFiles = await exportedFiles(shop.shopId, day);
    expect(bulkFiles.row).toMatchObject({ status: "COMPLETED", attempts: 1, bulkOperationId: null });

    await exportShopDay(deps(PAGED), shop.shopId, day, { force: true });
    const pagedFiles = await exportedFiles(shop.shopId, day);
    expect(bulkFiles.csv).toBe(pagedFiles.csv);
    expect(bulkFiles.json).toBe(pagedFiles.json);
  });

  it("GIVEN the bulk operation fails on Shopify every time THEN the job is retried with a new operation and the shop-day ends FAILED with the errorCode", async () => {
    const shop = await createExportShop(prisma, fake, { products: 12, variantsPerProduct: 2, seed: 43 });
    const day = "2031-03-03";
    fake.getShop(shop.shopDomain).bulkFailures.push("INTERNAL_SERVER_ERROR", "INTERNAL_SERVER_ERROR");
    await queueShopDays(prisma, queue, [{ shopId: shop.shopId, day }]);

    const { results } = await drainRounds(5_000);

    expect(results.map((result) => [result.status, result.final])).toEqual([
      ["FAILED", false],
      ["FAILED", true],
    ]);
    expect(bulkRunsOf(shop)).toBe(2);
    const row = await prisma.statisticsExport.findUniqueOrThrow({ where: { shopId_date: { shopId: shop.shopId, date: new Date(day) } } });
    expect(row).toMatchObject({ status: "FAILED", attempts: 2 });
    expect(row.error).toMatch(/bulk operation gid:\/\/shopify\/BulkOperation\/\d+ ended FAILED \(errorCode INTERNAL_SERVER_ERROR\)/);
  });
});
