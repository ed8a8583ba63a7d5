// `npm run bench:export`: the daily statistics export on real Postgres.
//   (a) the metrics step as the daily run does it for a day of many shops (spoolDailyMetrics: one
//       aggregate pass for all shops through Prisma into a temporary table, handed over by a cursor shop
//       by shop into temporary files, each shop's metrics then read back as its shop-day takes them)
//       against one raw SQL GROUP BY over the same day through plain `pg` — goal ratio ≤ 1.5. The
//       single-shop path (a query per shop) is timed alongside for comparison;
//   (b) the whole export (exportShopDay: catalog from the fake Admin API, image backup to a filesystem
//       object store, CSV/JSON, persistence) for a ~1k- and a ~100k-variant shop, each in its own
//       process — goal peak RSS < 300 MB and roughly flat.
// Goals missed are reported with ✗; the exit code is non-zero only when a correctness check fails
// (metrics ≠ raw recount, wrong row counts or totals), because then no figure can be trusted.
// Knobs: see HELP below (`npm run bench:export -- --help`).
import { fork } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import Papa from "papaparse";
import pg from "pg";
import { createPrismaClient } from "../app/db.server";
import { dayRange } from "../app/lib/days";
import { spoolDailyMetrics } from "../app/services/statistics-export/daily-metrics-spool";
import { calculateDailyMetrics, type DailyMetrics } from "../app/services/statistics-export/metrics-calculator.service";
import { createFilesystemObjectStore } from "../app/services/storage/filesystem-object-store";
import { generateCatalog } from "../tests/fake-shopify/catalog";
import { startFakeAdminApi } from "../tests/fake-shopify/fake-admin-api";
import { createBenchDatabase } from "./lib/bench-database";
import type { ExportChildReport } from "./lib/export-child";
import { seedExportShop, seedNeighbouringDays, seedTrafficShops, type ExportShopSeed, type SeededShop } from "./lib/export-seed";

const HELP = `npm run bench:export [-- --help]
The daily statistics export on real Postgres (a fresh database abt_bench_export on the server of
BENCH_DATABASE_URL, else TEST_DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/postgres).
Environment knobs:
  BENCH_EVENTS=1000000        events seeded in the day across the traffic shops
  BENCH_REPS=5                timed repetitions of the metrics step and the raw GROUP BY (after a warm-up)
  BENCH_BIG_VARIANTS=100000   variants of the large export shop
  BENCH_CHILD_ARGS="..."      extra node flags for the export processes, e.g.
                              "--cpu-prof --cpu-prof-dir=bench/results"`;
if (process.argv.includes("--help") || process.argv.includes("-h")) {
  console.log(HELP);
  process.exit(0);
}

const DAY = "2026-11-23";
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const REPS = Number(process.env.BENCH_REPS ?? 5);
const BIG_VARIANTS = Number(process.env.BENCH_BIG_VARIANTS ?? 100_000);
const VARIANTS_PER_PRODUCT = 10;
const RATIO_GOAL = 1.5;
const RSS_GOAL_MB = 300;
const MB = 1024 * 1024;

