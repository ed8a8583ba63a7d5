// The shop-day's metrics in one aggregate query (never a query per variant), grouped by product,
// variant and arm. Definitions (DESIGN §4): impressions = IMPRESSION events; visitors = distinct
// visitors with an IMPRESSION; addToCarts = ADD_TO_CART events; orders = distinct orders among
// PURCHASE events; units = Σ quantity and revenue = Σ line revenue of PURCHASE events.
import type { PrismaClient } from "@prisma/client";
import { dayRange } from "../../lib/days";

export interface Metrics {
  impressions: number;
  visitors: number;
  addToCarts: number;
  orders: number;
  units: number;
  /** Decimal string with 2 places, exact (summed in SQL numeric). */
  revenue: string;
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

interface MetricsRow extends Metrics {
  level: number;
  productId: string | null;
  variantId: string | null;
  arm: "CONTROL" | "TREATMENT" | null;
  testId: string | null;
  currency: string | null;
}

const ZERO: Metrics = { impressions: 0, visitors: 0, addToCarts: 0, orders: 0, units: 0, revenue: "0.00" };

export async function calculateDailyMetrics(prisma: PrismaClient, shopId: string, day: string): Promise<DailyMetrics> {
  const { start, end } = dayRange(day);
  // GROUPING SETS gives per-variant rows, per-arm and shop totals in the same scan. Two tests on one
  // product in one day (one ended, the next started) share a (variant, arm) row, which names the later
  // test. Casts keep Postgres' bigint/numeric out of JS number territory.
  // The grouping keys and the DISTINCT arguments are opaque ids compared in COLLATE "C" (bytes): the
  // database's linguistic collation (C.UTF-8 or en_US through libc) makes every comparison of the sort
  // and of the distinct counts a strcoll() call, which was ~40 % of the aggregate's time on a
  // million-event day (bench/export.ts). Groups and counts are unchanged: under a deterministic
  // collation two strings are equal only if their bytes are. max("testId") and min(currency) keep the
  // default collation, so which value they pick is unchanged too.
  const rows = await prisma.$queryRaw<MetricsRow[]>`
    SELECT
      GROUPING("productKey", "variantKey", arm)::int AS level,
      "productKey" AS "productId",
      "variantKey" AS "variantId",
      arm::text AS arm,
      max("testId") AS "testId",
      (count(*) FILTER (WHERE "eventType" = 'IMPRESSION'))::int AS impressions,
      (count(DISTINCT "visitorId" COLLATE "C") FILTER (WHERE "eventType" = 'IMPRESSION'))::int AS visitors,
      (count(*) FILTER (WHERE "eventType" = 'ADD_TO_CART'))::int AS "addToCarts",
      (count(DISTINCT "orderId" COLLATE "C") FILTER (WHERE "eventType" = 'PURCHASE'))::int AS orders,
      (coalesce(sum(quantity) FILTER (WHERE "eventType" = 'PURCHASE'), 0))::int AS units,
      (coalesce(sum(revenue) FILTER (WHERE "eventType" = 'PURCHASE'), 0))::numeric(14, 2)::text AS revenue,
      min(currency) FILTER (WHERE "eventType" = 'PURCHASE') AS currency
    FROM (SELECT *, "productId" COLLATE "C" AS "productKey", coalesce("variantId", '') COLLATE "C" AS "variantKey" FROM "ABTestEvent"
          WHERE "shopId" = ${shopId} AND "createdAt" >= ${start} AND "createdAt" < ${end}) AS e
    GROUP BY GROUPING SETS (("productKey", "variantKey", arm), (arm), ())`;

  const metrics: DailyMetrics = { variants: [], totals: { ...ZERO, byArm: {} } };
  for (const { level, productId, variantId, arm, testId, currency, ...values } of rows) {
    if (level === 0) metrics.variants.push({ productId: productId!, variantId: variantId!, arm: arm!, testId: testId!, currency, ...values });
    else if (arm) metrics.totals.byArm[arm] = values;
    else Object.assign(metrics.totals, values);
  }
  return metrics;
}
