// The shop bench/admin-loaders.ts measures, written with set-based SQL (millions of rows in seconds):
// one installed shop (credential + offline session), 50 tests of every status, 365 days of completed
// daily exports with their per-variant statistics, and the raw pixel events of every test that ran.
//
// Traffic is that of a mid-size store: each tested product page gets 300–3,000 visitors a day; a
// visitor views it once (a third of them twice), 10% add to cart, 3.3% buy. The busiest ACTIVE test has
// run 60 days at 3,000 visitors a day. Arms alternate in the tests' 50% split.
import type pg from "pg";
import { EVENT_COLUMN_LIST } from "../app/services/tracking/event-columns";
import type { FakeProduct } from "../tests/fake-shopify/catalog";

const DAY_MS = 24 * 3600_000;
export const SEED_DAYS = 365;
export const VARIANTS_PER_DAY = 50;
const STATISTICS_ARMS = ["CONTROL", "TREATMENT", "NONE"] as const;
/** Visitors a day on a tested product page, by test index (mod 10). */
const DAILY_VISITORS = [3000, 2000, 1500, 1200, 1000, 800, 600, 500, 400, 300];
/** Days each ACTIVE test (index 0–9) has been running. */
const ACTIVE_DAYS = [60, 45, 30, 28, 21, 14, 10, 7, 5, 3];

export interface SeedShop {
  shopId: string;
  shopDomain: string;
  accessToken: string;
  apiKey: string;
}

export interface SeededTest {
  id: string;
  status: "DRAFT" | "ACTIVE" | "PAUSED" | "COMPLETED";
  productId: string;
  visitors: number;
}

export interface SeedResult {
  tests: SeededTest[];
  events: number;
  exports: number;
  variantStatistics: number;
}

interface TestPlan extends SeededTest {
  name: string;
  startedAt: Date | null;
  endedAt: Date | null;
  /** Events span [from, to). */
  from: Date | null;
  to: Date | null;
}

function planTests(catalog: FakeProduct[], now: Date): TestPlan[] {
  const withImages = catalog.filter((product) => product.media.length > 0);
  return Array.from({ length: 50 }, (_, index) => {
    // Running tests (ACTIVE, PAUSED) need distinct products: one running test per product.
    const product = withImages[index % withImages.length];
    const perDay = DAILY_VISITORS[index % 10];
    const base = { id: `bench-test-${String(index).padStart(2, "0")}`, productId: product.id, name: `${product.title}: new images` };
    if (index < 10) {
      const startedAt = new Date(now.getTime() - ACTIVE_DAYS[index] * DAY_MS);
      return { ...base, status: "ACTIVE", startedAt, endedAt: null, from: startedAt, to: new Date(now.getTime() - 60_000), visitors: ACTIVE_DAYS[index] * perDay };
    }
    if (index < 15) {
      const startedAt = new Date(now.getTime() - (21 + index) * DAY_MS);
      const pausedAt = new Date(startedAt.getTime() + 21 * DAY_MS);
      return { ...base, status: "PAUSED", startedAt, endedAt: null, from: startedAt, to: pausedAt, visitors: 21 * perDay };
    }
    if (index < 25) return { ...base, status: "DRAFT", startedAt: null, endedAt: null, from: null, to: null, visitors: 0 };
    // COMPLETED: 3 weeks each, spread over the year.
    const startedAt = new Date(now.getTime() - (340 - (index - 25) * 13) * DAY_MS);
    const endedAt = new Date(startedAt.getTime() + 21 * DAY_MS);
    return { ...base, status: "COMPLETED", startedAt, endedAt, from: startedAt, to: endedAt, visitors: 21 * perDay };
  });
}

const images = (product: FakeProduct, origin: string, order: "same" | "reversed") => {
  const media = order === "same" ? product.media : [...product.media].reverse();
  return media.map((image) => ({ mediaId: image.id, url: `${origin}/cdn/files/${image.fileName}.png`, altText: image.alt, width: image.width, height: image.height }));
};

