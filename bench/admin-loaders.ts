// `npm run bench:admin`: latency of every embedded-admin page's loaders on the production build (own
// process, real Postgres) for one shop with 50 tests, 365 days of exports and per-variant statistics,
// and the raw events of every test that ran (bench/admin-loaders-seed.ts). Pages whose loaders call
// Shopify (create test, settings) reach the fake Admin API (bench/admin-loaders-server.ts).
//
// Each page is requested the way the embedded admin's browser requests it:
//   data      GET /path.data with `Authorization: Bearer <session token>` — Remix single fetch, what a
//             click in the app (or a revalidation) costs: every loader of the page, no rendering;
//   document  GET /path?embedded=1&shop=…&host=…&id_token=<session token> — the admin opening the
//             page: the same loaders plus server rendering.
// One request at a time (latency, not throughput), a fresh session token each, after a warm-up.
// Goal: p95 < 200 ms for every page's data request; document requests are reported against it too.
// Then each loader's database work is timed in-process, query by query, so a slow page can be traced.
// Knobs: BENCH_REQUESTS (200 per page and kind), BENCH_WARMUP (20), BENCH_KINDS ("data,document"),
// BENCH_PAGES (comma-separated words; only pages whose name contains one, e.g. "exports,settings").
// A slow page takes its time: at 4 s a request the dashboard alone needs ~30 minutes for both kinds.
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { getJwt } from "@shopify/shopify-api/test-helpers";
import pg from "pg";
import { createPrismaClient } from "../app/db.server";
import { getDashboard } from "../app/services/ab-tests/get-dashboard";
import { getTestResults } from "../app/services/ab-tests/get-test-results";
import { listExports } from "../app/services/statistics-export/list-exports";
import { readArmTotals } from "../app/services/ab-tests/read-arm-totals";
import { readDailySeries } from "../app/services/ab-tests/read-daily-series";
import { getPixelHealth } from "../app/services/tracking/get-pixel-health";
import { generateCatalog } from "../tests/fake-shopify/catalog";
import { startFakeAdminApi } from "../tests/fake-shopify/fake-admin-api";
import { seedAdminShop } from "./admin-loaders-seed";
import { createBenchDatabase } from "./lib/bench-database";
import { startChildServer } from "./lib/child-server";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 20);
const PAGE_FILTER = process.env.BENCH_PAGES?.split(",").map((word) => word.trim().toLowerCase()).filter(Boolean);
const KINDS = (process.env.BENCH_KINDS ?? "data,document").split(",").filter((kind): kind is "data" | "document" => kind === "data" || kind === "document");
const GOAL_MS = 200;
// Shopify's library answers bots (a user agent such as Node's "node") with 410 Gone: be the merchant's browser.
const BROWSER_UA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const API_KEY = "bench-key";
const API_SECRET = "bench-secret";
const SCOPES = "read_products,write_pixels,read_customer_events";
const SHOP = { shopId: "bench-admin-shop", shopDomain: "bench-admin.myshopify.com", accessToken: "shpat_bench_admin", apiKey: API_KEY };

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const ms = (value: number) => `${value.toFixed(1).padStart(7)} ms`;

async function sessionToken(): Promise<string> {
  return (await getJwt(SHOP.shopDomain.replace(".myshopify.com", ""), API_KEY, API_SECRET)).token;
}

interface Page {
  name: string;
  path: string;
  /** Text each kind of answer must contain, so an error page or a bounce is never timed as a success. */
  expect: { data: string; document: string };
}

function dataUrl(base: string, page: Page): string {
  const url = new URL(page.path, base);
  url.pathname = `${url.pathname.replace(/\/$/, "")}.data`;
  return url.toString();
}

async function documentUrl(base: string, page: Page): Promise<string> {
  const url = new URL(page.path, base);
  url.searchParams.set("embedded", "1");
  url.searchParams.set("shop", SHOP.shopDomain);
  url.searchParams.set("host", Buffer.from(`admin.shopify.com/store/${SHOP.shopDomain.replace(".myshopify.com", "")}`).toString("base64"));
  url.searchParams.set("id_token", await sessionToken());
  return url.toString();
}

async function timeRequests(base: string, page: Page, kind: "data" | "document", count: number): Promise<{ timings: number[]; failures: string[] }> {
  const timings: number[] = [];
  const failures: string[] = [];
  for (let index = 0; index < count; index++) {
    const url = kind === "data" ? dataUrl(base, page) : await documentUrl(base, page);
    const headers: Record<string, string> = { "User-Agent": BROWSER_UA, ...(kind === "data" ? { Authorization: `Bearer ${await sessionToken()}` } : {}) };
    const started = performance.now();
    const response = await fetch(url, { headers, redirect: "manual" });
    const body = await response.text();
    timings.push(performance.now() - started);
    if (response.status !== 200 || !body.includes(page.expect[kind])) failures.push(`${response.status} ${body.slice(0, 200)}`);
  }
  return { timings, failures };
}

