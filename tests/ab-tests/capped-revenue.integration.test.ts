// Revenue per visitor is compared on per-visitor revenue capped at the 99.9th percentile of the
// test's buyers (REVENUE_CAP_PERCENTILE): one query over the per-visitor rollup. Checked here against
// an independent recount in TypeScript over the same purchases, with outliers that must be capped.
import type { Prisma } from "@prisma/client";
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { REVENUE_CAP_PERCENTILE } from "../../app/lib/statistics";
import { getTestResults } from "../../app/services/ab-tests/get-test-results";
import { readCappedRevenue } from "../../app/services/ab-tests/read-arm-totals";
import { createABTest } from "../support/ab-tests";
import { createInstalledShop, type InstalledShop } from "../support/shops";

let shop: InstalledShop;
beforeEach(async () => {
  shop = await createInstalledShop(prisma);
});

/** percentile_disc(p): the smallest value whose cumulative share reaches p (SQL standard), over sorted values. */
function percentileDisc(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

/** 2,500 buyers with 1–3 lines each in cents, plus a few huge orders; returns events and per-visitor cents. */
function generatePurchases(testId: string) {
  const events: Prisma.ABTestEventCreateManyInput[] = [];
  const perVisitor = new Map<string, { arm: "CONTROL" | "TREATMENT"; cents: number }>();
  let seed = 7;
  const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
  for (let buyer = 0; buyer < 2500; buyer++) {
    const arm = buyer % 2 ? "TREATMENT" : "CONTROL";
    const visitorId = `buyer-${buyer}`;
    const lines = 1 + Math.floor(random() * 3);
    let cents = 0;
    for (let line = 0; line < lines; line++) {
      // Outliers: five buyers spend 1,000,000.00 on a line (the §4 maximum) — they must be capped.
      const lineCents = buyer % 500 === 3 ? 100_000_000 : 500 + Math.floor(random() * 20_000);
      cents += lineCents;
      events.push({
        shopId: shop.shopId,
        testId,
        arm,
        eventType: "PURCHASE",
        productId: "gid://shopify/Product/111",
        visitorId,
        eventId: `p-${buyer}:${line}`,
        orderId: `o-${buyer}`,
        quantity: 1,
        revenue: (lineCents / 100).toFixed(2),
        currency: "EUR",
        occurredAt: new Date(),
      });
    }
    perVisitor.set(visitorId, { arm, cents });
  }
  return { events, perVisitor };
}

describe("readCappedRevenue", () => {
  it("GIVEN 2,500 buyers with five 1,000,000.00 outliers THEN the cap, capped sums and squares equal an independent recount", async () => {
    const test = await createABTest(prisma, shop.shopId);
    const { events, perVisitor } = generatePurchases(test.id);
    await prisma.aBTestEvent.createMany({ data: events });

    const result = await readCappedRevenue(prisma, shop.shopId, test.id);

    const sorted = [...perVisitor.values()].map((visitor) => visitor.cents).sort((a, b) => a - b);
    const capCents = percentileDisc(sorted, REVENUE_CAP_PERCENTILE);
    const expected = { CONTROL: { sum: 0, squares: 0n }, TREATMENT: { sum: 0, squares: 0n } };
    let cappedVisitors = 0;
    for (const { arm, cents } of perVisitor.values()) {
      const capped = Math.min(cents, capCents);
      if (cents > capCents) cappedVisitors++;
      expected[arm].sum += capped;
      expected[arm].squares += BigInt(capped) * BigInt(capped);
    }
    expect(REVENUE_CAP_PERCENTILE).toBe(0.999);
    expect(cappedVisitors).toBeGreaterThan(0);
    expect(result.cap).toEqual({ amount: capCents / 100, cappedVisitors });
    for (const arm of ["CONTROL", "TREATMENT"] as const) {
      const got = result[arm === "CONTROL" ? "control" : "treatment"];
      expect(got.sum.toFixed(2)).toBe((expected[arm].sum / 100).toFixed(2));
      // Σ(cents²)/10⁴, exact in BigInt, compared to 4 decimals.
      expect(got.sumOfSquares.toFixed(4)).toBe((Number(expected[arm].squares) / 10_000).toFixed(4));
    }
  });

  it("GIVEN a test without purchases, or another shop's test THEN no cap and zero sums", async () => {
    const test = await createABTest(prisma, shop.shopId);
    const other = await createInstalledShop(prisma);
    await prisma.aBTestEvent.createMany({ data: generatePurchases(test.id).events.slice(0, 10) });

    expect(await readCappedRevenue(prisma, shop.shopId, (await createABTest(prisma, shop.shopId, { productId: "gid://shopify/Product/222" })).id)).toEqual({
      cap: { amount: null, cappedVisitors: 0 },
      control: { sum: 0, sumOfSquares: 0 },
      treatment: { sum: 0, sumOfSquares: 0 },
    });
    expect((await readCappedRevenue(prisma, other.shopId, test.id)).cap.amount).toBeNull();
  });

  it("GIVEN outliers WHEN the results page loads THEN the table keeps the raw revenue and the statistics use the capped sums", async () => {
    const test = await createABTest(prisma, shop.shopId);
    const { events } = generatePurchases(test.id);
    await prisma.aBTestEvent.createMany({ data: events });

    const { analysis } = await getTestResults(prisma, shop.shopId, test.id);
    const capped = await readCappedRevenue(prisma, shop.shopId, test.id);

    // The outliers are all in treatment (odd buyers).
    const raw = events.filter((event) => event.arm === "TREATMENT").reduce((sum, event) => sum + Math.round(Number(event.revenue) * 100), 0) / 100;
    expect(analysis.arms.treatment.revenue).toBeCloseTo(raw, 2);
    expect(analysis.revenuePerVisitor.cap).toEqual({ ...capped.cap, percentile: 0.999 });
    expect(analysis.revenuePerVisitor.cap!.cappedVisitors).toBeGreaterThan(0);
    expect(capped.treatment.sum).toBeLessThan(raw);
  });
});