export async function seedAdminShop(db: pg.Client, shop: SeedShop, catalog: FakeProduct[], options: { scopes: string; now?: Date }): Promise<SeedResult> {
  const now = options.now ?? new Date();
  await db.query(
    `INSERT INTO "ShopCredential" (id, "shopDomain", "myshopifyDomain", "apiKey", mode, "currencyCode", "ianaTimezone", "updatedAt")
     VALUES ($1, $2, $2, $3, 'PUBLIC', 'EUR', 'Europe/Berlin', now())`,
    [shop.shopId, shop.shopDomain, shop.apiKey],
  );
  // The offline session the app stores on install (token exchange), linked to the shop.
  await db.query(
    `INSERT INTO "Session" (id, shop, state, "isOnline", scope, "accessToken", "shopId") VALUES ($1, $2, '', false, $3, $4, $5)`,
    [`offline_${shop.shopDomain}`, shop.shopDomain, options.scopes, shop.accessToken, shop.shopId],
  );

  const tests = planTests(catalog, now);
  const productById = new Map(catalog.map((product) => [product.id, product]));
  for (const test of tests) {
    const product = productById.get(test.productId)!;
    await db.query(
      `INSERT INTO "ABTest" (id, "shopId", "productId", name, status, "trafficSplit", "controlImages", "treatmentImages", "startedAt", "endedAt", "createdAt", "updatedAt")
       VALUES ($1, $2, $3, $4, $5, 50, $6, $7, $8::timestamptz AT TIME ZONE 'UTC', $9::timestamptz AT TIME ZONE 'UTC',
         coalesce($8::timestamptz, now()) AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')`,
      [test.id, shop.shopId, test.productId, test.name, test.status, JSON.stringify(images(product, "https://cdn.shopify.com/s", "same")), JSON.stringify(images(product, "https://cdn.shopify.com/s", "reversed")), test.startedAt, test.endedAt],
    );
  }

  // Raw events, one INSERT … SELECT per test. Visitor v: an impression (k=1), a second one for every
  // third visitor (k=2), an add-to-cart for every tenth (k=3), a purchase for every thirtieth (k=4);
  // spread evenly over the test's running time. Arm: v·7919 mod 100 < 50 (uniform over any 100 visitors).
  let events = 0;
  for (const test of tests) {
    if (!test.from || !test.to || test.visitors === 0) continue;
    const variants = productById.get(test.productId)!.variants.map((variant) => variant.id);
    const result = await db.query(
      `INSERT INTO "ABTestEvent" (${EVENT_COLUMN_LIST})
       SELECT $3 || '-' || v || '-' || k, $1, $2,
         (CASE WHEN (v::bigint * 7919) % 100 < 50 THEN 'TREATMENT' ELSE 'CONTROL' END)::"Arm",
         e.type::"EventType", $4, ($5::text[])[1 + v % cardinality($5::text[])],
         md5($2 || ':' || v)::uuid::text,
         $3 || '-' || v || '-' || k,
         CASE WHEN k = 4 THEN 1 + v % 2 ELSE 1 END,
         CASE WHEN k = 4 THEN (19.90 + (v % 80))::numeric(12, 2) END,
         CASE WHEN k = 4 THEN 'EUR' END,
         CASE WHEN k = 4 THEN 'gid://shopify/Order/' || $3 || v END,
         t.at, t.at, NULL
       FROM generate_series(0, $6::int - 1) AS v
       CROSS JOIN LATERAL (VALUES (1, 'IMPRESSION'), (2, 'IMPRESSION'), (3, 'ADD_TO_CART'), (4, 'PURCHASE')) AS e(k, type)
       CROSS JOIN LATERAL (SELECT ($7::timestamptz + ((v::float8 / $6) * $8::float8 + (k - 1) * 60) * interval '1 second') AT TIME ZONE 'UTC' AS at) AS t
       WHERE k = 1 OR (k = 2 AND v % 3 = 0) OR (k = 3 AND v % 10 = 0) OR (k = 4 AND v % 30 = 0)`,
      [shop.shopId, test.id, test.id.replace("bench-test-", "t"), test.productId, variants, test.visitors, test.from, (test.to.getTime() - test.from.getTime()) / 1000 - 240],
    );
    events += result.rowCount ?? 0;
  }

  // 365 completed daily exports, and each day's per-variant, per-arm statistics (50 variants × 3 arms).
  const firstDay = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - SEED_DAYS * DAY_MS);
  const exportsResult = await db.query(
    `INSERT INTO "StatisticsExport" (id, "shopId", date, status, "csvKey", "jsonKey", "rowCount", totals, "startedAt", "completedAt")
     SELECT 'bench-export-' || d, $1, ($2::date + d), 'COMPLETED',
       'statistics-exports/' || $1 || '/' || ($2::date + d) || '/statistics.csv',
       'statistics-exports/' || $1 || '/' || ($2::date + d) || '/statistics.json',
       $3::int, json_build_object('impressions', 4000 + d, 'orders', 40 + d % 17, 'revenue', (1200 + d)::text || '.50', 'rows', $3::int),
       ($2::date + d + 1) + interval '5 minutes', ($2::date + d + 1) + interval '7 minutes'
     FROM generate_series(0, $4::int - 1) AS d`,
    [shop.shopId, firstDay.toISOString().slice(0, 10), VARIANTS_PER_DAY * STATISTICS_ARMS.length, SEED_DAYS],
  );
  const variants = catalog.flatMap((product) => product.variants.map((variant) => ({ productId: product.id, variantId: variant.id }))).slice(0, VARIANTS_PER_DAY);
  const statisticsResult = await db.query(
    `INSERT INTO "VariantDailyStatistics" (id, "shopId", date, "productId", "variantId", arm, impressions, visitors, "addToCarts", orders, units, revenue, currency, ctr, "conversionRate", "exportId")
     SELECT 'bench-stat-' || d || '-' || i || '-' || a.arm, $1, ($2::date + d), ($3::text[])[i], ($4::text[])[i], a.arm::"StatisticsArm",
       100 + (d + i) % 50, 80 + (d + i) % 40, 8 + i % 5, 2 + d % 3, 3 + d % 3, (50 + i)::numeric(12, 2), 'EUR', 0.08, 0.025, 'bench-export-' || d
     FROM generate_series(0, $5::int - 1) AS d, generate_series(1, cardinality($3::text[])) AS i,
       unnest(ARRAY['CONTROL', 'TREATMENT', 'NONE']) AS a(arm)`,
    [shop.shopId, firstDay.toISOString().slice(0, 10), variants.map((variant) => variant.productId), variants.map((variant) => variant.variantId), SEED_DAYS],
  );
  // As autovacuum would have done on a live database: fresh statistics and visibility maps.
  await db.query(`VACUUM ANALYZE`);
  return {
    tests: tests.map(({ id, status, productId, visitors }) => ({ id, status, productId, visitors })),
    events,
    exports: exportsResult.rowCount ?? 0,
    variantStatistics: statisticsResult.rowCount ?? 0,
  };
}
