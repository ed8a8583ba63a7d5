// The cron (planner) and drain routes over their loaders, a backfill process killed mid-shop being
// completed by the next run without duplicates, and a worker killed mid-job whose job is retried to a
// byte-identical result. The only file on the default queue schema (the routes' and the worker's).
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { resetEnvCache } from "../../app/env.server";
import { drainExportQueue } from "../../app/services/statistics-export/export-drain";
import { openExportQueue } from "../../app/services/statistics-export/export-queue";
import { queueShopDays } from "../../app/services/statistics-export/plan-daily-export";
import { exportShopDay } from "../../app/services/statistics-export/statistics-export-orchestrator.service";
import { getObjectStore } from "../../app/storage.server";
import { startFakeAdminApi, type FakeAdminApi } from "../fake-shopify/fake-admin-api";
import { createExportShop, exportDeps } from "../support/export-fixtures";

const DAY = "2026-11-23";
let fake: FakeAdminApi;

beforeAll(async () => {
  fake = await startFakeAdminApi({ costLimits: { maximumAvailable: 1_000_000, restoreRate: 1_000_000 } });
  process.env.SHOPIFY_ADMIN_API_ORIGIN = fake.origin;
  resetEnvCache();
});
afterAll(async () => {
  const { stopExportQueue } = await import("../../app/statistics-export.server");
  await stopExportQueue();
  await fake.close();
});

async function callCron(headers: Record<string, string>, query = "") {
  const { loader } = await import("../../app/routes/api.statistics-export.daily");
  return loader({ request: new Request(`http://127.0.0.1/api/statistics-export/daily${query}`, { headers }), params: {}, context: {} });
}

async function callDrain(headers: Record<string, string>) {
  const { loader } = await import("../../app/routes/api.statistics-export.drain");
  return loader({ request: new Request("http://127.0.0.1/api/statistics-export/drain", { headers }), params: {}, context: {} });
}

