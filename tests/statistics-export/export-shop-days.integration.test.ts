// A day exported for several shops at once (the daily run, the cron's ?date=): one shared metrics pass
// for all of them, while each shop-day stays on its own — same files and rows as a single-shop run,
// resumable, and a failing shop fails alone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { exportShopDay, exportShopDays, type ExportDeps } from "../../app/services/statistics-export/statistics-export-orchestrator.service";
import { getObjectStore } from "../../app/storage.server";
import { startFakeAdminApi, type FakeAdminApi } from "../fake-shopify/fake-admin-api";
import { countingQueries, createExportShop, exportDeps, type ExportShop } from "../support/export-fixtures";

const DAY = "2026-11-23";
let fake: FakeAdminApi;

beforeAll(async () => {
  fake = await startFakeAdminApi({ costLimits: { maximumAvailable: 1_000_000, restoreRate: 1_000_000 } });
});
afterAll(() => fake.close());

/** A small, varied day on the shop's tested product: impressions by two visitors, a cart, a two-line order. */
async function addTraffic(shop: ExportShop) {
  const [first, second] = shop.catalog[0].variants;
  const at = new Date(`${DAY}T10:00:00Z`);
  const event = (eventId: string, arm: "CONTROL" | "TREATMENT", eventType: "IMPRESSION" | "ADD_TO_CART" | "PURCHASE", variantId: string, visitorId: string, purchase?: { orderId: string; revenue: string }) => ({
    shopId: shop.shopId,
    testId: shop.testId,
    arm,
    eventType,
    productId: shop.testedProductId,
    variantId,
    visitorId,
    eventId,
    quantity: purchase ? 2 : 1,
    revenue: purchase?.revenue,
    currency: purchase ? "EUR" : undefined,
    orderId: purchase?.orderId,
    occurredAt: at,
    createdAt: at,
  });
  await prisma.aBTestEvent.createMany({
    data: [
      event("i1", "CONTROL", "IMPRESSION", first.id, "v1"),
      event("i2", "CONTROL", "IMPRESSION", first.id, "v1"),
      event("i3", "TREATMENT", "IMPRESSION", second.id, "v2"),
      event("a1", "TREATMENT", "ADD_TO_CART", second.id, "v2"),
      event("p1:0", "TREATMENT", "PURCHASE", second.id, "v2", { orderId: "o1", revenue: "39.98" }),
      event("p1:1", "TREATMENT", "PURCHASE", first.id, "v2", { orderId: "o1", revenue: "10.00" }),
    ],
  });
}

async function exportedFiles(shopId: string) {
  const row = await prisma.statisticsExport.findUniqueOrThrow({ where: { shopId_date: { shopId, date: new Date(DAY) } } });
  const [csv, json] = await Promise.all([getObjectStore().get(row.csvKey!), getObjectStore().get(row.jsonKey!)]);
  const rows = await prisma.variantDailyStatistics.findMany({ where: { shopId }, orderBy: [{ productId: "asc" }, { variantId: "asc" }, { arm: "asc" }], omit: { id: true, exportId: true } });
  return { csv: csv.body, json: json.body, rows, totals: row.totals };
}


