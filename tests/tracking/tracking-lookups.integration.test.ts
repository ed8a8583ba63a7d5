// Issue #9 item 5: a flood naming unknown shops or tests costs no database query per request. The
// lookups are counted at the pool, against real Postgres.
import net from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import prisma from "../../app/db.server";
import { getEnv } from "../../app/env.server";
import { DatabaseUnavailableError } from "../../app/services/tracking/tracking-errors";
import { createTrackingLookups } from "../../app/services/tracking/tracking-lookups";
import { createABTest } from "../support/ab-tests";
import { createInstalledShop, uniqueShopDomain } from "../support/shops";

let pool: pg.Pool;

beforeAll(() => {
  pool = new pg.Pool({ connectionString: getEnv().DATABASE_URL, max: 4 });
});
afterAll(() => pool.end());

function countQueries(target: pg.Pool) {
  return vi.spyOn(target, "query");
}

describe("tracking lookups' negative cache", () => {
  it("GIVEN a flood of concurrent requests naming one unknown shop WHEN looked up THEN one query answers them all, and later requests none", async () => {
    const lookups = createTrackingLookups(pool);
    const queries = countQueries(pool);
    const unknown = uniqueShopDomain("nobody");

    const first = await Promise.all(Array.from({ length: 200 }, () => lookups.findShopId(unknown)));
    const later = await Promise.all(Array.from({ length: 200 }, () => lookups.findShopId(unknown)));

    expect(new Set([...first, ...later])).toEqual(new Set([null]));
    expect(queries).toHaveBeenCalledTimes(1);
    queries.mockRestore();
  });

  it("GIVEN a flood of concurrent requests naming unknown tests WHEN looked up THEN one query per id, and later requests none", async () => {
    const lookups = createTrackingLookups(pool);
    const queries = countQueries(pool);

    const first = await Promise.all(Array.from({ length: 200 }, () => lookups.findTests(["no-such-test", "nor-this"])));
    const later = await Promise.all(Array.from({ length: 200 }, () => lookups.findTests(["nor-this"])));

    expect([...first, ...later].every((found) => found.size === 0)).toBe(true);
    expect(queries).toHaveBeenCalledTimes(1);
    queries.mockRestore();
  });

  it("GIVEN a known shop and test WHEN a flood of made-up names overflows the negative cache THEN the known ones still cost no query", async () => {
    const shop = await createInstalledShop(prisma);
    const test = await createABTest(prisma, shop.shopId);
    const lookups = createTrackingLookups(pool, { maxMissingEntries: 50 });
    expect(await lookups.findShopId(shop.shopDomain)).toBe(shop.shopId);
    expect((await lookups.findTests([test.id])).get(test.id)?.status).toBe("ACTIVE");

    for (let i = 0; i < 300; i++) await lookups.findShopId(uniqueShopDomain("flood"));
    for (let i = 0; i < 300; i++) await lookups.findTests([`made-up-${i}`]);
    const queries = countQueries(pool);

    expect(await lookups.findShopId(shop.shopDomain)).toBe(shop.shopId);
    expect((await lookups.findTests([test.id])).has(test.id)).toBe(true);
    expect(queries).not.toHaveBeenCalled();
    queries.mockRestore();
  });

  it("GIVEN an unknown shop cached as unknown WHEN the shop installs and missingTtlMs passes THEN it is found", async () => {
    let now = 1_000_000;
    const lookups = createTrackingLookups(pool, { missingTtlMs: 30_000, now: () => now });
    const domain = uniqueShopDomain("late");
    expect(await lookups.findShopId(domain)).toBeNull();

    const shop = await createInstalledShop(prisma, { shopDomain: domain });
    now += 29_000;
    expect(await lookups.findShopId(domain)).toBeNull();
    now += 2_000;
    expect(await lookups.findShopId(domain)).toBe(shop.shopId);
  });

  it("GIVEN names Postgres cannot hold (NUL bytes) WHEN looked up, alone or with a real test THEN they name nothing and the real test is still found", async () => {
    const shop = await createInstalledShop(prisma);
    const test = await createABTest(prisma, shop.shopId);
    const lookups = createTrackingLookups(pool);

    expect(await lookups.findShopId("evil\u0000.myshopify.com")).toBeNull();
    expect((await lookups.findTests(["test\u0000id"])).size).toBe(0);
    expect([...(await lookups.findTests(["test\u0000id", test.id])).keys()]).toEqual([test.id]);
  });

  it("GIVEN the database is unreachable WHEN looked up THEN the lookup fails as unavailable (→ 503) and the failure is not cached", async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as net.AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const deadPool = new pg.Pool({ connectionString: `postgresql://postgres@127.0.0.1:${port}/postgres`, connectionTimeoutMillis: 500 });
    const lookups = createTrackingLookups(deadPool);
    const queries = countQueries(deadPool);

    await expect(lookups.findShopId("any.myshopify.com")).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await expect(lookups.findTests(["any"])).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await expect(lookups.findShopId("any.myshopify.com")).rejects.toBeInstanceOf(DatabaseUnavailableError);
    expect(queries).toHaveBeenCalledTimes(3);
    await deadPool.end();
  });
});
