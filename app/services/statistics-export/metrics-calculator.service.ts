// A day's metrics in one aggregate query (never a query per variant), grouped by shop, product,
// variant and arm — for one shop, or for all the shops a daily run exports in a single pass over the
// day's events. Definitions (DESIGN §4): impressions = IMPRESSION events; visitors = distinct visitors
// with an IMPRESSION; addToCarts = ADD_TO_CART events; orders = distinct orders among PURCHASE
// events; units = Σ quantity and revenue = Σ line revenue of PURCHASE events. A PURCHASE is an order
// line Shopify confirmed (ADR 008): its amounts are the line's in the shop's currency, so revenue sums
// one currency. unverifiedOrders = distinct orders (or checkouts) of the purchases /track was told of
// (PURCHASE_CLAIM) whose 72 h to be matched by Shopify's order ended that day without one; counted
// on that day so a finished day's count never changes (a later order no longer verifies the claim).
import { Prisma, type PrismaClient } from "@prisma/client";
import { dayRange } from "../../lib/days";

export interface Metrics {
  impressions: number;
  visitors: number;
  addToCarts: number;
  orders: number;
  units: number;
  /** Decimal string with 2 places, exact (summed in SQL numeric). */
  revenue: string;
  /** Claimed purchases whose 72 h window closed that day without Shopify's order. */
  unverifiedOrders: number;
}

export interface VariantMetrics extends Metrics {
  productId: string;
  /** "" for events that named no variant. */
  variantId: string;
  arm: "CONTROL" | "TREATMENT";
  testId: string;
  currency: string | null;
}

/** Shop-day totals with distinct counts done right (not sums of per-variant distincts). */
export interface DayTotals extends Metrics {
  byArm: Partial<Record<"CONTROL" | "TREATMENT", Metrics>>;
}

export interface DailyMetrics {
  variants: VariantMetrics[];
  totals: DayTotals;
}

/** One aggregate row, positional as the query's json_build_array lists it. */
type MetricsTuple = [
  level: number,
  productId: string | null,
  variantId: string | null,
  arm: "CONTROL" | "TREATMENT" | null,
  testId: string | null,
  impressions: number,
  visitors: number,
  addToCarts: number,
  orders: number,
  units: number,
  revenue: string,
  currency: string | null,
  unverifiedOrders: number,
];

const ARMS = ["CONTROL", "TREATMENT"] as const;

/**
 * One row per shop with events that day: the shop's metrics as a JSON document (see parseDailyMetrics).
 * GROUPING SETS gives per-variant rows, per-arm and shop totals in the same scan. Two tests on one
 * product in one day (one ended, the next started) share a (variant, arm) row, which names the later
 * test. Counts and Σ quantity stay bigint (an int cast overflowed at 2^31 units, issue #9): they reach JS
 * as JSON numbers, exact below 2^53; revenue travels as text, exact at any size (numeric(30,2), the
 * width of the columns it is stored in).
 * The grouping keys and the DISTINCT arguments are opaque ids compared in COLLATE "C" (bytes): the
 * database's linguistic collation (C.UTF-8 or en_US through libc) makes every comparison of the sort
 * and of the distinct counts a strcoll() call, which was ~40 % of the aggregate's time on a
 * million-event day (bench/export.ts). Groups and counts are unchanged: under a deterministic
 * collation two strings are equal only if their bytes are. max("testId") and min(currency) keep the
 * default collation, so which value they pick is unchanged too. Each shop's document is built in the
 * database, so a pass over many shops reaches the client as one string per shop, not a row per variant.
 */
function metricsQuery(shopIds: string[], day: string): Prisma.Sql {
  const { start, end } = dayRange(day);
  const claimsFrom = new Date(start.getTime() - CLAIM_WINDOW_MS);
  const claimsTo = new Date(end.getTime() - CLAIM_WINDOW_MS);
  // Two aggregates joined per shop: the day's events (claims excluded: they count in nothing), and the
  // claims whose window closed that day without a verified order line of their order (or checkout) and
  // product that arrived within 72 h. Apart, not one scan over a UNION: the day's scan keeps its plan
  // (a UNION below the aggregate cost the metrics step ~12 %, bench/export.ts seed), and the claims'
  // side reads only claims through their partial index. parseDailyMetrics folds the second into the first.
  return Prisma.sql`
    SELECT "shopId", json_agg(json_build_array(level, "productId", "variantId", arm, "testId", impressions, visitors, "addToCarts", orders, units, revenue, currency, "unverifiedOrders"))::text AS document
    FROM (
      SELECT
        "shopKey" AS "shopId",
        GROUPING("productKey", "variantKey", arm)::int AS level,
        "productKey" AS "productId",
        "variantKey" AS "variantId",
        arm::text AS arm,
        max("testId") AS "testId",
        count(*) FILTER (WHERE "eventType" = 'IMPRESSION') AS impressions,
        count(DISTINCT "visitorId" COLLATE "C") FILTER (WHERE "eventType" = 'IMPRESSION') AS visitors,
        count(*) FILTER (WHERE "eventType" = 'ADD_TO_CART') AS "addToCarts",
        count(DISTINCT "orderId" COLLATE "C") FILTER (WHERE "eventType" = 'PURCHASE') AS orders,
        coalesce(sum(quantity) FILTER (WHERE "eventType" = 'PURCHASE'), 0) AS units,
        (coalesce(sum(revenue) FILTER (WHERE "eventType" = 'PURCHASE'), 0))::numeric(30, 2)::text AS revenue,
        min(currency) FILTER (WHERE "eventType" = 'PURCHASE') AS currency,
        0::bigint AS "unverifiedOrders"
      FROM (SELECT *, "shopId" COLLATE "C" AS "shopKey", "productId" COLLATE "C" AS "productKey", coalesce("variantId", '') COLLATE "C" AS "variantKey"
            FROM "ABTestEvent"
            WHERE "shopId" = ANY(${shopIds}::text[]) AND "createdAt" >= ${start} AND "createdAt" < ${end} AND "eventType" <> 'PURCHASE_CLAIM') AS e
      GROUP BY GROUPING SETS (("shopKey", "productKey", "variantKey", arm), ("shopKey", arm), ("shopKey"))
      UNION ALL
      SELECT "shopKey", GROUPING("productKey", "variantKey", arm)::int, "productKey", "variantKey", arm::text, max("testId"),
        0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint, '0.00', NULL::text,
        count(DISTINCT "claimKey")
      FROM (SELECT c."shopId" COLLATE "C" AS "shopKey", c."productId" COLLATE "C" AS "productKey", coalesce(c."variantId", '') COLLATE "C" AS "variantKey",
              c.arm, c."testId", coalesce(c."orderId", c."checkoutToken") COLLATE "C" AS "claimKey"
            FROM "ABTestEvent" c
            WHERE c."shopId" = ANY(${shopIds}::text[]) AND c."eventType" = 'PURCHASE_CLAIM' AND c."createdAt" >= ${claimsFrom} AND c."createdAt" < ${claimsTo}
              AND NOT EXISTS (
                SELECT 1 FROM "VerifiedOrderLine" l
                WHERE l."shopId" = c."shopId" AND l."productId" = c."productId" AND l."receivedAt" <= c."createdAt" + interval '72 hours'
                  AND (l."orderId" = c."orderId" OR l."checkoutToken" = c."checkoutToken"))) AS claims
      GROUP BY GROUPING SETS (("shopKey", "productKey", "variantKey", arm), ("shopKey", arm), ("shopKey"))
    ) AS g
    GROUP BY "shopId"`;
}

