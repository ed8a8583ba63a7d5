// The JSON export's per-test section (issue #11 item 7): for every test running on the shop-day, each
// arm's sufficient statistics CUMULATIVE TO THE END OF THAT DAY and the outputs the results page would
// have shown then (lift, always-valid interval, chance, SRM p-value, verdict), so an analyst can
// recompute every figure from the file alone. Cut at the day's end, not "now", so a rerun of the
// shop-day gives the same bytes (DESIGN §4 idempotency) however much later it runs.
//
// One aggregate query over the raw events of the day's tests (index (testId, createdAt)); the cap on
// per-visitor revenue is the same as the page's (REVENUE_CAP_PERCENTILE of the test's buyers, both arms
// pooled, percentile_disc). eventType = 'PURCHASE' is the rollups' definition of a purchase that counts:
// an order line Shopify confirmed, in the shop's currency (ADR 008); claims (PURCHASE_CLAIM) never count.
import type { Prisma, PrismaClient } from "@prisma/client";
import { analyzeTest, countDaysRunning, REVENUE_CAP_PERCENTILE, type SequentialComparison, type TestPhase } from "../../lib/statistics";

export interface TestArmStatistics {
  visitors: number;
  impressions: number;
  addToCarts: number;
  orders: number;
  units: number;
  /** Σ line revenue, raw (2 decimals, as stored). */
  revenue: string;
  /** Σ per-visitor revenue², raw (4 decimals). */
  revenueSumOfSquares: string;
  /** Σ and Σ² of per-visitor revenue capped at `revenueCap.amount` (what the statistics use). */
  cappedRevenue: string;
  cappedRevenueSumOfSquares: string;
}

export interface TestSection {
  testId: string;
  productId: string;
  trafficSplit: number;
  /** End of the exported day (exclusive): every figure counts events created before it. */
  asOf: string;
  startedAt: string;
  endedAt: string | null;
  daysRunning: number;
  arms: { CONTROL: TestArmStatistics; TREATMENT: TestArmStatistics };
  revenueCap: { percentile: number; amount: string | null; cappedVisitors: number };
  results: {
    verdict: string;
    method: string;
    mixtureStandardDeviation: number;
    confidenceLevel: number;
    conversionRate: SequentialComparison;
    addToCartRate: SequentialComparison;
    revenuePerVisitor: SequentialComparison;
    sampleRatioPValue: number;
    /** The one-look statistics, for comparison only (not what the page decides on). */
    fixedHorizon: { conversionRatePValue: number | null; revenuePerVisitorPValue: number | null };
  };
}

export interface TestOnExportDay {
  id: string;
  productId: string;
  trafficSplit: number;
  startedAt: Date | null;
  endedAt: Date | null;
}

interface Row {
  testId: string;
  arm: "CONTROL" | "TREATMENT";
  visitors: bigint;
  impressions: bigint;
  addToCarts: bigint;
  orders: bigint;
  units: bigint;
  revenue: Prisma.Decimal;
  revenueSumOfSquares: Prisma.Decimal;
  cappedRevenue: Prisma.Decimal;
  cappedRevenueSumOfSquares: Prisma.Decimal;
  cap: Prisma.Decimal | null;
  cappedVisitors: bigint;
}

const emptyArm = (): TestArmStatistics => ({
  visitors: 0,
  impressions: 0,
  addToCarts: 0,
  orders: 0,
  units: 0,
  revenue: "0.00",
  revenueSumOfSquares: "0.0000",
  cappedRevenue: "0.00",
  cappedRevenueSumOfSquares: "0.0000",
});

