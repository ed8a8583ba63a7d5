// `npm run bench:track`: the app's POST /track (production build, own process, real Postgres) against
// the ceiling (bare node:http + batched INSERT, bench/ceiling-server.ts), both driven in this run with
// the same pixel-shaped load at 50 connections. Prints throughput, latency, the app/ceiling ratio, and
// whether every acknowledged event was stored (zero loss).
// `npm run bench:track -- --vercel-output DIR` measures the Vercel build instead, in the same run and
// with the same load: the /track function (api/track.ts, no Remix), the Remix route's function and the
// ceiling, each function run from its traced files only (scripts/verify-vercel.ts; DIR is a project
// built by `vercel build`, e.g. the copy `npm run verify:vercel -- --keep` leaves).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { startFunctionProcess } from "../scripts/lib/vercel-function-process";
import { listFunctions, stageFunction } from "../scripts/lib/vercel-output";
import { createBenchDatabase } from "./lib/bench-database";
import { startChildServer } from "./lib/child-server";
import { runPixelLoad, type LoadResult, type LoadTarget } from "./lib/pixel-load";

const DURATION = Number(process.env.BENCH_SECONDS ?? 15);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);

async function seedShop(db: pg.Client, name: string) {
  const shopId = `bench-${name}`;
  await db.query(`INSERT INTO "ShopCredential" (id, "shopDomain", "myshopifyDomain", "apiKey", "updatedAt") VALUES ($1, $2, $2, 'bench', now())`, [shopId, `${name}.myshopify.com`]);
  const testId = `bench-test-${name}`;
  await db.query(
    `INSERT INTO "ABTest" (id, "shopId", "productId", name, status, "trafficSplit", "controlImages", "treatmentImages", "startedAt", "updatedAt")
     VALUES ($1, $2, 'gid://shopify/Product/7001', 'bench', 'ACTIVE', 50, '[]', '[]', now(), now())`,
    [testId, shopId],
  );
  return { shopId, testId, shop: `${name}.myshopify.com` };
}

async function measure(label: string, target: LoadTarget, db: pg.Client, shopId: string) {
  await runPixelLoad(target, { durationSeconds: WARMUP });
  const result = await runPixelLoad(target, { durationSeconds: DURATION });
  const { rows } = await db.query<{ count: string }>(`SELECT count(*) FROM "ABTestEvent" WHERE "shopId" = $1 AND "eventId" = ANY($2::text[])`, [
    shopId,
    result.acknowledgedIds,
  ]);
  return { label, result, stored: Number(rows[0].count) };
}

function row({ label, result, stored }: { label: string; result: LoadResult; stored: number }) {
  return `${label.padEnd(8)} ${result.requestsPerSecond.toFixed(0).padStart(7)} req/s ${result.eventsPerSecond.toFixed(0).padStart(7)} ev/s   p50 ${String(result.p50).padStart(4)} ms   p99 ${String(result.p99).padStart(4)} ms   non-2xx ${result.non2xx}   errors ${result.errors}   acknowledged ${result.acknowledgedIds.length}   of them stored ${stored}`;
}

const { values: options } = parseArgs({ options: { "vercel-output": { type: "string" } }, strict: true });
if (options["vercel-output"]) {
  await benchVercelBuild(path.resolve(options["vercel-output"]));
  process.exit(process.exitCode ?? 0);
}

console.log("Building the app (remix vite:build)…");
execFileSync("node_modules/.bin/remix", ["vite:build"], { stdio: "ignore" });
const database = await createBenchDatabase("abt_bench_track");
const db = new pg.Client({ connectionString: database.url });
await db.connect();
const appShop = await seedShop(db, "bench-app");
const ceilingShop = await seedShop(db, "bench-ceiling");

const app = await startChildServer("node_modules/.bin/tsx", ["scripts/start.ts"], {
  NODE_ENV: "production",
  HOST: "127.0.0.1",
  PORT: "0",
  DATABASE_URL: database.url,
  SHOPIFY_API_KEY: "bench-key",
  SHOPIFY_API_SECRET: "bench-secret",
  SHOPIFY_APP_URL: "https://bench.example",
  SCOPES: "read_products",
  CRON_SECRET: "bench-cron-secret-0000",
  // The load stands for many shoppers behind one proxy (each request names its client in X-Forwarded-For)
  // and measures capacity, so the per-shop budget is lifted above it.
  TRUSTED_PROXIES: "127.0.0.1",
  TRACK_SHOP_EVENTS_PER_SECOND: "1000000",
  ENCRYPTION_KEY: "1b32c28cb38c05480eccc1bd60ff97029b57a05c96718b96dad7e9d84894f549",
});
const ceiling = await startChildServer("node_modules/.bin/tsx", ["bench/ceiling-server.ts"], {
  DATABASE_URL: database.url,
  CEILING_SHOP_ID: ceilingShop.shopId,
  CEILING_TEST_ID: ceilingShop.testId,
});