/** How long a claimed purchase waits for Shopify's order (DESIGN §4; the SQL matcher uses the same 72 h). */
export const CLAIM_WINDOW_MS = 72 * 60 * 60 * 1000;

const zero = (): Metrics => ({ impressions: 0, visitors: 0, addToCarts: 0, orders: 0, units: 0, revenue: "0.00", unverifiedOrders: 0 });

/** A shop's metrics from its document; undefined (no events that day) gives zeros. */
export function parseDailyMetrics(document: string | undefined): DailyMetrics {
  const metrics: DailyMetrics = { variants: [], totals: { ...zero(), byArm: {} } };
  const byArm: DayTotals["byArm"] = {};
  const variants = new Map<string, VariantMetrics>();
  const tuples = document === undefined ? [] : (JSON.parse(document) as MetricsTuple[]);
  // The day's tuples (unverifiedOrders 0) first, then the expired claims' (≥ 1), which add their count
  // to the day's tuple of the same key or stand alone with zero metrics.
  for (const claims of [false, true]) {
    for (const tuple of tuples) {
      const [level, productId, variantId, arm, testId, impressions, visitors, addToCarts, orders, units, revenue, currency, unverifiedOrders] = tuple;
      if (unverifiedOrders > 0 !== claims) continue;
      const key = level === 0 ? `${productId}|${variantId}|${arm}` : null;
      const existing = key ? variants.get(key) : arm ? byArm[arm] : metrics.totals;
      if (claims && existing) {
        existing.unverifiedOrders += unverifiedOrders;
        continue;
      }
      const values: Metrics = { impressions, visitors, addToCarts, orders, units, revenue, unverifiedOrders };
      if (level === 0) {
        const variant = { productId: productId!, variantId: variantId!, arm: arm!, testId: testId!, currency, ...values };
        variants.set(key!, variant);
        metrics.variants.push(variant);
      } else if (arm) byArm[arm] = values;
      else Object.assign(metrics.totals, values);
    }
  }
  // Arms in a fixed order: the totals are part of the JSON file, whose bytes must not depend on row order.
  for (const arm of ARMS) if (byArm[arm]) metrics.totals.byArm[arm] = byArm[arm];
  return metrics;
}

/** One shop-day's metrics (a single-shop run). */
export async function calculateDailyMetrics(prisma: PrismaClient, shopId: string, day: string): Promise<DailyMetrics> {
  const [row] = await prisma.$queryRaw<{ document: string }[]>(metricsQuery([shopId], day));
  return parseDailyMetrics(row?.document);
}

/**
 * The day's metrics of many shops in one pass, handed over shop by shop through a cursor so the client
 * holds one shop's document at a time, however many shops the day has. The pass first fills a temporary
 * table: Postgres never runs a cursor's own query with parallel workers, a CREATE TABLE AS it does, and
 * the cursor then only streams finished documents. Shops without events that day are not handed over.
 * The transaction lasts as long as the pass: `onShop` should just store.
 */
export async function streamDailyMetrics(
  prisma: PrismaClient,
  shopIds: string[],
  day: string,
  onShop: (shopId: string, document: string) => Promise<void>,
): Promise<void> {
  await prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`CREATE TEMPORARY TABLE daily_metrics ON COMMIT DROP AS ${metricsQuery(shopIds, day)}`;
      await tx.$executeRaw`DECLARE daily_metrics_cursor NO SCROLL CURSOR FOR SELECT "shopId", document FROM daily_metrics`;
      for (;;) {
        const [row] = await tx.$queryRaw<{ shopId: string; document: string }[]>`FETCH 1 FROM daily_metrics_cursor`;
        if (!row) return;
        await onShop(row.shopId, row.document);
      }
    },
    { timeout: 600_000, maxWait: 30_000 },
  );
}
