// The arm totals the admin reads come from rollups kept by database triggers. They must equal an
// independent recount of the raw events after any mix of write paths: concurrent group-commit batches
// with duplicates, Prisma inserts, a customers/redact delete, an update, and a deleted test.
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { getEnv } from "../../app/env.server";
import { readArmTotals } from "../../app/services/ab-tests/read-arm-totals";
import { readDailySeries } from "../../app/services/ab-tests/read-daily-series";
import { createEventWriter, type EventRow } from "../../app/services/tracking/event-writer";
import { createABTest } from "../support/ab-tests";
import { createInstalledShop, type InstalledShop } from "../support/shops";

let pool: pg.Pool;
let shop: InstalledShop;

beforeAll(() => {
  pool = new pg.Pool({ connectionString: getEnv().DATABASE_URL, max: 4 });
});
afterAll(() => pool.end());
beforeEach(async () => {
  shop = await createInstalledShop(prisma);
});

/** DESIGN §4 over the raw events, written independently of the triggers. */
async function recount(testId: string) {
  const rows = await prisma.$queryRaw<{ arm: string; visitors: number; impressions: number; addToCarts: number; orders: number; units: number; revenue: string; revenueSumOfSquares: string }[]>`
    WITH per_visitor AS (
      SELECT arm, "visitorId",
        count(*) FILTER (WHERE "eventType" = 'IMPRESSION') AS impressions,
        count(*) FILTER (WHERE "eventType" = 'ADD_TO_CART') AS carts,
        coalesce(sum(quantity) FILTER (WHERE "eventType" = 'PURCHASE'), 0) AS units,
        coalesce(sum(revenue) FILTER (WHERE "eventType" = 'PURCHASE'), 0) AS revenue
      FROM "ABTestEvent" WHERE "testId" = ${testId} GROUP BY 1, 2
    )
    SELECT arm::text AS arm, (count(*) FILTER (WHERE impressions > 0))::int AS visitors, sum(impressions)::int AS impressions,
      sum(carts)::int AS "addToCarts", sum(units)::int AS units, sum(revenue)::text AS revenue, sum(revenue * revenue)::text AS "revenueSumOfSquares",
      (SELECT count(DISTINCT "orderId") FROM "ABTestEvent" e WHERE e."testId" = ${testId} AND e.arm = per_visitor.arm AND "eventType" = 'PURCHASE')::int AS orders
    FROM per_visitor GROUP BY arm ORDER BY arm`;
  const zero = { visitors: 0, impressions: 0, addToCarts: 0, orders: 0, units: 0, revenue: 0, revenueSumOfSquares: 0 };
  const byArm = { control: { ...zero }, treatment: { ...zero } };
  for (const { arm, ...row } of rows) {
    byArm[arm === "CONTROL" ? "control" : "treatment"] = { ...row, revenue: Number(row.revenue), revenueSumOfSquares: Number(row.revenueSumOfSquares) };
  }
  return byArm;
}

/** A deterministic pseudo-random stream of events: repeat visitors, multi-line orders, resent events, and
 * purchase claims (what /track stores; ADR 008) beside verified purchases: only the latter may count. */
function generateEvents(testId: string, count: number, seed: number): EventRow[] {
  let state = seed;
  const next = (n: number) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % n;
  };
  const rows: EventRow[] = [];
  for (let i = 0; i < count; i++) {
    const visitor = next(60);
    const kind = next(10);
    const eventType = kind < 6 ? "IMPRESSION" : kind < 8 ? "ADD_TO_CART" : visitor % 3 === 0 ? "PURCHASE_CLAIM" : "PURCHASE";
    const purchase = eventType === "PURCHASE" || eventType === "PURCHASE_CLAIM";
    const order = `order-${visitor}-${next(3)}`;
    const createdAt = new Date(Date.UTC(2026, 10, 20 + next(3), next(24)));
    rows.push({
      shopId: shop.shopId,
      testId,
      arm: visitor % 2 === 0 ? "CONTROL" : "TREATMENT",
      eventType,
      productId: "gid://shopify/Product/111",
      variantId: "gid://shopify/ProductVariant/1",
      visitorId: `visitor-${visitor}`,
      // Resends: a small id space makes ~1 in 4 events a duplicate of an earlier one.
      eventId: purchase ? `${eventType === "PURCHASE" ? "verified" : "claim"}-${order}:${next(2)}` : `event-${next(Math.ceil(count * 0.75))}`,
      quantity: 1 + next(3),
      revenue: purchase ? `${next(5000) / 100}` : null,
      currency: purchase ? "EUR" : null,
      orderId: purchase ? order : null,
      occurredAt: createdAt,
      createdAt,
    });
  }
  return rows;
}