const problems: string[] = [];
const check = (ok: boolean, what: string) => {
  if (!ok) problems.push(what);
  return ok ? "✓" : "✗";
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// The baseline: one statement over the whole day computing, per (shop, product, variant, arm), exactly
// the aggregates the metrics step returns per variant (same filters, casts and ''-for-no-variant key),
// with every result row transferred to and parsed by the client. It leaves out what the metrics step
// does on top: a round trip per shop through Prisma, and the per-arm and per-shop totals with their own
// distinct counts (GROUPING SETS). Those extras are what the ratio prices.
const RAW_GROUP_BY = `
  SELECT "shopId", "productId", coalesce("variantId", '') AS "variantId", arm::text AS arm, max("testId") AS "testId",
    (count(*) FILTER (WHERE "eventType" = 'IMPRESSION'))::int AS impressions,
    (count(DISTINCT "visitorId") FILTER (WHERE "eventType" = 'IMPRESSION'))::int AS visitors,
    (count(*) FILTER (WHERE "eventType" = 'ADD_TO_CART'))::int AS "addToCarts",
    (count(DISTINCT "orderId") FILTER (WHERE "eventType" = 'PURCHASE'))::int AS orders,
    (coalesce(sum(quantity) FILTER (WHERE "eventType" = 'PURCHASE'), 0))::int AS units,
    (coalesce(sum(revenue) FILTER (WHERE "eventType" = 'PURCHASE'), 0))::numeric(14, 2)::text AS revenue,
    min(currency) FILTER (WHERE "eventType" = 'PURCHASE') AS currency
  FROM "ABTestEvent"
  WHERE "createdAt" >= $1 AND "createdAt" < $2
  GROUP BY "shopId", "productId", coalesce("variantId", ''), arm`;

interface RawRow {
  shopId: string;
  productId: string;
  variantId: string;
  arm: string;
  testId: string;
  impressions: number;
  visitors: number;
  addToCarts: number;
  orders: number;
  units: number;
  revenue: string;
  currency: string | null;
}

const METRIC_FIELDS = ["testId", "impressions", "visitors", "addToCarts", "orders", "units", "revenue", "currency"] as const;

/** The metrics step's per-variant rows must equal the raw GROUP BY's, field by field, and its totals the raw sums. */
function compareWithRaw(metricsByShop: Map<string, DailyMetrics>, raw: RawRow[]): string[] {
  const mismatches: string[] = [];
  const rawByKey = new Map(raw.map((row) => [`${row.shopId}|${row.productId}|${row.variantId}|${row.arm}`, row]));
  let matched = 0;
  for (const [shopId, metrics] of metricsByShop) {
    const sums = { impressions: 0, addToCarts: 0, units: 0, revenueCents: 0 };
    for (const variant of metrics.variants) {
      const key = `${shopId}|${variant.productId}|${variant.variantId}|${variant.arm}`;
      const expected = rawByKey.get(key);
      if (!expected) {
        mismatches.push(`${key}: not in the raw GROUP BY`);
        continue;
      }
      matched++;
      for (const field of METRIC_FIELDS) {
        if (variant[field] !== expected[field]) mismatches.push(`${key} ${field}: metrics ${variant[field]} ≠ raw ${expected[field]}`);
      }
      sums.impressions += expected.impressions;
      sums.addToCarts += expected.addToCarts;
      sums.units += expected.units;
      sums.revenueCents += Math.round(Number(expected.revenue) * 100);
    }
    const { totals } = metrics;
    if (totals.impressions !== sums.impressions || totals.addToCarts !== sums.addToCarts || totals.units !== sums.units || Math.round(Number(totals.revenue) * 100) !== sums.revenueCents) {
      mismatches.push(`${shopId}: totals ${JSON.stringify(totals)} ≠ raw sums ${JSON.stringify(sums)}`);
    }
  }
  if (matched !== raw.length) mismatches.push(`raw GROUP BY has ${raw.length} rows, the metrics step ${matched}`);
  return mismatches;
}

async function seed(db: pg.Client) {
  const started = performance.now();
  const traffic = await seedTrafficShops(db, { day: DAY, shops: 24, baseProducts: 200, productStep: 20, variantsPerProduct: 4, events: EVENTS });
  const smallCatalog = generateCatalog({ products: 100, variantsPerProduct: VARIANTS_PER_PRODUCT, imagesPerProduct: 3, seed: 11 });
  const bigCatalog = generateCatalog({ products: Math.round(BIG_VARIANTS / VARIANTS_PER_PRODUCT), variantsPerProduct: VARIANTS_PER_PRODUCT, imagesPerProduct: 3, seed: 12 });
  const small = await seedExportShop(db, { name: "1k", day: DAY, catalog: smallCatalog, testedProducts: 10, events: 5_000 });
  const big = await seedExportShop(db, { name: "100k", day: DAY, catalog: bigCatalog, testedProducts: 100, events: 50_000 });
  await seedNeighbouringDays(db, DAY, 2_000);
  await db.query(`ANALYZE`);
  const seedMs = performance.now() - started;

  const { start, end } = dayRange(DAY);
  const { rows } = await db.query<{ events: number; shops: number; variants: number; outside: number }>(
    `SELECT count(*) FILTER (WHERE "createdAt" >= $1 AND "createdAt" < $2)::int AS events,
            count(DISTINCT "shopId") FILTER (WHERE "createdAt" >= $1 AND "createdAt" < $2)::int AS shops,
            count(DISTINCT "variantId") FILTER (WHERE "createdAt" >= $1 AND "createdAt" < $2 AND "shopId" LIKE 'bench-shop-%')::int AS variants,
            count(*) FILTER (WHERE "createdAt" < $1 OR "createdAt" >= $2)::int AS outside
     FROM "ABTestEvent"`,
    [start, end],
  );
  const stats = rows[0];
  const seeded = [...traffic.shops, small, big].reduce((sum, shop) => sum + shop.events, 0);
  console.log(`Seeded in ${seconds(seedMs)}: ${stats.events.toLocaleString("en")} events on ${DAY} across ${stats.shops} shops, ${stats.variants.toLocaleString("en")} distinct variants on the ${traffic.shops.length} traffic shops (+ ${stats.outside.toLocaleString("en")} in the neighbouring days)`);
  // Every seeded event must be in the day; the issue's sizes are checked unless BENCH_EVENTS shrank the run.
  const sizesOk = stats.shops >= 20 && (EVENTS < 1_000_000 || (stats.events >= 1_000_000 && stats.variants >= 30_000 && stats.variants === traffic.variants));
  console.log(
    `  ${EVENTS < 1_000_000 ? "(sizes reduced by BENCH_EVENTS) " : "≥ 1,000,000 events, ≥ 30,000 variants, "}≥ 20 shops, every seeded event in the day ` +
      check(stats.events === seeded && sizesOk, "the seed does not have the issue's sizes or lost events"),
  );
  return { seedMs, stats, shops: [...traffic.shops, small, big], small, big };
}

async function benchMetrics(databaseUrl: string, db: pg.Client, shops: SeededShop[]) {
  const prisma = createPrismaClient(databaseUrl);
  const { start, end } = dayRange(DAY);
  const shopIds = shops.map((shop) => shop.shopId);
  // The daily run's path for a day of many shops: one pass into the spool, then each shop-day reads its own.
  const runMetrics = async () => {
    const results = new Map<string, DailyMetrics>();
    const started = performance.now();
    const spool = await spoolDailyMetrics(prisma, shopIds, DAY);
    try {
      for (const shopId of shopIds) results.set(shopId, (await spool.read(shopId))!);
    } finally {
      await spool.remove();
    }
    return { ms: performance.now() - started, results };
  };
  const runPerShop = async () => {
    const results = new Map<string, DailyMetrics>();
    const started = performance.now();
    for (const shopId of shopIds) results.set(shopId, await calculateDailyMetrics(prisma, shopId, DAY));
    return { ms: performance.now() - started, results };
  };
  const runRaw = async () => {
    const started = performance.now();
    const { rows } = await db.query<RawRow>(RAW_GROUP_BY, [start, end]);
    return { ms: performance.now() - started, rows };
  };

  // Warm-up (plans, caches, connections), then alternate so drift in the machine hits all sides alike.
  const first = await runMetrics();
  const firstPerShop = await runPerShop();
  const firstRaw = await runRaw();
  const metricsMs: number[] = [];
  const perShopMs: number[] = [];
  const rawMs: number[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    metricsMs.push((await runMetrics()).ms);
    rawMs.push((await runRaw()).ms);
    perShopMs.push((await runPerShop()).ms);
  }
  await prisma.$disconnect();

  const mismatches = compareWithRaw(first.results, firstRaw.rows);
  // Both paths must give every shop the same metrics, or a rerun through the other path would change the files.
  const pathsAgree = shopIds.every((shopId) => JSON.stringify(first.results.get(shopId)) === JSON.stringify(firstPerShop.results.get(shopId)));
  const metrics = median(metricsMs);
  const raw = median(rawMs);
  const ratio = metrics / raw;
  const runs = (values: number[]) => values.map((ms) => (ms / 1000).toFixed(2)).join(" ");
  console.log(`\n(a) metrics step vs one raw GROUP BY over ${DAY} (median of ${REPS} after a warm-up)`);
  console.log(`  metrics step (daily run: one pass for ${shops.length} shops → cursor → spool → read back, Prisma): ${seconds(metrics)}   runs: ${runs(metricsMs)}`);
  console.log(`  raw GROUP BY (one query, plain pg, ${firstRaw.rows.length.toLocaleString("en")} rows):                          ${seconds(raw)}   runs: ${runs(rawMs)}`);
  console.log(`  ratio metrics/raw: ${ratio.toFixed(2)}   goal ≤ ${RATIO_GOAL} ${ratio <= RATIO_GOAL ? "✓" : "✗"}`);
  console.log(`  for comparison, the single-shop path (a query per shop) × ${shops.length}: ${seconds(median(perShopMs))}   runs: ${runs(perShopMs)}`);
  console.log(`  same numbers as the raw GROUP BY (${firstRaw.rows.length.toLocaleString("en")} variant-arm rows, shop totals) ${check(mismatches.length === 0, `metrics ≠ raw GROUP BY: ${mismatches.slice(0, 5).join("; ")}`)}`);
  for (const mismatch of mismatches.slice(0, 5)) console.log(`    ${mismatch}`);
  console.log(`  one pass and per-shop queries give every shop identical metrics ${check(pathsAgree, "the shared pass and the per-shop query disagree")}`);
  await explainScans(db, shops);
  return { metrics, raw, ratio };
}

/**
 * Why the daily run makes one pass for all shops, from the plans (EXPLAIN ANALYZE): the day's events
 * arrive interleaved across shops, so reading one shop's rows visits most of the day's heap pages, once
 * per shop, while one pass reads each page once. Measured with the same row filters, no aggregates.
 */
async function explainScans(db: pg.Client, shops: SeededShop[]) {
  const { start, end } = dayRange(DAY);
  type Plan = { "Execution Time": number; Plan: { "Shared Hit Blocks": number; "Shared Read Blocks": number } };
  const explain = async (sql: string, params: unknown[]) => ((await db.query<{ "QUERY PLAN": Plan[] }>(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, params)).rows[0]["QUERY PLAN"][0]);
  const pages = (plan: Plan) => plan.Plan["Shared Hit Blocks"] + plan.Plan["Shared Read Blocks"];
  let perShopPages = 0;
  let perShopMs = 0;
  for (const shop of shops) {
    const plan = await explain(`SELECT count(*), max("visitorId") FROM "ABTestEvent" WHERE "shopId" = $1 AND "createdAt" >= $2 AND "createdAt" < $3`, [shop.shopId, start, end]);
    perShopPages += pages(plan);
    perShopMs += plan["Execution Time"];
  }
  const whole = await explain(`SELECT count(*), max("visitorId") FROM "ABTestEvent" WHERE "shopId" = ANY($1::text[]) AND "createdAt" >= $2 AND "createdAt" < $3`, [
    shops.map((shop) => shop.shopId),
    start,
    end,
  ]);
  const { rows } = await db.query<{ pages: number }>(`SELECT relpages AS pages FROM pg_class WHERE relname = 'ABTestEvent'`);
  console.log(
    `  scans alone (EXPLAIN ANALYZE): per shop ${seconds(perShopMs)} reading ${perShopPages.toLocaleString("en")} pages in all; ` +
      `one pass for all shops ${seconds(whole["Execution Time"])} reading ${pages(whole).toLocaleString("en")} (table: ${rows[0].pages.toLocaleString("en")} heap pages)`,
  );
}

/** What the export must contain, recounted from the catalog and the raw events (not from the pipeline). */
async function expectedExport(db: pg.Client, shop: ExportShopSeed) {
  const { start, end } = dayRange(DAY);
  const { rows } = await db.query<{ productId: string; variantId: string; arms: string[]; impressions: number }>(
    `SELECT "productId", coalesce("variantId", '') AS "variantId", array_agg(DISTINCT arm::text) AS arms,
            (count(*) FILTER (WHERE "eventType" = 'IMPRESSION'))::int AS impressions
     FROM "ABTestEvent" WHERE "shopId" = $1 AND "createdAt" >= $2 AND "createdAt" < $3 GROUP BY 1, 2`,
    [shop.shopId, start, end],
  );
  const armsByVariant = new Map(rows.map((row) => [`${row.productId}|${row.variantId}`, row.arms]));
  const tested = new Set(shop.testedProductIds);
  let expectedRows = 0;
  const inCatalog = new Set<string>();
  for (const product of shop.catalog) {
    for (const variant of product.variants) {
      const key = `${product.id}|${variant.id}`;
      inCatalog.add(key);
      // A variant under test gets both arms; any other gets its arms with traffic, or one NONE row.
      const arms = new Set([...(tested.has(product.id) ? ["CONTROL", "TREATMENT"] : []), ...(armsByVariant.get(key) ?? [])]);
      expectedRows += Math.max(1, arms.size);
    }
  }
  // Events naming no variant (or one the catalog no longer has) still get a row per arm.
  for (const row of rows) if (!inCatalog.has(`${row.productId}|${row.variantId}`)) expectedRows += row.arms.length;
  const variants = shop.catalog.reduce((sum, product) => sum + product.variants.length, 0);
  return { variants, expectedRows, impressions: rows.reduce((sum, row) => sum + row.impressions, 0) };
}

async function runExportChild(env: Record<string, string>): Promise<ExportChildReport> {
  const extraArgs = (process.env.BENCH_CHILD_ARGS ?? "").split(" ").filter(Boolean);
  const child = fork(path.resolve(import.meta.dirname, "lib/export-child.ts"), [], {
    execArgv: ["--import", "tsx", ...extraArgs],
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    let report: ExportChildReport | undefined;
    child.on("message", (message) => (report = message as ExportChildReport));
    child.once("error", reject);
    child.once("exit", (code) => (report && code === 0 ? resolve(report) : reject(new Error(`export process exited with ${code} and ${report ? "a" : "no"} report`))));
  });
}

async function benchExport(databaseUrl: string, db: pg.Client, shops: { label: string; shop: ExportShopSeed }[]) {
  // Shopify's single-query limit stays (our queries must remain valid); the bucket is made bottomless
  // because the bench measures our code, not Shopify's rate limit.
  const fake = await startFakeAdminApi({ costLimits: { maximumAvailable: 1e12, restoreRate: 1e12 } });
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "bench-export-"));
  const objects = createFilesystemObjectStore(path.join(dataDir, "objects"));
  const results: { label: string; variants: number; rows: number; report: ExportChildReport; fakeCpuMs: number }[] = [];
  console.log(`\n(b) whole export (exportShopDay, own process each; fake Admin API in the bench process)`);
  try {
    for (const { label, shop } of shops) {
      fake.addShop({ domain: shop.shopDomain, accessToken: shop.accessToken, currencyCode: "EUR", products: shop.catalog });
      const expected = await expectedExport(db, shop);
      // The bench process does nothing but serve the fake while the export runs: its CPU is the fake's.
      const cpuBefore = process.cpuUsage();
      const report = await runExportChild({
        DATABASE_URL: databaseUrl,
        SHOPIFY_ADMIN_API_ORIGIN: fake.origin,
        DATA_DIR: dataDir,
        NODE_ENV: "development",
        BENCH_SHOP_ID: shop.shopId,
        BENCH_DAY: DAY,
      });
      const cpu = process.cpuUsage(cpuBefore);
      const fakeCpuMs = (cpu.user + cpu.system) / 1000;
      results.push({ label, variants: expected.variants, rows: report.result.rows, report, fakeCpuMs });

      const { result } = report;
      const stored = await db.query<{ status: string; rowCount: number; csvKey: string; totals: { impressions: number }; images: { uploaded: number } | null; statistics: number; impressions: number }>(
        `SELECT e.status, e."rowCount", e."csvKey", e.totals, e.images,
                (SELECT count(*)::int FROM "VariantDailyStatistics" v WHERE v."exportId" = e.id) AS statistics,
                (SELECT coalesce(sum(impressions), 0)::int FROM "VariantDailyStatistics" v WHERE v."exportId" = e.id) AS impressions
         FROM "StatisticsExport" e WHERE e."shopId" = $1 AND e.date = $2::date`,
        [shop.shopId, DAY],
      );
      const row = stored.rows[0];
      const csv = row?.csvKey ? (await objects.get(row.csvKey)).body.toString("utf8") : "";
      const csvRows = Papa.parse(csv, { header: true, skipEmptyLines: true }).data.length;
      const rssMb = report.maxRssBytes / MB;
      console.log(
        `  ${label.padEnd(5)} ${expected.variants.toLocaleString("en").padStart(7)} variants  ${result.status}  ${seconds(report.wallMs).padStart(9)}   peak RSS ${rssMb.toFixed(0).padStart(4)} MB ${rssMb < RSS_GOAL_MB ? "✓" : "✗"} (goal < ${RSS_GOAL_MB})` +
          `   Admin API ${seconds(report.adminMs)} in ${report.adminRequests} requests (${((100 * report.adminMs) / report.wallMs).toFixed(0)} % of the export; fake's own CPU ${seconds(fakeCpuMs)})` +
          `   images uploaded ${row?.images?.uploaded?.toLocaleString("en") ?? "?"}`,
      );
      if (result.error) console.log(`    error: ${result.error}`);
      const countsOk = result.status === "COMPLETED" && result.rows === expected.expectedRows && row?.status === "COMPLETED" && row.rowCount === result.rows && row.statistics === result.rows && csvRows === result.rows;
      console.log(
        `    rows: export ${result.rows.toLocaleString("en")}, expected (variants + extra arms) ${expected.expectedRows.toLocaleString("en")}, stored ${row?.statistics?.toLocaleString("en") ?? "none"}, CSV ${csvRows.toLocaleString("en")} ${check(countsOk, `${label} export row counts disagree`)}`,
      );
      const totalsOk = row?.totals?.impressions === expected.impressions && row?.impressions === expected.impressions;
      console.log(`    impressions: raw ${expected.impressions.toLocaleString("en")}, totals ${row?.totals?.impressions ?? "none"}, Σ rows ${row?.impressions ?? "none"} ${check(totalsOk, `${label} export impressions disagree with the raw events`)}`);
    }
  } finally {
    await objects.close();
    await fake.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  return results;
}

