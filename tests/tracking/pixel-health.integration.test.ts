import { describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { getPixelHealth } from "../../app/services/tracking/get-pixel-health";
import { createABTest } from "../support/ab-tests";
import { createInstalledShop } from "../support/shops";

const NOW = new Date("2026-11-24T12:00:00.000Z");
const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3600_000);

describe("getPixelHealth", () => {
  it("GIVEN events at various ages THEN it counts the last 24 h and 7 d per shop and reports the last event time", async () => {
    const [shop, quiet, other] = await Promise.all([createInstalledShop(prisma), createInstalledShop(prisma), createInstalledShop(prisma)]);
    const test = await createABTest(prisma, shop.shopId);
    const otherTest = await createABTest(prisma, other.shopId);
    const event = (shopId: string, testId: string, createdAt: Date, n: number) => ({
      shopId,
      testId,
      createdAt,
      arm: "CONTROL" as const,
      eventType: "IMPRESSION" as const,
      productId: "gid://shopify/Product/111",
      visitorId: "v",
      eventId: `e-${shopId}-${n}`,
      occurredAt: createdAt,
    });
    await prisma.aBTestEvent.createMany({
      data: [
        event(shop.shopId, test.id, hoursAgo(1), 1),
        event(shop.shopId, test.id, hoursAgo(23.9), 2),
        event(shop.shopId, test.id, hoursAgo(24.1), 3),
        event(shop.shopId, test.id, hoursAgo(24 * 6.9), 4),
        event(shop.shopId, test.id, hoursAgo(24 * 8), 5),
        event(shop.shopId, test.id, new Date(NOW.getTime() + 60_000), 6),
        event(other.shopId, otherTest.id, hoursAgo(2), 1),
      ],
    });

    const health = await getPixelHealth(prisma, [shop.shopId, quiet.shopId], NOW);

    expect(health.get(shop.shopId)).toEqual({ shopId: shop.shopId, eventsLast24h: 2, eventsLast7d: 4, lastEventAt: hoursAgo(1) });
    expect(health.get(quiet.shopId)).toEqual({ shopId: quiet.shopId, eventsLast24h: 0, eventsLast7d: 0, lastEventAt: null });
    expect(health.has(other.shopId)).toBe(false);
  });
});
