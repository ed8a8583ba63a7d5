// Seeds the export benchmark's database in a few set-based statements (generate_series / unnest, never
// a row per round trip): shops, ACTIVE tests on their tested products, and a day of pixel events shaped
// like production traffic — interleaved across shops in arrival order, so each shop's rows are spread
// over the whole table as they are after a real day of /track inserts.
import type pg from "pg";
import { EVENT_COLUMN_LIST } from "../../app/services/tracking/event-columns";
import type { FakeProduct } from "../../tests/fake-shopify/catalog";

export interface SeededShop {
  shopId: string;
  shopDomain: string;
  /** Events seeded inside the benchmark day (neighbouring days not counted). */
  events: number;
}

export interface ExportShopSeed extends SeededShop {
  accessToken: string;
  catalog: FakeProduct[];
  testedProductIds: string[];
}

export interface TrafficOptions {
  day: string;
  shops: number;
  /** Tested products of the smallest shop; each larger shop has `productStep` more. */
  baseProducts: number;
  productStep: number;
  variantsPerProduct: number;
  events: number;
}

const DAY_SECONDS = 86_400;

/**
 * Traffic shares follow a Zipf-like curve (a few big shops, a long tail), as across real merchants.
 * Integer counts that add up exactly to `total`.
 */
function zipfCounts(total: number, shops: number, exponent = 0.7): number[] {
  const weights = Array.from({ length: shops }, (_, index) => 1 / (index + 1) ** exponent);
  const sum = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((weight) => Math.floor((total * weight) / sum));
  counts[0] += total - counts.reduce((a, b) => a + b, 0);
  return counts;
}

async function insertShops(db: pg.Client, shops: { id: string; domain: string }[]) {
  await db.query(
    `INSERT INTO "ShopCredential" (id, "shopDomain", "myshopifyDomain", "apiKey", "currencyCode", "updatedAt")
     SELECT id, domain, domain, 'bench', 'EUR', now() FROM unnest($1::text[], $2::text[]) AS s(id, domain)`,
    [shops.map((shop) => shop.id), shops.map((shop) => shop.domain)],
  );
}

/** One ACTIVE test per tested product (the partial unique index allows no more), plus an older COMPLETED one on every 10th. */
async function insertTests(db: pg.Client, day: string, tests: { shopId: string; productId: string; testId: string }[]) {
  await db.query(
    `INSERT INTO "ABTest" (id, "shopId", "productId", name, status, "trafficSplit", "controlImages", "treatmentImages", "startedAt", "endedAt", "updatedAt")
     SELECT t.test_id, t.shop_id, t.product_id, 'Lifestyle photo first', 'ACTIVE'::"ABTestStatus", 50, '[]'::jsonb, '[]'::jsonb, $4::timestamp - interval '10 days', NULL, now()
     FROM unnest($1::text[], $2::text[], $3::text[]) AS t(shop_id, product_id, test_id)
     UNION ALL
     SELECT t.test_id || '-old', t.shop_id, t.product_id, 'Earlier try', 'COMPLETED'::"ABTestStatus", 50, '[]'::jsonb, '[]'::jsonb, $4::timestamp - interval '40 days', $4::timestamp - interval '12 days', now()
     FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS t(shop_id, product_id, test_id, n) WHERE t.n % 10 = 0`,
    [tests.map((test) => test.shopId), tests.map((test) => test.productId), tests.map((test) => test.testId), `${day} 00:00:00`],
  );
}

/**
 * Events for each shop's tested variants, in one INSERT … SELECT ordered by createdAt (arrival order).
 * Mix: 85 % IMPRESSION, 12 % ADD_TO_CART, 3 % PURCHASE lines (quantity 1–3, revenue, EUR, orders of
 * one to several lines); ~4 events per visitor; 0.5 % without a variant id (never a first touch); the arm is a stable
 * function of (test, visitor) as the storefront's assignment is. A shop's first events touch each of
 * its variants once, so every seeded variant appears in the day.
 * `variantIds[s]` lists shop s's tested variants; `productIds[s]` and `testIds[s]` run parallel to it.
 */
