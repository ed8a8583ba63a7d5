// The cron route's authentication, and a backfill process killed mid-shop being completed by the
// next run without duplicates.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { resetEnvCache } from "../../app/env.server";
import { startFakeAdminApi, type FakeAdminApi } from "../fake-shopify/fake-admin-api";
import { createExportShop } from "../support/export-fixtures";

const DAY = "2026-11-23";
let fake: FakeAdminApi;

beforeAll(async () => {
  fake = await startFakeAdminApi({ costLimits: { maximumAvailable: 1_000_000, restoreRate: 1_000_000 } });
  process.env.SHOPIFY_ADMIN_API_ORIGIN = fake.origin;
  resetEnvCache();
});
afterAll(() => fake.close());

async function callCron(headers: Record<string, string>, query = "") {
  const { loader } = await import("../../app/routes/api.statistics-export.daily");
  return loader({ request: new Request(`http://127.0.0.1/api/statistics-export/daily${query}`, { headers }), params: {}, context: {} });
}

describe("GET /api/statistics-export/daily", () => {
  const secret = process.env.CRON_SECRET ?? "local-dev-cron-secret-not-for-production";

  it.each([
    ["no Authorization header", {}],
    ["a wrong secret", { Authorization: "Bearer not-the-secret" }],
    ["the secret without Bearer", { Authorization: secret }],
    ["x-vercel-cron alone", { "x-vercel-cron": "1" }],
    ["a secret with a suffix", { Authorization: `Bearer ${secret}x` }],
  ])("GIVEN %s THEN 401 without detail", async (_case, headers) => {
    const response = await callCron(headers as Record<string, string>);

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: { code: "unauthorized", message: "unauthorized" } });
  });

  it("GIVEN the right secret and a day THEN it exports that day for the shop and answers a per-shop summary", async () => {
    const shop = await createExportShop(prisma, fake);

    const response = await callCron({ Authorization: `Bearer ${secret}` }, `?date=${DAY}&shop=${shop.shopDomain}`);

    expect(response.status).toBe(200);
    const summary = await response.json();
    expect(summary).toMatchObject({ day: DAY, failed: 0, results: [{ shop: shop.shopDomain, day: DAY, status: "COMPLETED", rows: expect.any(Number), durationMs: expect.any(Number) }] });
  });

  it("GIVEN a malformed day THEN 400 naming the problem", async () => {
    const response = await callCron({ Authorization: `Bearer ${secret}` }, "?date=2026-02-30");

    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toMatch(/YYYY-MM-DD/);
  });
});

function runBackfill(shop: string, env: Record<string, string>) {
  return spawn("node_modules/.bin/bun", ["scripts/backfill-daily-statistics.ts", "--start", DAY, "--end", DAY, "--shop", shop], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

describe("a backfill killed mid-shop", () => {
  it("GIVEN the process is SIGKILLed while downloading images THEN the shop-day stays PENDING and the next run completes it with no duplicates", async () => {
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
    expect(interrupted.status).toBe("PENDING");
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