async function timeInProcess(label: string, run: () => Promise<unknown>, reps = 30): Promise<string> {
  for (let index = 0; index < 3; index++) await run();
  const timings: number[] = [];
  for (let index = 0; index < reps; index++) {
    const started = performance.now();
    await run();
    timings.push(performance.now() - started);
  }
  timings.sort((a, b) => a - b);
  return `  ${label.padEnd(58)} p50 ${ms(percentile(timings, 50))}   p95 ${ms(percentile(timings, 95))}`;
}

console.log("Building the app (remix vite:build)…");
execFileSync("node_modules/.bin/remix", ["vite:build"], { stdio: "ignore" });
const database = await createBenchDatabase("abt_bench_admin_loaders");
const db = new pg.Client({ connectionString: database.url });
await db.connect();
const dataDir = await mkdtemp(path.join(os.tmpdir(), "abt-bench-admin-"));
const catalog = generateCatalog({ products: 40, variantsPerProduct: 3, imagesPerProduct: 3, seed: 5 });
// Shopify's real cost limits would throttle a page requested hundreds of times a second; the bench
// measures the app, so the fake's bucket is made large enough never to run dry.
const fake = await startFakeAdminApi({ costLimits: { maximumAvailable: 1_000_000_000, restoreRate: 1_000_000_000 } });
fake.addShop({ domain: SHOP.shopDomain, accessToken: SHOP.accessToken, currencyCode: "EUR", products: catalog });

console.log("Seeding one shop: 50 tests, 365 days of exports and statistics, raw events…");
const seedStarted = performance.now();
const seed = await seedAdminShop(db, SHOP, catalog, { scopes: SCOPES });
const byStatus = (status: string) => seed.tests.filter((test) => test.status === status);
const busiest = byStatus("ACTIVE")[0];
const completed = byStatus("COMPLETED").reduce((top, test) => (test.visitors > top.visitors ? test : top));
const { rows: sizes } = await db.query<{ events: string; size: string }>(`SELECT count(*) AS events, pg_size_pretty(pg_total_relation_size('"ABTestEvent"')) AS size FROM "ABTestEvent"`);
const eventsOf = async (testId: string) => Number((await db.query<{ count: string }>(`SELECT count(*) FROM "ABTestEvent" WHERE "testId" = $1`, [testId])).rows[0].count);
const runningIds = seed.tests.filter((test) => test.status === "ACTIVE" || test.status === "PAUSED").map((test) => test.id);
const runningEvents = Number((await db.query<{ count: string }>(`SELECT count(*) FROM "ABTestEvent" WHERE "testId" = ANY($1)`, [runningIds])).rows[0].count);
console.log(
  `  seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s: tests ${seed.tests.length} (ACTIVE ${byStatus("ACTIVE").length}, PAUSED ${byStatus("PAUSED").length}, DRAFT ${byStatus("DRAFT").length}, COMPLETED ${byStatus("COMPLETED").length}), ` +
    `StatisticsExport ${seed.exports}, VariantDailyStatistics ${seed.variantStatistics}, ABTestEvent ${Number(sizes[0].events).toLocaleString("en")} (${sizes[0].size} with indexes)`,
);
const { rows: server } = await db.query<{ version: string; work_mem: string }>(`SELECT current_setting('server_version') AS version, current_setting('work_mem') AS work_mem`);
console.log(`  Postgres ${server[0].version} (work_mem ${server[0].work_mem}), ${os.cpus().length} CPU cores shared by Postgres, the app and this load generator`);
console.log(`  events of the 15 running tests (the dashboard shows their totals): ${runningEvents.toLocaleString("en")}; busiest ACTIVE test ${busiest.id}: ${(await eventsOf(busiest.id)).toLocaleString("en")}; largest COMPLETED test ${completed.id}: ${(await eventsOf(completed.id)).toLocaleString("en")}\n`);

const app = await startChildServer("node_modules/.bin/tsx", ["bench/admin-loaders-server.ts"], {
  NODE_ENV: "production",
  HOST: "127.0.0.1",
  PORT: "0",
  DATABASE_URL: database.url,
  DATA_DIR: dataDir,
  SHOPIFY_API_KEY: API_KEY,
  SHOPIFY_API_SECRET: API_SECRET,
  SHOPIFY_APP_URL: "https://bench.example",
  SCOPES,
  CRON_SECRET: "bench-cron-secret-0000",
  ENCRYPTION_KEY: "1b32c28cb38c05480eccc1bd60ff97029b57a05c96718b96dad7e9d84894f549",
  BENCH_ADMIN_API_ORIGIN: fake.origin,
});