async function insertGeneratedEvents(
  db: pg.Client,
  window: { from: string; seconds: number },
  shops: { shopId: string; events: number; variantIds: string[]; productIds: string[]; testIds: string[] }[],
) {
  if (shops.every((shop) => shop.events === 0)) return;
  // Flattened per-shop variant lists: shop s's variants are rows [offset[s], offset[s] + count[s]) of v.
  const offsets: number[] = [];
  let offset = 0;
  for (const shop of shops) {
    offsets.push(offset);
    offset += shop.variantIds.length;
  }
  await db.query(
    `WITH v AS (
       SELECT ord::int - 1 AS n, variant_id, product_id, test_id
       FROM unnest($5::text[], $6::text[], $7::text[]) WITH ORDINALITY AS v(variant_id, product_id, test_id, ord)
     ),
     raw AS (
       SELECT s.shop_id, s.shop_no, g.i, s.events, s.variant_count,
              s.first + CASE WHEN g.i < s.variant_count THEN g.i ELSE floor(random() * s.variant_count)::int END AS vn,
              floor(random() * greatest(1, s.events / 4))::int AS visitor,
              random() AS roll,
              $8::timestamp + make_interval(secs => floor(random() * $9::int * 1000) / 1000.0) AS created_at
       FROM unnest($1::text[], $2::int[], $3::int[], $4::int[]) WITH ORDINALITY AS s(shop_id, events, first, variant_count, shop_no)
       CROSS JOIN LATERAL generate_series(0, s.events - 1) AS g(i)
     ),
     e AS (
       SELECT raw.*, v.product_id, v.test_id,
              CASE WHEN raw.roll < 0.005 AND raw.i >= raw.variant_count THEN NULL ELSE v.variant_id END AS variant_id,
              'v' || raw.shop_no || '-' || raw.visitor AS visitor_id,
              CASE WHEN raw.roll < 0.85 THEN 'IMPRESSION' WHEN raw.roll < 0.97 THEN 'ADD_TO_CART' ELSE 'PURCHASE' END AS event_type,
              1 + floor(random() * 3)::int AS purchase_quantity
       FROM raw JOIN v ON v.n = raw.vn
     )
     INSERT INTO "ABTestEvent" (${EVENT_COLUMN_LIST})
     SELECT gen_random_uuid()::text, shop_id, test_id,
            (CASE WHEN hashtext(test_id || visitor_id) & 1 = 0 THEN 'CONTROL' ELSE 'TREATMENT' END)::"Arm",
            event_type::"EventType", product_id, variant_id, visitor_id,
            CASE WHEN event_type = 'PURCHASE' THEN 'e' || i || ':0' ELSE 'e' || i END,
            CASE WHEN event_type = 'PURCHASE' THEN purchase_quantity ELSE 1 END,
            CASE WHEN event_type = 'PURCHASE' THEN (purchase_quantity * (9.99 + vn % 40))::numeric(12, 2) END,
            CASE WHEN event_type = 'PURCHASE' THEN 'EUR' END,
            -- ~0.6 orders per purchase line: many orders have several lines, possibly of different products.
            CASE WHEN event_type = 'PURCHASE' THEN 'gid://shopify/Order/' || (shop_no * 100000000 + floor(random() * greatest(1, events * 0.018))::bigint) END,
            created_at - make_interval(secs => floor(random() * 5000) / 1000.0),
            created_at,
            NULL
     FROM e
     ORDER BY created_at`,
    [
      shops.map((shop) => shop.shopId),
      shops.map((shop) => shop.events),
      offsets,
      shops.map((shop) => shop.variantIds.length),
      shops.flatMap((shop) => shop.variantIds),
      shops.flatMap((shop) => shop.productIds),
      shops.flatMap((shop) => shop.testIds),
      window.from,
      window.seconds,
    ],
  );
}

/** The metrics-benchmark shops: tested products with `variantsPerProduct` variants each, Zipf traffic. */
export async function seedTrafficShops(db: pg.Client, options: TrafficOptions): Promise<{ shops: SeededShop[]; variants: number }> {
  const counts = zipfCounts(options.events, options.shops);
  const shops = counts.map((events, index) => {
    const number = String(index + 1).padStart(2, "0");
    const products = options.baseProducts + options.productStep * (options.shops - 1 - index);
    const variantIds: string[] = [];
    const productIds: string[] = [];
    const testIds: string[] = [];
    for (let product = 0; product < products; product++) {
      // Shopify-sized ids, disjoint per shop.
      const productId = `gid://shopify/Product/${8_100_000_000_000 + (index + 1) * 1_000_000 + product}`;
      for (let position = 0; position < options.variantsPerProduct; position++) {
        variantIds.push(`gid://shopify/ProductVariant/${45_100_000_000_000 + (index + 1) * 10_000_000 + product * options.variantsPerProduct + position}`);
        productIds.push(productId);
        testIds.push(`bench-test-${number}-${product}`);
      }
    }
    return { shopId: `bench-shop-${number}`, shopDomain: `bench-${number}.myshopify.com`, events, variantIds, productIds, testIds };
  });
  await insertShops(db, shops.map((shop) => ({ id: shop.shopId, domain: shop.shopDomain })));
  await insertTests(
    db,
    options.day,
    shops.flatMap((shop) => shop.testIds.filter((_, index) => index % options.variantsPerProduct === 0).map((testId, index) => ({ shopId: shop.shopId, productId: shop.productIds[index * options.variantsPerProduct], testId }))),
  );
  await insertGeneratedEvents(db, { from: `${options.day} 00:00:00`, seconds: DAY_SECONDS }, shops);
  return { shops: shops.map(({ shopId, shopDomain, events }) => ({ shopId, shopDomain, events })), variants: shops.reduce((sum, shop) => sum + shop.variantIds.length, 0) };
}

