// Test-level totals per arm (DESIGN §4 definitions) from the rollup the database keeps on every event
// insert (migration 20261201000000): distinct visitors over the whole test, not sums of daily distincts,
// and Σ per-visitor revenue², which Welch's test on revenue per visitor needs. One query for any number
// of tests, scoped to the shop through the test.
import type { Prisma, PrismaClient } from "@prisma/client";
import { REVENUE_CAP_PERCENTILE, type ArmTotals, type RevenueCap } from "../../lib/statistics";

export type ArmTotalsByTest = Map<string, { control: ArmTotals; treatment: ArmTotals }>;

const empty = (): ArmTotals => ({ visitors: 0, impressions: 0, addToCarts: 0, orders: 0, units: 0, revenue: 0, revenueSumOfSquares: 0 });

export async function readArmTotals(prisma: PrismaClient, shopId: string, testIds: string[]): Promise<ArmTotalsByTest> {
  const totals: ArmTotalsByTest = new Map(testIds.map((id) => [id, { control: empty(), treatment: empty() }]));
  if (testIds.length === 0) return totals;
  const rows = await prisma.aBTestArmTotals.findMany({ where: { testId: { in: testIds }, test: { shopId } } });
  for (const row of rows) {
    totals.get(row.testId)![row.arm === "CONTROL" ? "control" : "treatment"] = {
      // BIGINT columns (so no sum can overflow them) come back as bigint; any count of stored rows is far
      // below 2^53, where a double is still exact.
      visitors: Number(row.visitors),
      impressions: Number(row.impressions),
      addToCarts: Number(row.addToCarts),
      orders: Number(row.orders),
      units: Number(row.units),
      revenue: row.revenue.toNumber(),
      revenueSumOfSquares: row.revenueSumOfSquares.toNumber(),
    };
  }
  return totals;
}

export interface CappedRevenue {
  cap: RevenueCap;
  control: { sum: number; sumOfSquares: number };
  treatment: { sum: number; sumOfSquares: number };
}

/**
 * Σ and Σ² per arm of per-visitor revenue capped at the REVENUE_CAP_PERCENTILE of the test's buyers
 * (both arms pooled, so both arms are capped alike), in ONE query over the per-visitor rollup: the
 * cap by percentile_disc (an observed value, no interpolation), then the capped sums. Buyers only:
 * visitors without revenue add 0 to both sums. Scoped to the shop through the test.
 */
export async function readCappedRevenue(prisma: PrismaClient, shopId: string, testId: string): Promise<CappedRevenue> {
  const rows = await prisma.$queryRaw<{ arm: "CONTROL" | "TREATMENT"; amount: Prisma.Decimal; sum: Prisma.Decimal; sumOfSquares: Prisma.Decimal; capped: bigint }[]>`
    WITH buyers AS (
      SELECT r."arm", r."revenue" FROM "ABTestVisitorRevenue" r
      JOIN "ABTest" t ON t."id" = r."testId" AND t."shopId" = ${shopId}
      WHERE r."testId" = ${testId} AND r."revenue" > 0
    ), cap AS (
      SELECT percentile_disc(${REVENUE_CAP_PERCENTILE}::float8) WITHIN GROUP (ORDER BY "revenue") AS amount FROM buyers
    )
    SELECT b."arm", cap.amount,
      sum(LEAST(b."revenue", cap.amount)) AS sum,
      sum(LEAST(b."revenue", cap.amount) * LEAST(b."revenue", cap.amount)) AS "sumOfSquares",
      count(*) FILTER (WHERE b."revenue" > cap.amount) AS capped
    FROM buyers b CROSS JOIN cap
    GROUP BY b."arm", cap.amount`;
  const result: CappedRevenue = { cap: { amount: null, cappedVisitors: 0 }, control: { sum: 0, sumOfSquares: 0 }, treatment: { sum: 0, sumOfSquares: 0 } };
  for (const row of rows) {
    result.cap = { amount: row.amount.toNumber(), cappedVisitors: result.cap.cappedVisitors + Number(row.capped) };
    result[row.arm === "CONTROL" ? "control" : "treatment"] = { sum: row.sum.toNumber(), sumOfSquares: row.sumOfSquares.toNumber() };
  }
  return result;
}
