// Everything the test detail page shows: the test, its statistics (app/lib/statistics) and the daily
// conversion series by arm. Scoped to the shop: another shop's test id is "not found".
import type { PrismaClient } from "@prisma/client";
import { analyzeTest, buildDailySeries, countDaysRunning, type TestPhase } from "../../lib/statistics";
import type { TestImage } from "../../lib/storefront-config";
import { NotFoundError } from "./ab-test-errors";
import { readArmTotals, readCappedRevenue } from "./read-arm-totals";
import { readDailySeries } from "./read-daily-series";

/** The analysis's wording follows the test's status; a paused test promises no "N more days". */
export const PHASES: Record<"DRAFT" | "ACTIVE" | "PAUSED" | "COMPLETED", TestPhase> = { DRAFT: "draft", ACTIVE: "running", PAUSED: "paused", COMPLETED: "ended" };

export async function getTestResults(prisma: PrismaClient, shopId: string, testId: string, now = new Date()) {
  const test = await prisma.aBTest.findFirst({ where: { id: testId, shopId }, include: { shop: { select: { currencyCode: true } } } });
  if (!test) throw new NotFoundError("Test");
  const [totals, capped, daily, mediaOrder] = await Promise.all([
    readArmTotals(prisma, shopId, [test.id]),
    readCappedRevenue(prisma, shopId, test.id),
    readDailySeries(prisma, test.id, now),
    prisma.aBTestMediaOrder.findFirst({ where: { testId: test.id, shopId }, select: { keptAt: true, restoredAt: true, previousMediaIds: true, keptMediaIds: true } }),
  ]);
  const arms = totals.get(test.id)!;
  const daysRunning = test.startedAt ? countDaysRunning(test.startedAt, test.endedAt ?? now) : 0;
  const analysis = analyzeTest({
    trafficSplit: test.trafficSplit,
    daysRunning,
    phase: PHASES[test.status],
    control: { ...arms.control, cappedRevenue: capped.control },
    treatment: { ...arms.treatment, cappedRevenue: capped.treatment },
    revenueCap: capped.cap,
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
      /** Elapsed days from start to end (or to now while it has not ended); 0 for a draft. */
      daysRunning,
      controlImages: test.controlImages as unknown as TestImage[],
      treatmentImages: test.treatmentImages as unknown as TestImage[],
    },
    analysis,
    /** "Keep treatment images" (apply-winner.ts): whether the product shows the treatment's order now. */
    mediaOrder: {
      kept: mediaOrder !== null && mediaOrder.restoredAt === null,
      keptAt: mediaOrder?.keptAt.toISOString() ?? null,
      restoredAt: mediaOrder?.restoredAt?.toISOString() ?? null,
      /** The order "Restore original order" puts back; null when nothing was kept. */
      previousMediaIds: mediaOrder?.previousMediaIds ?? null,
    },
    series: buildDailySeries(daily),
  };
}