export async function readTestSections(prisma: PrismaClient, shopId: string, tests: TestOnExportDay[], end: Date): Promise<TestSection[]> {
  const started = tests.filter((test): test is TestOnExportDay & { startedAt: Date } => test.startedAt !== null);
  if (started.length === 0) return [];
  const rows = await prisma.$queryRaw<Row[]>`
    WITH events AS (
      SELECT "testId", "arm", "eventType", "visitorId", "orderId", "quantity", "revenue" FROM "ABTestEvent"
      WHERE "shopId" = ${shopId} AND "testId" = ANY(${started.map((test) => test.id)}::text[]) AND "createdAt" < ${end}
    ), per_visitor AS (
      SELECT "testId", "arm", "visitorId", sum("revenue") AS revenue FROM events
      WHERE "eventType" = 'PURCHASE' GROUP BY 1, 2, 3 HAVING sum("revenue") > 0
    ), caps AS (
      SELECT "testId", percentile_disc(${REVENUE_CAP_PERCENTILE}::float8) WITHIN GROUP (ORDER BY revenue) AS cap FROM per_visitor GROUP BY 1
    ), revenue AS (
      SELECT p."testId", p."arm",
        sum(p.revenue * p.revenue) AS squares,
        sum(LEAST(p.revenue, c.cap)) AS capped,
        sum(LEAST(p.revenue, c.cap) * LEAST(p.revenue, c.cap)) AS capped_squares,
        count(*) FILTER (WHERE p.revenue > c.cap) AS capped_visitors
      FROM per_visitor p JOIN caps c ON c."testId" = p."testId" GROUP BY 1, 2
    ), counts AS (
      SELECT "testId", "arm",
        count(DISTINCT "visitorId") FILTER (WHERE "eventType" = 'IMPRESSION') AS visitors,
        count(*) FILTER (WHERE "eventType" = 'IMPRESSION') AS impressions,
        count(*) FILTER (WHERE "eventType" = 'ADD_TO_CART') AS add_to_carts,
        count(DISTINCT "orderId") FILTER (WHERE "eventType" = 'PURCHASE') AS orders,
        coalesce(sum("quantity") FILTER (WHERE "eventType" = 'PURCHASE'), 0) AS units,
        coalesce(sum("revenue") FILTER (WHERE "eventType" = 'PURCHASE'), 0) AS revenue
      FROM events GROUP BY 1, 2
    )
    SELECT k."testId", k."arm"::text AS arm, k.visitors, k.impressions, k.add_to_carts AS "addToCarts", k.orders, k.units, k.revenue,
      coalesce(r.squares, 0) AS "revenueSumOfSquares", coalesce(r.capped, 0) AS "cappedRevenue",
      coalesce(r.capped_squares, 0) AS "cappedRevenueSumOfSquares", c.cap, coalesce(r.capped_visitors, 0) AS "cappedVisitors"
    FROM counts k
    LEFT JOIN revenue r ON r."testId" = k."testId" AND r."arm" = k."arm"
    LEFT JOIN caps c ON c."testId" = k."testId"`;

  return started.map((test) => {
    const arms = { CONTROL: emptyArm(), TREATMENT: emptyArm() };
    let cap: string | null = null;
    let cappedVisitors = 0;
    for (const row of rows.filter((candidate) => candidate.testId === test.id)) {
      arms[row.arm] = {
        visitors: Number(row.visitors),
        impressions: Number(row.impressions),
        addToCarts: Number(row.addToCarts),
        orders: Number(row.orders),
        units: Number(row.units),
        revenue: row.revenue.toFixed(2),
        revenueSumOfSquares: row.revenueSumOfSquares.toFixed(4),
        cappedRevenue: row.cappedRevenue.toFixed(2),
        cappedRevenueSumOfSquares: row.cappedRevenueSumOfSquares.toFixed(4),
      };
      cap = row.cap === null ? null : row.cap.toFixed(2);
      cappedVisitors += Number(row.cappedVisitors);
    }
    const endedBy = test.endedAt !== null && test.endedAt < end ? test.endedAt : null;
    // The status on that day is not stored (a pause is not dated): a test is "ended" once its end is
    // inside the window, "running" otherwise.
    const phase: TestPhase = endedBy ? "ended" : "running";
    const daysRunning = countDaysRunning(test.startedAt, endedBy ?? end);
    const totals = (arm: TestArmStatistics) => ({
      visitors: arm.visitors,
      impressions: arm.impressions,
      addToCarts: arm.addToCarts,
      orders: arm.orders,
      units: arm.units,
      revenue: Number(arm.revenue),
      revenueSumOfSquares: Number(arm.revenueSumOfSquares),
      cappedRevenue: { sum: Number(arm.cappedRevenue), sumOfSquares: Number(arm.cappedRevenueSumOfSquares) },
    });
    const analysis = analyzeTest({
      trafficSplit: test.trafficSplit,
      daysRunning,
      phase,
      control: totals(arms.CONTROL),
      treatment: totals(arms.TREATMENT),
      revenueCap: { amount: cap === null ? null : Number(cap), cappedVisitors },
    });
    return {
      testId: test.id,
      productId: test.productId,
      trafficSplit: test.trafficSplit,
      asOf: end.toISOString(),
      startedAt: test.startedAt.toISOString(),
      endedAt: endedBy?.toISOString() ?? null,
      daysRunning,
      arms,
      revenueCap: { percentile: REVENUE_CAP_PERCENTILE, amount: cap, cappedVisitors },
      results: {
        verdict: analysis.verdict,
        method: analysis.method.name,
        mixtureStandardDeviation: analysis.method.mixtureStandardDeviation,
        confidenceLevel: analysis.confidenceLevel,
        conversionRate: analysis.conversionRate.sequential,
        addToCartRate: analysis.addToCartRate.sequential,
        revenuePerVisitor: analysis.revenuePerVisitor.sequential,
        sampleRatioPValue: analysis.sampleRatio.pValue,
        fixedHorizon: { conversionRatePValue: analysis.conversionRate.fixedHorizon.pValue, revenuePerVisitorPValue: analysis.revenuePerVisitor.fixedHorizon.pValue },
      },
    };
  });
}
