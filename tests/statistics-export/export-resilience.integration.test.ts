// Reruns, failures and scale: byte-identical reruns, R2 500s and Shopify throttling retried and, when
// persistent, isolated to the failing shop-day; a 600-product catalog exported in full.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { randomUUID } from "node:crypto";
import { drainExportQueue } from "../../app/services/statistics-export/export-drain";
import { openExportQueue } from "../../app/services/statistics-export/export-queue";
import { planDailyExport } from "../../app/services/statistics-export/plan-daily-export";
import { exportShopDay } from "../../app/services/statistics-export/statistics-export-orchestrator.service";
import { createS3ObjectStore } from "../../app/services/storage/s3-object-store";
import { startFaultInjectingProxy, startS3rver, type FaultInjectingProxy, type S3TestServer } from "../support/s3-test-servers";
import { getObjectStore } from "../../app/storage.server";
import { startFakeAdminApi, type FakeAdminApi } from "../fake-shopify/fake-admin-api";
import { createExportShop, exportDeps } from "../support/export-fixtures";

const DAY = "2026-11-23";
let fake: FakeAdminApi;
let s3: S3TestServer;
let proxy: FaultInjectingProxy;

beforeAll(async () => {
  fake = await startFakeAdminApi({ costLimits: { maximumAvailable: 1_000_000, restoreRate: 1_000_000 } });
  s3 = await startS3rver();
  proxy = await startFaultInjectingProxy(s3.endpoint);
}, 60_000);
afterAll(async () => {
  await fake.close();
  await proxy.close();
  await s3.close();
});

async function addEvent(shopId: string, testId: string, productId: string, variantId: string, eventId: string) {
  await prisma.aBTestEvent.create({
    data: { shopId, testId, arm: "TREATMENT", eventType: "IMPRESSION", productId, variantId, visitorId: "v", eventId, occurredAt: new Date(`${DAY}T10:00:00Z`), createdAt: new Date(`${DAY}T10:00:00Z`) },
  });
}

