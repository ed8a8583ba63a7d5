import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AdminApiError, createAdminClient } from "../../app/services/shopify/admin-client";
import { SHOP_INFO } from "../../app/services/shopify/admin-operations";
import { startFakeAdminApi, type FakeAdminApi } from "../fake-shopify/fake-admin-api";

const SHOP = "client-test.myshopify.com";
let fake: FakeAdminApi;
let sleeps: number[];

function client(options: { maxTries?: number; accessToken?: string } = {}) {
  return createAdminClient(
    { shop: SHOP, accessToken: options.accessToken ?? `shpat_test_${SHOP}` },
    { origin: fake.origin, maxTries: options.maxTries ?? 4, sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 },
  );
}

beforeAll(async () => {
  fake = await startFakeAdminApi({ shops: [{ domain: SHOP, ianaTimezone: "Europe/Paris", currencyCode: "EUR", primaryDomainHost: "shop.example.com" }] });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  sleeps = [];
});

describe("admin client", () => {
  it("GIVEN a healthy API THEN it returns the shop and sends a schema-valid query", async () => {
    const { shop } = await client().request(SHOP_INFO);

    expect(shop).toMatchObject({ myshopifyDomain: SHOP, ianaTimezone: "Europe/Paris", currencyCode: "EUR", primaryDomain: { host: "shop.example.com" } });
    expect(fake.rejectedQueries).toEqual([]);
  });

  it.each([
    { kind: "throttled", times: 2 },
    { kind: "http500", times: 2 },
    { kind: "http503", times: 1 },
    { kind: "http429", times: 2 },
    { kind: "network", times: 1 },
  ] as const)("GIVEN $times × $kind THEN it backs off and succeeds on the next try", async ({ kind, times }) => {
    fake.injectFailures({ shop: SHOP, kind, times, retryAfterSeconds: 0.05 });

    const { shop } = await client().request(SHOP_INFO);

    expect(shop.myshopifyDomain).toBe(SHOP);
    expect(fake.requests).toHaveLength(times + 1);
    expect(sleeps).toHaveLength(times);
    expect(sleeps.every((ms) => ms > 0)).toBe(true);
  });

  it("GIVEN a 429 with Retry-After THEN the wait honours it", async () => {
    fake.injectFailures({ shop: SHOP, kind: "http429", times: 1, retryAfterSeconds: 2 });

    await client().request(SHOP_INFO);

    expect(sleeps[0]).toBeGreaterThanOrEqual(2000);
  });

  it("GIVEN persistent throttling THEN it gives up after maxTries with a THROTTLED error", async () => {
    fake.injectFailures({ shop: SHOP, kind: "throttled", times: 10 });

    const error = await client({ maxTries: 3 }).request(SHOP_INFO).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AdminApiError);
    expect(error).toMatchObject({ code: "THROTTLED", details: { tries: 3, operation: "ShopInfo", shop: SHOP } });
    expect(fake.requests).toHaveLength(3);
  });

  it("GIVEN a wrong access token THEN it fails at once with HTTP 401 (not retryable)", async () => {
    const error = await client({ accessToken: "shpat_wrong" }).request(SHOP_INFO).catch((caught: unknown) => caught);

    expect(error).toMatchObject({ code: "HTTP_ERROR", details: { status: 401, tries: 1 } });
    expect(fake.requests).toHaveLength(1);
    expect(String((error as Error).message)).not.toContain("shpat_wrong");
  });
});
