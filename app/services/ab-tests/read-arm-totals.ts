// Test-level totals per arm from the raw events (DESIGN §4 definitions), for the statistics: distinct
// visitors over the whole test (not sums of daily distincts) and Σ per-visitor revenue², which
// Welch's test on revenue per visitor needs. One query for any number of tests.
import type { PrismaClient } from "@prisma/client";
import type { ArmTotals } from "../../lib/statistics";

export type ArmTotalsByTest = Map<string, { control: ArmTotals; treatment: ArmTotals }>;

interface Row {
  testId: string;
  arm: "CONTROL" | "TREATMENT";
  visitors: number;
  impressions: number;
  addToCarts: number;
  orders: number;
  units: number;
  revenue: string;
  revenueSumOfSquares: string;
}

const empty = (): ArmTotals => ({ visitors: 0, impressions: 0, addToCarts: 0, orders: 0, units: 0, revenue: 0, revenueSumOfSquares: 0 });

export async function readArmTotals(prisma: PrismaClient, shopId: string, testIds: string[]): Promise<ArmTotalsByTest> {
  const totals: ArmTotalsByTest = new Map(testIds.map((id) => [id, { control: empty(), treatment: empty() }]));
  if (testIds.length === 0) return totals;
  const rows = await prisma.$queryRaw<Row[]>`
    WITH per_visitor AS (
      SELECT "testId", arm, "visitorId",
        bool_or("eventType" = 'IMPRESSION') AS seen,
        count(*) FILTER (WHERE "eventType" = 'IMPRESSION') AS impressions,
        count(*) FILTER (WHERE "eventType" = 'ADD_TO_CART') AS carts,
        coalesce(sum(quantity) FILTER (WHERE "eventType" = 'PURCHASE'), 0) AS units,
        coalesce(sum(revenue) FILTER (WHERE "eventType" = 'PURCHASE'), 0) AS revenue
      FROM "ABTestEvent" WHERE "shopId" = ${shopId} AND "testId" = ANY(${testIds}::text[])
      GROUP BY 1, 2, 3
    ), per_arm_orders AS (
      SELECT "testId", arm, count(DISTINCT "orderId") AS orders
      FROM "ABTestEvent" WHERE "shopId" = ${shopId} AND "testId" = ANY(${testIds}::text[]) AND "eventType" = 'PURCHASE'
      GROUP BY 1, 2
    )
    SELECT v."testId", v.arm::text AS arm,
      (count(*) FILTER (WHERE seen))::int AS visitors,
      sum(impressions)::int AS impressions,
      sum(carts)::int AS "addToCarts",
      coalesce(max(o.orders), 0)::int AS orders,
      sum(units)::int AS units,
      sum(revenue)::text AS revenue,
      sum(revenue * revenue)::text AS "revenueSumOfSquares"
    FROM per_visitor v LEFT JOIN per_arm_orders o ON o."testId" = v."testId" AND o.arm = v.arm
    GROUP BY 1, 2`;
  for (const row of rows) {
    const entry = totals.get(row.testId)!;
    entry[row.arm === "CONTROL" ? "control" : "treatment"] = {
      visitors: row.visitors,
      impressions: row.impressions,
      addToCarts: row.addToCarts,
      orders: row.orders,
      units: row.units,
      revenue: Number(row.revenue),
      revenueSumOfSquares: Number(row.revenueSumOfSquares),
    };
  }
  return totals;
}
