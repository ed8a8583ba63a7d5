// Everything the test detail page shows: the test, its statistics (app/lib/statistics) and the daily
// conversion series by arm. Scoped to the shop: another shop's test id is "not found".
import type { PrismaClient } from "@prisma/client";
import { analyzeTest, buildDailySeries, countDaysRunning } from "../../lib/statistics";
import type { TestImage } from "../../lib/storefront-config";
import { NotFoundError } from "./ab-test-errors";
import { readArmTotals } from "./read-arm-totals";
import { readDailySeries } from "./read-daily-series";

export async function getTestResults(prisma: PrismaClient, shopId: string, testId: string, now = new Date()) {
  const test = await prisma.aBTest.findFirst({ where: { id: testId, shopId }, include: { shop: { select: { currencyCode: true } } } });
  if (!test) throw new NotFoundError("Test");
  const [totals, daily] = await Promise.all([readArmTotals(prisma, shopId, [test.id]), readDailySeries(prisma, test.id, now)]);
  const arms = totals.get(test.id)!;
  const analysis = analyzeTest({
    trafficSplit: test.trafficSplit,
    daysRunning: test.startedAt ? countDaysRunning(test.startedAt, test.endedAt ?? now) : 0,
    ended: test.endedAt !== null,
    control: arms.control,
    treatment: arms.treatment,
    currencyCode: test.shop.currencyCode,
  });
  return {
    test: {
      id: test.id,
      name: test.name,
      productId: test.productId,
      status: test.status,
      trafficSplit: test.trafficSplit,
      startedAt: test.startedAt?.toISOString() ?? null,
      endedAt: test.endedAt?.toISOString() ?? null,
      controlImages: test.controlImages as unknown as TestImage[],
      treatmentImages: test.treatmentImages as unknown as TestImage[],
    },
    analysis,
    series: buildDailySeries(daily),
  };
}