/**
 * A shop ready for the whole export: credential, an offline session linked by shopId (how the app
 * finds its Admin API token), ACTIVE tests on `testedProducts` products, and `events` events on them.
 */
export async function seedExportShop(
  db: pg.Client,
  options: { name: string; day: string; catalog: FakeProduct[]; testedProducts: number; events: number },
): Promise<ExportShopSeed> {
  const shopId = `bench-export-${options.name}`;
  const shopDomain = `bench-export-${options.name}.myshopify.com`;
  const accessToken = `shpat_bench_${options.name}`;
  await insertShops(db, [{ id: shopId, domain: shopDomain }]);
  await db.query(
    `INSERT INTO "Session" (id, shop, state, "isOnline", "accessToken", scope, "shopId") VALUES ($1, $2, '', false, $3, 'read_products', $4)`,
    [`offline_${shopDomain}`, shopDomain, accessToken, shopId],
  );
  // Spread the tested products over the catalog rather than taking its first pages only.
  const stride = Math.max(1, Math.floor(options.catalog.length / options.testedProducts));
  const tested = options.catalog.filter((_, index) => index % stride === 0).slice(0, options.testedProducts);
  const tests = tested.map((product, index) => ({ shopId, productId: product.id, testId: `${shopId}-test-${index}` }));
  await insertTests(db, options.day, tests);
  const variants = tested.flatMap((product, index) => product.variants.map((variant) => ({ variantId: variant.id, productId: product.id, testId: tests[index].testId })));
  await insertGeneratedEvents(db, { from: `${options.day} 00:00:00`, seconds: DAY_SECONDS }, [
    { shopId, events: options.events, variantIds: variants.map((v) => v.variantId), productIds: variants.map((v) => v.productId), testIds: variants.map((v) => v.testId) },
  ]);
  return { shopId, shopDomain, events: options.events, accessToken, catalog: options.catalog, testedProductIds: tested.map((product) => product.id) };
}

/**
 * Events just outside the day, boundary instants included (the previous day's last millisecond, the
 * next day's first): an export that counted them would disagree with the raw GROUP BY's day.
 */
export async function seedNeighbouringDays(db: pg.Client, day: string, perSide: number) {
  for (const side of ["before", "after"] as const) {
    await db.query(
      `INSERT INTO "ABTestEvent" (${EVENT_COLUMN_LIST})
       SELECT gen_random_uuid()::text, e."shopId", e."testId", e.arm, e."eventType", e."productId", e."variantId", e."visitorId",
              $3 || '-' || e."eventId", e.quantity, NULL, NULL, NULL, t.at, t.at, NULL
       FROM (SELECT * FROM "ABTestEvent"
             WHERE "eventType" = 'IMPRESSION' AND "createdAt" >= $1::timestamp AND "createdAt" < $1::timestamp + interval '1 day'
             ORDER BY "createdAt" LIMIT $2) AS e
       CROSS JOIN LATERAL (SELECT CASE WHEN $3 = 'before'
                                       THEN $1::timestamp - make_interval(secs => CASE WHEN e."eventId" LIKE '%0' THEN 0.001 ELSE 1 + floor(random() * 86000) END)
                                       ELSE $1::timestamp + interval '1 day' + make_interval(secs => CASE WHEN e."eventId" LIKE '%0' THEN 0 ELSE floor(random() * 86000) END)
                                  END AS at) AS t`,
      [`${day} 00:00:00`, perSide, side],
    );
  }
}