describe("daily export: reruns and failures", () => {
  it("GIVEN a COMPLETED shop-day WHEN exported again THEN it is skipped, and a forced rerun yields the same rows and byte-identical files", async () => {
    const shop = await createExportShop(prisma, fake);
    await addEvent(shop.shopId, shop.testId, shop.testedProductId, shop.catalog[0].variants[0].id, "e1");
    const deps = exportDeps(prisma, fake, getObjectStore());

    const first = await exportShopDay(deps, shop.shopId, DAY);
    const row = await prisma.statisticsExport.findUniqueOrThrow({ where: { shopId_date: { shopId: shop.shopId, date: new Date(DAY) } } });
    const [csv1, json1] = await Promise.all([getObjectStore().get(row.csvKey!), getObjectStore().get(row.jsonKey!)]);
    const rows1 = await prisma.variantDailyStatistics.findMany({ where: { shopId: shop.shopId }, orderBy: [{ productId: "asc" }, { variantId: "asc" }, { arm: "asc" }], omit: { id: true } });

    const skipped = await exportShopDay(deps, shop.shopId, DAY);
    const forced = await exportShopDay(deps, shop.shopId, DAY, { force: true });
    const [csv2, json2] = await Promise.all([getObjectStore().get(row.csvKey!), getObjectStore().get(row.jsonKey!)]);
    const rows2 = await prisma.variantDailyStatistics.findMany({ where: { shopId: shop.shopId }, orderBy: [{ productId: "asc" }, { variantId: "asc" }, { arm: "asc" }], omit: { id: true } });

    expect(first.status).toBe("COMPLETED");
    expect(skipped.status).toBe("SKIPPED");
    expect(forced).toMatchObject({ status: "COMPLETED", rows: first.rows });
    expect(csv2.body.equals(csv1.body)).toBe(true);
    expect(json2.body.equals(json1.body)).toBe(true);
    expect(rows2).toEqual(rows1);
    expect(await prisma.statisticsExport.count({ where: { shopId: shop.shopId } })).toBe(1);
  });

  it("GIVEN R2 answering 500 a few times THEN uploads are retried and the shop-day completes", async () => {
    const shop = await createExportShop(prisma, fake);
    const bucket = await s3.createBucket();
    const objects = createS3ObjectStore({ ...bucket, endpoint: proxy.endpoint });
    let failures = 3;
    proxy.setFailurePolicy((request) => request.method === "PUT" && failures-- > 0);

    const result = await exportShopDay(exportDeps(prisma, fake, objects), shop.shopId, DAY);

    expect(result.status).toBe("COMPLETED");
    expect(proxy.requests.filter((request) => request.failed)).toHaveLength(3);
    proxy.setFailurePolicy(() => false);
    await objects.close();
  });

  it("GIVEN R2 failing persistently for one shop THEN that shop-day is FAILED with the error while another shop completes", async () => {
    const broken = await createExportShop(prisma, fake);
    const healthy = await createExportShop(prisma, fake);
    const bucket = await s3.createBucket();
    const objects = createS3ObjectStore({ ...bucket, endpoint: proxy.endpoint });
    proxy.setFailurePolicy((request) => request.method === "PUT" && request.url.includes(`/${broken.shopId}/`));

    const deps = exportDeps(prisma, fake, objects);
    const results = [await exportShopDay(deps, broken.shopId, DAY), await exportShopDay(deps, healthy.shopId, DAY)];

    expect(results.map((result) => result.status)).toEqual(["FAILED", "COMPLETED"]);
    const failed = await prisma.statisticsExport.findUniqueOrThrow({ where: { shopId_date: { shopId: broken.shopId, date: new Date(DAY) } } });
    expect(failed.status).toBe("FAILED");
    expect(failed.error).toMatch(/500|InternalError|failed/i);
    expect(await prisma.variantDailyStatistics.count({ where: { shopId: broken.shopId } })).toBe(0);
    proxy.setFailurePolicy(() => false);
    await objects.close();
  });

  it("GIVEN Shopify answering THROTTLED THEN the catalog fetch backs off and completes; persistent throttling fails only that shop", async () => {
    const throttledOnce = await createExportShop(prisma, fake);
    const throttledForever = await createExportShop(prisma, fake);
    const healthy = await createExportShop(prisma, fake);
    fake.injectFailures({ shop: throttledOnce.shopDomain, kind: "throttled", times: 2 });
    fake.injectFailures({ shop: throttledForever.shopDomain, kind: "throttled", times: 1000 });

    const deps = exportDeps(prisma, fake, getObjectStore());
    const results = await Promise.all([throttledOnce, throttledForever, healthy].map((shop) => exportShopDay(deps, shop.shopId, DAY)));

    expect(results.map((result) => result.status)).toEqual(["COMPLETED", "FAILED", "COMPLETED"]);
    expect(results[1].error).toMatch(/throttled/i);
    const requests = fake.requests.filter((request) => request.shop === throttledOnce.shopDomain);
    expect(requests.filter((request) => request.failure === "throttled")).toHaveLength(2);
    fake.reset();
  });

  it("GIVEN a catalog of 600 products (several pages) THEN every product and variant is exported", async () => {
    const shop = await createExportShop(prisma, fake, { products: 600, variantsPerProduct: 2, seed: 11 });

    const result = await exportShopDay(exportDeps(prisma, fake, getObjectStore()), shop.shopId, DAY);

    expect(result.status).toBe("COMPLETED");
    const variants = shop.catalog.flatMap((product) => product.variants.map((variant) => variant.id));
    const rows = await prisma.variantDailyStatistics.findMany({ where: { shopId: shop.shopId }, select: { variantId: true, arm: true } });
    expect(new Set(rows.map((row) => row.variantId))).toEqual(new Set(variants));
    expect(rows).toHaveLength(variants.length + shop.catalog[0].variants.length);
    const pages = fake.requests.filter((request) => request.shop === shop.shopDomain && request.operationName === "ProductsPage");
    expect(pages.length).toBeGreaterThanOrEqual(600 / 25);
  }, 120_000);

  it("GIVEN a shop-day left PENDING by an interrupted run THEN the next daily plan queues it with yesterday's, a drain completes both, and COMPLETED ones are skipped", async () => {
    const shop = await createExportShop(prisma, fake);
    await prisma.statisticsExport.create({ data: { shopId: shop.shopId, date: new Date("2026-11-21"), status: "PENDING" } });
    await prisma.statisticsExport.create({ data: { shopId: shop.shopId, date: new Date("2026-11-22"), status: "COMPLETED", rowCount: 5 } });
    // A queue of this test's own: other files' queues share the database.
    const schema = `pgboss_test_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
    const queue = await openExportQueue(process.env.DATABASE_URL!, { schema, poolSize: 2 });
    const deps = exportDeps(prisma, fake, getObjectStore(), new Date("2026-11-24T00:01:00Z"));

    const plan = await planDailyExport(deps, queue, { shopDomain: shop.shopDomain });
    const results: [string, string][] = [];
    // No reconciliation: other files' unfinished rows of these days are theirs, not this queue's.
    await drainExportQueue(deps, queue, { budgetMs: 30_000, concurrency: 1, reconcileDays: 0, onResult: (result) => results.push([result.day, result.status]) });
    await queue.stop();
    await prisma.$executeRawUnsafe(`DROP SCHEMA ${schema} CASCADE`);

    expect(plan).toMatchObject({ day: DAY, planned: 2, due: 2, enqueued: 2 });
    expect(results.sort()).toEqual([
      ["2026-11-21", "COMPLETED"],
      [DAY, "COMPLETED"],
    ]);
    const statuses = await prisma.statisticsExport.findMany({ where: { shopId: shop.shopId }, orderBy: { date: "asc" }, select: { status: true } });
    expect(statuses.map((row) => row.status)).toEqual(["COMPLETED", "COMPLETED", "COMPLETED"]);
  });
});
