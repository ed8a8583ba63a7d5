// Test-level totals per arm (DESIGN §4 definitions) from the rollup the database keeps on every event
// insert (migration 20261201000000): distinct visitors over the whole test, not sums of daily distincts,
// and Σ per-visitor revenue², which Welch's test on revenue per visitor needs. One query for any number
// of tests, scoped to the shop through the test.
import type { PrismaClient } from "@prisma/client";
import type { ArmTotals } from "../../lib/statistics";

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