describe("GET /api/statistics-export/daily", () => {
  const secret = process.env.CRON_SECRET ?? "local-dev-cron-secret-not-for-production";

  it.each([
    ["no Authorization header", {}],
    ["a wrong secret", { Authorization: "Bearer not-the-secret" }],
    ["the secret without Bearer", { Authorization: secret }],
    ["x-vercel-cron alone", { "x-vercel-cron": "1" }],
    ["a secret with a suffix", { Authorization: `Bearer ${secret}x` }],
  ])("GIVEN %s THEN both routes answer 401 without detail", async (_case, headers) => {
    for (const response of [await callCron(headers as Record<string, string>), await callDrain(headers as Record<string, string>)]) {
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: { code: "unauthorized", message: "unauthorized" } });
    }
  });

  it("GIVEN the right secret and a day THEN the cron plans it (PENDING, one job) in a moment, and the drain route exports it", async () => {
    const shop = await createExportShop(prisma, fake);

    const started = Date.now();
    const planned = await callCron({ Authorization: `Bearer ${secret}` }, `?date=${DAY}&shop=${shop.shopDomain}`);
    const planMs = Date.now() - started;
    const pending = await prisma.statisticsExport.findUniqueOrThrow({ where: { shopId_date: { shopId: shop.shopId, date: new Date(DAY) } } });
    const drained = await callDrain({ Authorization: `Bearer ${secret}` });

    expect(planned.status).toBe(200);
    expect(await planned.json()).toMatchObject({ day: DAY, planned: 1, due: 1, enqueued: 1 });
    expect(planMs).toBeLessThan(5_000);
    expect(pending.status).toBe("PENDING");
    expect(drained.status).toBe(200);
    expect(await drained.json()).toMatchObject({ completed: 1, failed: 0, left: { queued: 0, active: 0 } });
    const completed = await prisma.statisticsExport.findUniqueOrThrow({ where: { id: pending.id } });
    expect(completed).toMatchObject({ status: "COMPLETED", attempts: 1 });
  });

  it("GIVEN a backfill without --inline THEN it records the shop-day PENDING and queues it, and the drain route exports it", async () => {
    const shop = await createExportShop(prisma, fake, { seed: 8 });
    const day = "2026-11-20";
    const backfill = spawn("node_modules/.bin/bun", ["scripts/backfill-daily-statistics.ts", "--start", day, "--end", day, "--shop", shop.shopDomain], {
      env: { ...process.env, SHOPIFY_ADMIN_API_ORIGIN: fake.origin },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    backfill.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => backfill.once("exit", resolve));
    const queued = await prisma.statisticsExport.findUniqueOrThrow({ where: { shopId_date: { shopId: shop.shopId, date: new Date(day) } } });

    const drained = await callDrain({ Authorization: `Bearer ${secret}` });

    expect(code).toBe(0);
    expect(output).toContain("✓ 1 shop-days recorded PENDING, 1 jobs queued");
    expect(queued.status).toBe("PENDING");
    expect(await drained.json()).toMatchObject({ completed: 1, failed: 0 });
    expect(await prisma.statisticsExport.findUniqueOrThrow({ where: { id: queued.id } })).toMatchObject({ status: "COMPLETED" });
  }, 60_000);

  it("GIVEN an unknown shop THEN the cron answers 404 in the error shape and plans nothing", async () => {
    const response = await callCron({ Authorization: `Bearer ${secret}` }, `?date=${DAY}&shop=nobody.myshopify.com`);

    expect(response.status).toBe(404);
    expect((await response.json()).error.code).toBe("unknown_shop");
  });

  it.each([["daily"], ["drain"]])("GIVEN a POST to the %s route THEN 405 in the error shape with Allow: GET", async (name) => {
    const { action } = await import(`../../app/routes/api.statistics-export.${name}.tsx`);
    const response: Response = await action();

    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toBe("GET");
    expect((await response.json()).error.code).toBe("method_not_allowed");
  });

  it("GIVEN the database unreachable THEN both routes answer 503 with Retry-After in the error shape, never 500", async () => {
    const { stopExportQueue } = await import("../../app/statistics-export.server");
    const databaseUrl = process.env.DATABASE_URL!;
    await stopExportQueue();
    process.env.DATABASE_URL = "postgresql://postgres@127.0.0.1:1/unreachable";
    resetEnvCache();
    try {
      for (const response of [await callCron({ Authorization: `Bearer ${secret}` }, `?date=${DAY}`), await callDrain({ Authorization: `Bearer ${secret}` })]) {
        expect(response.status).toBe(503);
        expect(response.headers.get("Retry-After")).toBe("60");
        expect((await response.json()).error.code).toBe("unavailable");
      }
    } finally {
      process.env.DATABASE_URL = databaseUrl;
      resetEnvCache();
      await stopExportQueue();
    }
  });

  it("GIVEN a malformed day THEN 400 naming the problem", async () => {
    const response = await callCron({ Authorization: `Bearer ${secret}` }, "?date=2026-02-30");

    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toMatch(/YYYY-MM-DD/);
  });
});

