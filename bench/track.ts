// `npm run bench:track`: the app's POST /track (production build, own process, real Postgres) against
// the ceiling (bare node:http + batched INSERT, bench/ceiling-server.ts), both driven in this run with
// the same pixel-shaped load at 50 connections. Prints throughput, latency, the app/ceiling ratio, and
// whether every acknowledged event was stored (zero loss).
import { execFileSync } from "node:child_process";
import pg from "pg";
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