const runStarted = performance.now();
const database = await createBenchDatabase("abt_bench_export");
const db = new pg.Client({ connectionString: database.url });
await db.connect();
try {
  const seeded = await seed(db);
  const metrics = await benchMetrics(database.url, db, seeded.shops);
  const exports = await benchExport(database.url, db, [
    { label: "1k", shop: seeded.small },
    { label: `${Math.round(BIG_VARIANTS / 1000)}k`, shop: seeded.big },
  ]);
  const [small, big] = exports;
  const rssRatio = big.report.maxRssBytes / small.report.maxRssBytes;

  console.log(`\n── summary ─────────────────────────────────────────────`);
  console.log(`seed:          ${seconds(seeded.seedMs)} for ${seeded.stats.events.toLocaleString("en")} events, ${seeded.stats.shops} shops, ${seeded.stats.variants.toLocaleString("en")} variants`);
  console.log(`metrics step:  ${seconds(metrics.metrics)}   raw GROUP BY: ${seconds(metrics.raw)}   ratio ${metrics.ratio.toFixed(2)} (goal ≤ ${RATIO_GOAL}) ${metrics.ratio <= RATIO_GOAL ? "✓" : "✗"}`);
  for (const { label, variants, rows, report, fakeCpuMs } of exports) {
    const rssMb = report.maxRssBytes / MB;
    console.log(
      `export ${label.padEnd(5)} ${variants.toLocaleString("en").padStart(7)} variants, ${rows.toLocaleString("en").padStart(7)} rows: ${seconds(report.wallMs).padStart(9)}  peak RSS ${rssMb.toFixed(0).padStart(4)} MB (goal < ${RSS_GOAL_MB}) ${rssMb < RSS_GOAL_MB ? "✓" : "✗"}` +
        `  catalog fetch ${seconds(report.adminMs)} = ${((100 * report.adminMs) / report.wallMs).toFixed(0)} % (fake's CPU ${seconds(fakeCpuMs)})`,
    );
  }
  console.log(`RSS ratio ${big.label}/1k: ${rssRatio.toFixed(2)}`);
  console.log(`correctness:   ${problems.length === 0 ? "all checks passed ✓" : `${problems.length} check(s) failed ✗`}`);
  for (const problem of problems) console.log(`  ✗ ${problem}`);
  console.log(`total run:     ${seconds(performance.now() - runStarted)}`);
} finally {
  await db.end();
  await database.drop();
}
process.exitCode = problems.length === 0 ? 0 : 1;