function runBackfill(shop: string, env: Record<string, string>) {
  return spawn("node_modules/.bin/bun", ["scripts/backfill-daily-statistics.ts", "--start", DAY, "--end", DAY, "--shop", shop, "--inline"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

describe("a backfill killed mid-shop", () => {
  it("GIVEN the process is SIGKILLed while downloading images THEN the shop-day stays RUNNING and the next run completes it with no duplicates", async () => {
    const shop = await createExportShop(prisma, fake, { products: 40, variantsPerProduct: 3, seed: 5 });
    const env = { DATABASE_URL: process.env.DATABASE_URL!, SHOPIFY_ADMIN_API_ORIGIN: fake.origin, DATA_DIR: process.env.DATA_DIR! };
    fake.injectFailures({ shop: shop.shopDomain, target: "images", kind: "slow", delayMs: 300, times: 1000 });

    const first = runBackfill(shop.shopDomain, env);
    const exited = new Promise<number | null>((resolve) => first.once("exit", (_code, signal) => resolve(signal ? -1 : _code)));
    const deadline = Date.now() + 60_000;
    // Recorded when answered; the slow answers keep the process inside the image backup step.
    while (fake.imageRequests.filter((request) => request.shop === shop.shopDomain).length < 3 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    first.kill("SIGKILL");
    expect(await exited).toBe(-1);
    const interrupted = await prisma.statisticsExport.findUniqueOrThrow({ where: { shopId_date: { shopId: shop.shopId, date: new Date(DAY) } } });
    expect(interrupted.status).toBe("RUNNING");
    expect(await prisma.variantDailyStatistics.count({ where: { shopId: shop.shopId } })).toBe(0);

    fake.reset();
    const second = runBackfill(shop.shopDomain, env);
    let output = "";
    second.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => second.once("exit", resolve));

    expect(code).toBe(0);
    expect(output).toMatch(new RegExp(`✓ ${shop.shopDomain} ${DAY}: COMPLETED`));
    const completed = await prisma.statisticsExport.findUniqueOrThrow({ where: { shopId_date: { shopId: shop.shopId, date: new Date(DAY) } } });
    expect(completed.status).toBe("COMPLETED");
    const variants = shop.catalog.flatMap((product) => product.variants);
    expect(await prisma.variantDailyStatistics.count({ where: { shopId: shop.shopId } })).toBe(variants.length + shop.catalog[0].variants.length);
    // A variant shows its own image or its product's first; products without images have nothing to back up.
    const withImages = shop.catalog.filter((product) => product.media.length > 0).flatMap((product) => product.variants);
    expect(await prisma.productImageBackup.count({ where: { shopId: shop.shopId } })).toBe(withImages.length);
    expect(await prisma.statisticsExport.count({ where: { shopId: shop.shopId } })).toBe(1);
  }, 120_000);
});

/** Waits until `count` image downloads of the shop were answered (the slow ones keep a run inside the backup step). */
async function waitForImageRequests(shopDomain: string, count: number) {
  const deadline = Date.now() + 60_000;
  while (fake.imageRequests.filter((request) => request.shop === shopDomain).length < count && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("a worker killed mid-job", () => {
  it("GIVEN `npm run worker` is SIGKILLed inside a shop-day THEN the attempt expires, the job is retried by a drain, and the files equal a clean export's", async () => {
    const shop = await createExportShop(prisma, fake, { products: 40, variantsPerProduct: 3, seed: 6 });
    const day = "2026-11-22";
    // Short expiry and backoff for this job (they travel with it), so the retry comes in seconds.
    const queue = await openExportQueue(process.env.DATABASE_URL!, { poolSize: 2, policy: { expireInSeconds: 2, retryDelay: 1, retryDelayMax: 1, monitorIntervalSeconds: 1 } });
    await queueShopDays(prisma, queue, [{ shopId: shop.shopId, day }]);
    fake.injectFailures({ shop: shop.shopDomain, target: "images", kind: "slow", delayMs: 300, times: 1000 });
    const env = { DATABASE_URL: process.env.DATABASE_URL!, SHOPIFY_ADMIN_API_ORIGIN: fake.origin, DATA_DIR: process.env.DATA_DIR! };

    // Node itself with tsx's loader (what `npm run worker` runs): the tsx CLI would leave its child alive on SIGKILL.
    const worker = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts", "--no-plan", "--concurrency", "1"], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    const exited = new Promise<number | null>((resolve) => worker.once("exit", (_code, signal) => resolve(signal ? -1 : _code)));
    await waitForImageRequests(shop.shopDomain, 3);
    worker.kill("SIGKILL");
    expect(await exited).toBe(-1);
    const interrupted = await prisma.statisticsExport.findUniqueOrThrow({ where: { shopId_date: { shopId: shop.shopId, date: new Date(day) } } });
    expect(interrupted).toMatchObject({ status: "RUNNING", attempts: 1 });
    expect(await queue.counts()).toEqual({ queued: 0, active: 1 });

    fake.reset();
    const deps = exportDeps(prisma, fake, getObjectStore(), new Date());
    let completed = 0;
    for (let round = 0; round < 40 && completed === 0; round++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      completed += (await drainExportQueue(deps, queue, { budgetMs: 30_000, concurrency: 1, reconcileDays: 0 })).completed;
    }
    const retried = await prisma.statisticsExport.findUniqueOrThrow({ where: { id: interrupted.id } });
    const files = async () => Promise.all([getObjectStore().get(retried.csvKey!), getObjectStore().get(retried.jsonKey!)]).then((objects) => objects.map((object) => object.body.toString()));
    const afterRetry = await files();
    const rowsAfterRetry = await prisma.variantDailyStatistics.count({ where: { shopId: shop.shopId, date: new Date(day) } });
    await exportShopDay(deps, shop.shopId, day, { force: true });
    await queue.stop();

    expect(completed).toBe(1);
    expect(retried).toMatchObject({ status: "COMPLETED", attempts: 2 });
    expect(afterRetry).toEqual(await files());
    expect(await prisma.variantDailyStatistics.count({ where: { shopId: shop.shopId, date: new Date(day) } })).toBe(rowsAfterRetry);
  }, 120_000);
});