describe("exportShopDays", () => {
  it("GIVEN three shops on one day, one throttled for good THEN one metrics pass serves them, the others get the files and rows a single-shop run gives, and only the throttled one FAILS", async () => {
    const shops = [await createExportShop(prisma, fake, { seed: 21 }), await createExportShop(prisma, fake, { seed: 22 }), await createExportShop(prisma, fake, { seed: 23 })];
    for (const shop of shops) await addTraffic(shop);
    fake.injectFailures({ shop: shops[2].shopDomain, kind: "throttled", times: 1000 });
    const { counted, counter } = countingQueries(prisma);

    const results = await exportShopDays({ ...exportDeps(prisma, fake, getObjectStore()), prisma: counted }, shops.map((shop) => ({ shopId: shop.shopId, day: DAY })));

    expect(results.map((result) => result.status)).toEqual(["COMPLETED", "COMPLETED", "FAILED"]);
    expect(counter.queries).toBe(0);
    const batched = [await exportedFiles(shops[0].shopId), await exportedFiles(shops[1].shopId)];
    expect(batched[0].totals).toMatchObject({ impressions: 3, visitors: 2, addToCarts: 1, orders: 1, units: 4, revenue: "49.98", byArm: { CONTROL: { impressions: 2 }, TREATMENT: { orders: 1 } } });
    expect(batched[0].json.toString("utf8")).toContain('"byArm":{"CONTROL":{');

    for (const [index, shop] of shops.slice(0, 2).entries()) {
      const single = await exportShopDay(exportDeps(prisma, fake, getObjectStore()), shop.shopId, DAY, { force: true });
      const alone = await exportedFiles(shop.shopId);
      expect(single.status).toBe("COMPLETED");
      expect(alone.csv.equals(batched[index].csv)).toBe(true);
      expect(alone.json.equals(batched[index].json)).toBe(true);
      expect(alone.rows).toEqual(batched[index].rows);
    }
    expect(await prisma.variantDailyStatistics.count({ where: { shopId: shops[2].shopId } })).toBe(0);
    fake.reset();
  });

  it("GIVEN shop-days COMPLETED, PENDING and FAILED on one day THEN a run skips the first and completes the others, reporting each as it goes", async () => {
    const [done, pending, failed] = [await createExportShop(prisma, fake), await createExportShop(prisma, fake), await createExportShop(prisma, fake)];
    await prisma.statisticsExport.create({ data: { shopId: done.shopId, date: new Date(DAY), status: "COMPLETED", rowCount: 5 } });
    await prisma.statisticsExport.create({ data: { shopId: pending.shopId, date: new Date(DAY), status: "PENDING" } });
    await prisma.statisticsExport.create({ data: { shopId: failed.shopId, date: new Date(DAY), status: "FAILED", error: "earlier" } });

    const reported: string[] = [];
    const results = await exportShopDays(
      exportDeps(prisma, fake, getObjectStore()),
      [done, pending, failed].map((shop) => ({ shopId: shop.shopId, day: DAY })),
      { onResult: (result) => reported.push(result.shop) },
    );

    expect(reported).toEqual([done.shopDomain, pending.shopDomain, failed.shopDomain]);
    expect(results.map((result) => [result.shop, result.status])).toEqual([
      [done.shopDomain, "SKIPPED"],
      [pending.shopDomain, "COMPLETED"],
      [failed.shopDomain, "COMPLETED"],
    ]);
    expect(await prisma.variantDailyStatistics.count({ where: { shopId: done.shopId } })).toBe(0);
  });

  it("GIVEN the shared metrics pass fails THEN each shop-day queries its own metrics and completes", async () => {
    const shops = [await createExportShop(prisma, fake), await createExportShop(prisma, fake)];
    for (const shop of shops) await addTraffic(shop);
    // The pass is the run's first transaction; the shop-days' own (persistence) must still work.
    let transactions = 0;
    const failingPass = new Proxy(prisma, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (property === "$transaction") {
          return (...args: unknown[]) => (transactions++ === 0 ? Promise.reject(new Error("connection reset")) : (value as (...a: unknown[]) => unknown).apply(target, args));
        }
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const deps: ExportDeps = { ...exportDeps(prisma, fake, getObjectStore()), prisma: failingPass };

    const results = await exportShopDays(deps, shops.map((shop) => ({ shopId: shop.shopId, day: DAY })));

    expect(results.map((result) => result.status)).toEqual(["COMPLETED", "COMPLETED"]);
    expect((await exportedFiles(shops[0].shopId)).totals).toMatchObject({ impressions: 3, orders: 1 });
  });

  it("GIVEN a shop that vanished after the run listed it THEN it is reported FAILED and the next shop still exports", async () => {
    const shop = await createExportShop(prisma, fake);
    await addTraffic(shop);

    const results = await exportShopDays(exportDeps(prisma, fake, getObjectStore()), [
      { shopId: "deleted-shop", day: DAY },
      { shopId: shop.shopId, day: DAY },
    ]);

    expect(results.map((result) => [result.shopId, result.status])).toEqual([
      ["deleted-shop", "FAILED"],
      [shop.shopId, "COMPLETED"],
    ]);
  });

  it("GIVEN an overlapping run that completed the shop-day first THEN a late failure of this run leaves it COMPLETED", async () => {
    const shop = await createExportShop(prisma, fake);
    await addTraffic(shop);
    const deps = exportDeps(prisma, fake, getObjectStore());
    // This run fails once Shopify is asked; meanwhile the other run has finished the same shop-day.
    const slowFailing: ExportDeps = {
      ...deps,
      adminForShop: async () => {
        await exportShopDay(deps, shop.shopId, DAY, { force: true });
        throw new Error("Shopify unreachable");
      },
    };

    const result = await exportShopDay(slowFailing, shop.shopId, DAY, { force: true });

    expect(result.status).toBe("FAILED");
    expect(await prisma.statisticsExport.findUniqueOrThrow({ where: { shopId_date: { shopId: shop.shopId, date: new Date(DAY) } } })).toMatchObject({ status: "COMPLETED", error: null });
  });
});