describe("arm rollups", () => {
  it("GIVEN concurrent batches with duplicates and multi-line orders THEN the totals equal a recount of the raw events", async () => {
    const test = await createABTest(prisma, shop.shopId);
    const writer = createEventWriter(pool, { maxInFlight: 4, maxRowsPerInsert: 37 });
    const events = generateEvents(test.id, 3000, 7);
    const requests = [];
    for (let i = 0; i < events.length; i += 5) requests.push(writer.write(events.slice(i, i + 5)));
    await Promise.all(requests);

    const totals = (await readArmTotals(prisma, shop.shopId, [test.id])).get(test.id)!;
    const expected = await recount(test.id);
    expect(totals.control).toEqual(expected.control);
    expect(totals.treatment).toEqual(expected.treatment);
    expect(expected.control.orders + expected.treatment.orders).toBeGreaterThan(10);
    expect(expected.control.visitors).toBeGreaterThan(10);
    // Claims were written too, and with no order to match they counted in nothing.
    expect(await prisma.aBTestEvent.count({ where: { testId: test.id, eventType: "PURCHASE_CLAIM" } })).toBeGreaterThan(10);
  });

  it("GIVEN a Prisma insert, a redacted order, an edited event and a deleted test THEN each leaves the totals equal to a recount", async () => {
    const test = await createABTest(prisma, shop.shopId);
    const other = await createABTest(prisma, shop.shopId, { productId: "gid://shopify/Product/222" });
    await createEventWriter(pool).write(generateEvents(test.id, 400, 11));
    await prisma.aBTestEvent.createMany({ data: generateEvents(other.id, 300, 13).map((row) => ({ ...row, eventId: `p-${row.eventId}` })), skipDuplicates: true });
    const check = async (testId: string) => expect((await readArmTotals(prisma, shop.shopId, [testId])).get(testId)).toEqual(await recount(testId));

    await check(test.id);
    await check(other.id);

    const redacted = await prisma.aBTestEvent.findMany({ where: { testId: test.id, eventType: "PURCHASE" }, select: { orderId: true }, distinct: ["orderId"], take: 3 });
    const { count } = await prisma.aBTestEvent.deleteMany({ where: { testId: test.id, orderId: { in: redacted.map((row) => row.orderId!) } } });
    expect(count).toBeGreaterThan(0);
    await check(test.id);

    await prisma.aBTestEvent.updateMany({ where: { testId: other.id, visitorId: "visitor-4" }, data: { revenue: "1.00" } });
    await check(other.id);

    await prisma.aBTest.delete({ where: { id: test.id } });
    expect(await prisma.aBTestArmTotals.count({ where: { testId: test.id } })).toBe(0);
    expect(await prisma.aBTestVisitor.count({ where: { testId: test.id } })).toBe(0);
    expect(await prisma.aBTestVisitorRevenue.count({ where: { testId: test.id } })).toBe(0);
    await check(other.id);
  });

  it("GIVEN another shop's test id THEN its totals are not read", async () => {
    const foreign = await createInstalledShop(prisma);
    const test = await createABTest(prisma, foreign.shopId);
    await createEventWriter(pool).write(generateEvents(test.id, 50, 3).map((row) => ({ ...row, shopId: foreign.shopId })));

    const totals = (await readArmTotals(prisma, shop.shopId, [test.id])).get(test.id)!;
    expect(totals.control.impressions + totals.treatment.impressions).toBe(0);
  });
});

describe("daily series", () => {
  it("GIVEN finished days cached and today live THEN it matches a recount, and an event written into a cached day is counted on the next read", async () => {
    const test = await createABTest(prisma, shop.shopId);
    const events = generateEvents(test.id, 600, 5);
    await createEventWriter(pool).write(events);
    const now = new Date("2026-11-22T12:00:00Z");
    const recountDays = () =>
      prisma.$queryRaw<{ date: string; arm: string; visitors: number; orders: number }[]>`
        SELECT to_char("createdAt", 'YYYY-MM-DD') AS date, arm::text AS arm,
          (count(DISTINCT "visitorId") FILTER (WHERE "eventType" = 'IMPRESSION'))::int AS visitors,
          (count(DISTINCT "orderId") FILTER (WHERE "eventType" = 'PURCHASE'))::int AS orders
        FROM "ABTestEvent" WHERE "testId" = ${test.id} GROUP BY 1, 2
        HAVING count(*) FILTER (WHERE "eventType" <> 'ADD_TO_CART') > 0 ORDER BY 1, 2`;

    expect(await readDailySeries(prisma, test.id, now)).toEqual(await recountDays());
    expect(await prisma.aBTestDailyArm.count({ where: { testId: test.id } })).toBe(4);

    await prisma.aBTestEvent.create({
      data: { shopId: shop.shopId, testId: test.id, arm: "CONTROL", eventType: "IMPRESSION", productId: "gid://shopify/Product/111", visitorId: "late-visitor", eventId: "late", occurredAt: now, createdAt: new Date("2026-11-20T23:59:59.999Z") },
    });

    expect(await readDailySeries(prisma, test.id, now)).toEqual(await recountDays());
  });
});
