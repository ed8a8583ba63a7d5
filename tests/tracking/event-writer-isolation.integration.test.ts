// Issue #9 item 3, second line of defence: rows that Postgres itself refuses (values the input bounds
// should have stopped, written straight to the writer) fail only the request that sent them, even when
// the group commit merged them into one INSERT with other shops' valid requests.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import prisma from "../../app/db.server";
import { getEnv } from "../../app/env.server";
import { createEventWriter, type EventRow } from "../../app/services/tracking/event-writer";
import { RowsRejectedError } from "../../app/services/tracking/tracking-errors";
import { createABTest } from "../support/ab-tests";
import { createInstalledShop } from "../support/shops";

let pool: pg.Pool;

beforeAll(() => {
  pool = new pg.Pool({ connectionString: getEnv().DATABASE_URL, max: 4 });
});
afterAll(() => pool.end());

async function activeTest() {
  const shop = await createInstalledShop(prisma);
  const test = await createABTest(prisma, shop.shopId);
  return (eventId: string, overrides: Partial<EventRow> = {}): EventRow => ({
    shopId: shop.shopId,
    testId: test.id,
    arm: "CONTROL",
    eventType: "PURCHASE",
    productId: "gid://shopify/Product/111",
    variantId: null,
    visitorId: `visitor-${eventId}`,
    eventId,
    quantity: 1,
    revenue: "19.99",
    currency: "EUR",
    orderId: `order-${eventId}`,
    occurredAt: new Date(),
    createdAt: new Date(),
    ...overrides,
  });
}

describe("group commit isolation", () => {
  it.each<[string, Partial<EventRow>]>([
    ["a NUL byte in visitorId", { visitorId: "vis\u0000itor" }],
    ["a NUL byte in eventId", { eventId: "evt\u0000bad" }],
    ["a revenue that overflows the column", { revenue: "1e40" }],
    ["a quantity past the integer range", { quantity: 2 ** 31 }],
    ["a revenue that is not a number", { revenue: "12,50" }],
  ])("GIVEN %s merged into one INSERT with valid requests of another shop WHEN it is refused THEN only that request fails and the others commit", async (_label, hostile) => {
    const victim = await activeTest();
    const attacker = await activeTest();
    const writer = createEventWriter(pool, { maxInFlight: 1 });
    const query = vi.spyOn(pool, "query");
    const valid = Array.from({ length: 20 }, (_, i) => [victim(`valid-${i}-${Math.random()}`)]);

    // One INSERT in flight makes the others queue and merge into the next.
    const results = await Promise.allSettled([
      writer.write([victim(`lead-${Math.random()}`)]),
      ...valid.slice(0, 10).map((rows) => writer.write(rows)),
      writer.write([attacker(`hostile-${Math.random()}`, hostile)]),
      ...valid.slice(10).map((rows) => writer.write(rows)),
    ]);
    const insertedShops = query.mock.calls.map(([, columns]) => (columns as unknown[][] | undefined)?.[1] ?? []);
    query.mockRestore();

    const hostileResult = results[11];
    expect(hostileResult.status).toBe("rejected");
    expect((hostileResult as PromiseRejectedResult).reason).toBeInstanceOf(RowsRejectedError);
    expect(results.filter((result) => result.status === "rejected")).toHaveLength(1);
    // The merged INSERT really carried the hostile row together with valid ones.
    const hostileShopId = attacker("probe").shopId;
    expect(insertedShops.some((shops) => shops.includes(hostileShopId) && shops.includes(valid[0][0].shopId))).toBe(true);
    const ids = valid.map(([row]) => row.eventId);
    const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM "ABTestEvent" WHERE "eventId" = ANY($1::text[])`, [ids]);
    expect(Number(rows[0].n)).toBe(20);
  });
});