const product = catalog.find((candidate) => candidate.media.length > 0)!;
const pages: Page[] = [
  { name: "dashboard /app", path: "/app", expect: { data: busiest.id, document: busiest.id } },
  { name: "create test /app/tests/new", path: "/app/tests/new", expect: { data: "gid://shopify/Product/", document: "Search products" } },
  { name: "create test, product chosen", path: `/app/tests/new?productId=${encodeURIComponent(product.id)}`, expect: { data: product.media[0].id, document: "Test name" } },
  { name: "test results, busiest ACTIVE test", path: `/app/tests/${busiest.id}`, expect: { data: busiest.id, document: "Conversion rate by day" } },
  { name: "test results, largest COMPLETED test", path: `/app/tests/${completed.id}`, expect: { data: completed.id, document: "Conversion rate by day" } },
  { name: "exports /app/exports", path: "/app/exports", expect: { data: "bench-export-364", document: "bench-export-364" } },
  { name: "exports, last page", path: "/app/exports?page=13", expect: { data: "bench-export-0", document: "bench-export-0" } },
  { name: "settings /app/settings", path: "/app/settings", expect: { data: "themeEditorUrl", document: "Pixel and storefront" } },
];

const problems: string[] = [];
try {
  console.log(`Loader latency, ${REQUESTS} sequential requests per page and kind after ${WARMUP} warm-up, goal p95 < ${GOAL_MS} ms`);
  console.log(`  ${"page".padEnd(38)} ${"kind".padEnd(9)} ${"p50".padStart(10)} ${"p95".padStart(10)} ${"p99".padStart(10)}   goal`);
  for (const page of pages.filter((candidate) => !PAGE_FILTER || PAGE_FILTER.some((word) => candidate.name.toLowerCase().includes(word)))) {
    for (const kind of KINDS) {
      await timeRequests(app.url, page, kind, WARMUP);
      const { timings, failures } = await timeRequests(app.url, page, kind, REQUESTS);
      timings.sort((a, b) => a - b);
      const p95 = percentile(timings, 95);
      const verdict = p95 < GOAL_MS ? "✓" : "✗";
      if (failures.length > 0) problems.push(`${page.name} (${kind}): ${failures.length} failed requests, first: ${failures[0]}`);
      if (p95 >= GOAL_MS) problems.push(`${page.name} (${kind}): p95 ${p95.toFixed(0)} ms`);
      console.log(`  ${page.name.padEnd(38)} ${kind.padEnd(9)} ${ms(percentile(timings, 50))} ${ms(p95)} ${ms(percentile(timings, 99))}   ${verdict}${failures.length ? `  (${failures.length} failed)` : ""}`);
    }
  }

  console.log(`\nThe loaders' database work, in this process (Prisma over the same database, 30 runs after 3 warm-up):`);
  const prisma = createPrismaClient(database.url);
  const completedTests = byStatus("COMPLETED").map((test) => test.id);
  console.log(await timeInProcess("getDashboard (all of the dashboard's queries)", () => getDashboard(prisma, SHOP.shopId)));
  console.log(await timeInProcess(`  readArmTotals, the ${runningIds.length} running tests`, () => readArmTotals(prisma, SHOP.shopId, runningIds)));
  console.log(await timeInProcess("  getPixelHealth (24 h / 7 d counts, last event)", () => getPixelHealth(prisma, [SHOP.shopId])));
  console.log(await timeInProcess("getTestResults, busiest ACTIVE test", () => getTestResults(prisma, SHOP.shopId, busiest.id)));
  console.log(await timeInProcess("  readArmTotals, busiest ACTIVE test alone", () => readArmTotals(prisma, SHOP.shopId, [busiest.id])));
  // The chart's finished days are counted from raw events once, on the first view after they end.
  await prisma.aBTestDailyArm.deleteMany({ where: { testId: busiest.id } });
  const coldStarted = performance.now();
  await readDailySeries(prisma, busiest.id);
  console.log(`  ${"readDailySeries, busiest ACTIVE test, first view ever".padEnd(58)} once ${ms(performance.now() - coldStarted)}`);
  console.log(await timeInProcess("getTestResults, largest COMPLETED test", () => getTestResults(prisma, SHOP.shopId, completed.id)));
  console.log(await timeInProcess(`  readArmTotals, all ${completedTests.length} COMPLETED tests (for scale)`, () => readArmTotals(prisma, SHOP.shopId, completedTests), 10));
  console.log(await timeInProcess("listExports, page 1", () => listExports(prisma, SHOP.shopId, 1)));
  await prisma.$disconnect();
} finally {
  await app.stop();
  await fake.close();
  await db.end();
  await database.drop();
  await rm(dataDir, { recursive: true, force: true });
}

if (problems.length > 0) {
  console.log(`\n✗ ${problems.length} goal(s) or check(s) missed:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
  process.exitCode = 1;
} else {
  console.log(`\n✓ every ${PAGE_FILTER ? "measured " : ""}page's loaders answer in < ${GOAL_MS} ms at p95`);
}