try {
  console.log(`Load: 50 connections, ${WARMUP} s warm-up + ${DURATION} s measured, pixel-shaped bodies (80% view, 15% add-to-cart, 5% 2-line purchase)\n`);
  const appRun = await measure("app", { url: app.url, shop: appShop.shop, testId: appShop.testId, productId: "7001", trafficSplit: 50 }, db, appShop.shopId);
  const ceilingRun = await measure("ceiling", { url: ceiling.url, shop: ceilingShop.shop, testId: ceilingShop.testId, productId: "7001", trafficSplit: 50 }, db, ceilingShop.shopId);
  console.log(row(appRun));
  console.log(row(ceilingRun));
  const ratio = appRun.result.requestsPerSecond / ceilingRun.result.requestsPerSecond;
  console.log(`\nratio app/ceiling (req/s): ${ratio.toFixed(2)}   goal ≥ 0.60 ${ratio >= 0.6 ? "✓" : "✗"}`);
  console.log(`app p99: ${appRun.result.p99} ms   goal ≤ 50 ms ${appRun.result.p99 <= 50 ? "✓" : "✗"}`);
  const lossless = appRun.stored === appRun.result.acknowledgedIds.length && appRun.result.non2xx === 0;
  console.log(`zero loss: ${appRun.stored} of ${appRun.result.acknowledgedIds.length} acknowledged events found in the table ${lossless ? "✓" : "✗"}`);
  process.exitCode = lossless ? 0 : 1;
} finally {
  await app.stop();
  await ceiling.stop();
  await db.end();
  await database.drop();
}

async function benchVercelBuild(project: string) {
  const functions = new Map(listFunctions(path.join(project, ".vercel/output")).map((fn) => [fn.name, fn]));
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), "abt-bench-vercel-"));
  const database = await createBenchDatabase("abt_bench_track_vercel");
  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  const shops = { fn: await seedShop(db, "bench-fn"), remix: await seedShop(db, "bench-remix"), ceiling: await seedShop(db, "bench-ceiling") };
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    NODE_ENV: "production",
    VERCEL: "1",
    DATABASE_URL: database.url,
    DATA_DIR: path.join(staging, "data"),
    SHOPIFY_API_KEY: "bench-key",
    SHOPIFY_API_SECRET: "bench-secret",
    SHOPIFY_APP_URL: "https://bench.example",
    SCOPES: "read_products",
    CRON_SECRET: "bench-cron-secret-0000",
    TRACK_SHOP_EVENTS_PER_SECOND: "1000000",
    ENCRYPTION_KEY: "1b32c28cb38c05480eccc1bd60ff97029b57a05c96718b96dad7e9d84894f549",
  };
  const start = (name: string) => {
    const fn = functions.get(name);
    if (!fn) throw new Error(`no function ${name} in ${project}/.vercel/output`);
    const dir = path.join(staging, name.replace(/\//g, "_"));
    stageFunction(fn, project, dir);
    // The load plays many shoppers from one host: their addresses arrive as X-Forwarded-For.
    return startFunctionProcess(dir, fn.config.handler, env, { clientAddressFromForwardedFor: true });
  };
  const fn = await start("api/track.ts");
  const remix = await start("track");
  const ceiling = await startChildServer("node_modules/.bin/tsx", ["bench/ceiling-server.ts"], {
    DATABASE_URL: database.url,
    CEILING_SHOP_ID: shops.ceiling.shopId,
    CEILING_TEST_ID: shops.ceiling.testId,
  });
  const target = (url: string, shop: { shop: string; testId: string }) => ({ url, shop: shop.shop, testId: shop.testId, productId: "7001", trafficSplit: 50 });
  try {
    console.log(`Vercel build in ${project}: each function from its traced files under the launcher shim`);
    console.log(`Load: 50 connections, ${WARMUP} s warm-up + ${DURATION} s measured, pixel-shaped bodies (80% view, 15% add-to-cart, 5% 2-line purchase)\n`);
    const runs = {
      fn: await measure("fn", target(fn.url, shops.fn), db, shops.fn.shopId),
      remix: await measure("remix", target(remix.url, shops.remix), db, shops.remix.shopId),
      ceiling: await measure("ceiling", target(ceiling.url, shops.ceiling), db, shops.ceiling.shopId),
    };
    for (const run of Object.values(runs)) console.log(row(run));
    const rps = (run: { result: LoadResult }) => run.result.requestsPerSecond;
    console.log(`\nratio api/track function / ceiling (req/s): ${(rps(runs.fn) / rps(runs.ceiling)).toFixed(2)}`);
    console.log(`ratio Remix route function / ceiling (req/s): ${(rps(runs.remix) / rps(runs.ceiling)).toFixed(2)}`);
    console.log(`ratio api/track function / Remix route function: ${(rps(runs.fn) / rps(runs.remix)).toFixed(2)}`);
    const lossless = [runs.fn, runs.remix].every((run) => run.stored === run.result.acknowledgedIds.length && run.result.non2xx === 0);
    console.log(`zero loss (both functions): ${lossless ? "✓" : "✗"}`);
    process.exitCode = lossless ? 0 : 1;
  } finally {
    await Promise.all([fn.stop(), remix.stop(), ceiling.stop()]);
    await db.end();
    await database.drop();
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
