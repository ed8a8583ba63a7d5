// The dashboard: running tests with their headline result, the pixel's health, the last export.
import type { PrismaClient } from "@prisma/client";
import { analyzeTest, countDaysRunning } from "../../lib/statistics";
import { getPixelHealth } from "../tracking/get-pixel-health";
import { PHASES } from "./get-test-results";
import { readArmTotals } from "./read-arm-totals";

export async function getDashboard(prisma: PrismaClient, shopId: string, now = new Date()) {
  const [shop, tests, lastExport, health] = await Promise.all([
    prisma.shopCredential.findUniqueOrThrow({ where: { id: shopId }, select: { shopDomain: true, myshopifyDomain: true, currencyCode: true } }),
    prisma.aBTest.findMany({ where: { shopId }, orderBy: [{ status: "asc" }, { createdAt: "desc" }], take: 100 }),
    prisma.statisticsExport.findFirst({ where: { shopId }, orderBy: { date: "desc" }, select: { id: true, date: true, status: true, rowCount: true, error: true } }),
    getPixelHealth(prisma, [shopId], now),
  ]);
  const running = tests.filter((test) => test.status === "ACTIVE" || test.status === "PAUSED");
  const totals = await readArmTotals(prisma, shopId, running.map((test) => test.id));
  const pixel = health.get(shopId)!;
  return {
    shop: shop.myshopifyDomain ?? shop.shopDomain,
    tests: tests.map((test) => {
      const arms = totals.get(test.id);
      const analysis = arms
        ? analyzeTest({ trafficSplit: test.trafficSplit, daysRunning: test.startedAt ? countDaysRunning(test.startedAt, now) : 0, phase: PHASES[test.status], ...arms, currencyCode: shop.currencyCode })
        : null;
      return {
        id: test.id,
        name: test.name,
        status: test.status,
        visitors: arms ? arms.control.visitors + arms.treatment.visitors : null,
        headline: analysis?.headlines.verdict ?? null,
        verdict: analysis?.verdict ?? null,
      };
    }),
    pixel: { eventsLast24h: pixel.eventsLast24h, lastEventAt: pixel.lastEventAt?.toISOString() ?? null, silent: running.some((test) => test.status === "ACTIVE") && pixel.eventsLast24h === 0 },
    lastExport: lastExport ? { date: lastExport.date.toISOString().slice(0, 10), status: lastExport.status, rows: lastExport.rowCount, error: lastExport.error } : null,
  };
}
