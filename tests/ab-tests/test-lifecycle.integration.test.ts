import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import type { StorefrontConfig } from "../../app/lib/storefront-contract";
import { createAbTest } from "../../app/services/ab-tests/create-ab-test";
import { getTestResults } from "../../app/services/ab-tests/get-test-results";
import { transitionAbTest } from "../../app/services/ab-tests/transition-ab-test";
import { createAdminClient } from "../../app/services/shopify/admin-client";
import { generateCatalog } from "../fake-shopify/catalog";
import { startFakeAdminApi, type FakeAdminApi } from "../fake-shopify/fake-admin-api";
import { createInstalledShop, type InstalledShop } from "../support/shops";

let fake: FakeAdminApi;
let shop: InstalledShop;
const catalog = generateCatalog({ products: 3, imagesPerProduct: 3, seed: 3 }).filter((product) => product.media.length >= 2);

beforeAll(async () => {
  fake = await startFakeAdminApi();
});
afterAll(() => fake.close());
beforeEach(async () => {
  shop = await createInstalledShop(prisma);
  fake.addShop({ domain: shop.shopDomain, accessToken: shop.accessToken, products: catalog });
});

const admin = (options: { maxTries?: number } = {}) => createAdminClient({ shop: shop.shopDomain, accessToken: shop.accessToken }, { origin: fake.origin, baseDelayMs: 1, maxTries: options.maxTries });
const storefrontTests = () => {
  const metafield = fake.getShop(shop.shopDomain).metafields.find((candidate) => candidate.key === "config");
  return metafield ? (JSON.parse(metafield.value) as StorefrontConfig).tests.map((test) => test.id) : [];
};

async function draft() {
  const product = catalog[0];
  const result = await createAbTest(prisma, admin(), shop.shopId, { productId: product.id, name: "Back first", trafficSplit: 40, treatmentMediaIds: [...product.media].reverse().map((media) => media.id) });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.testId;
}

describe("creating a test", () => {
  it("GIVEN a product and chosen images THEN a DRAFT keeps today's images as control and the choice, in order, as treatment", async () => {
    const testId = await draft();

    const test = await prisma.aBTest.findUniqueOrThrow({ where: { id: testId } });
    expect(test).toMatchObject({ status: "DRAFT", trafficSplit: 40, productId: catalog[0].id, shopId: shop.shopId });
    expect((test.controlImages as { mediaId: string }[]).map((image) => image.mediaId)).toEqual(catalog[0].media.map((media) => media.id));
    expect((test.treatmentImages as { mediaId: string }[]).map((image) => image.mediaId)).toEqual([...catalog[0].media].reverse().map((media) => media.id));
  });

  it.each([
    ["an image of another product", () => [catalog[1].media[0].id], "treatmentMediaIds"],
    ["the same images in the same order", () => catalog[0].media.map((media) => media.id), "treatmentMediaIds"],
  ])("GIVEN %s THEN it is refused with a field error", async (_case, pick, field) => {
    const result = await createAbTest(prisma, admin(), shop.shopId, { productId: catalog[0].id, name: "x", trafficSplit: 50, treatmentMediaIds: pick() });

    expect(result).toMatchObject({ ok: false, errors: { [field]: expect.any(String) } });
  });

  it("GIVEN a product the shop does not have THEN it is refused", async () => {
    const result = await createAbTest(prisma, admin(), shop.shopId, { productId: "gid://shopify/Product/424242", name: "x", trafficSplit: 50, treatmentMediaIds: [] });

    expect(result).toMatchObject({ ok: false, errors: { productId: expect.any(String) } });
  });
});

describe("running a test", () => {
  it("GIVEN a draft WHEN started, paused, resumed and completed THEN each change lands and the storefront config follows", async () => {
    const testId = await draft();

    expect(await transitionAbTest(prisma, admin(), shop.shopId, testId, "start")).toEqual({ ok: true, status: "ACTIVE" });
    expect(storefrontTests()).toEqual([testId]);
    expect(await transitionAbTest(prisma, admin(), shop.shopId, testId, "pause")).toEqual({ ok: true, status: "PAUSED" });
    expect(storefrontTests()).toEqual([]);
    expect(await transitionAbTest(prisma, admin(), shop.shopId, testId, "resume")).toEqual({ ok: true, status: "ACTIVE" });
    expect(storefrontTests()).toEqual([testId]);
    expect(await transitionAbTest(prisma, admin(), shop.shopId, testId, "complete")).toEqual({ ok: true, status: "COMPLETED" });
    expect(storefrontTests()).toEqual([]);
    const test = await prisma.aBTest.findUniqueOrThrow({ where: { id: testId } });
    expect(test.startedAt).not.toBeNull();
    expect(test.endedAt).not.toBeNull();
  });

  it.each([
    ["DRAFT", "pause"],
    ["DRAFT", "complete"],
  ] as const)("GIVEN a %s test WHEN asked to %s THEN it is refused and unchanged", async (_status, action) => {
    const testId = await draft();

    const result = await transitionAbTest(prisma, admin(), shop.shopId, testId, action);

    expect(result).toMatchObject({ ok: false, error: expect.any(String) });
    expect((await prisma.aBTest.findUniqueOrThrow({ where: { id: testId } })).status).toBe("DRAFT");
  });

  it("GIVEN a running test on the product WHEN a second one starts THEN it is refused in plain words", async () => {
    const first = await draft();
    const second = await draft();
    await transitionAbTest(prisma, admin(), shop.shopId, first, "start");

    const result = await transitionAbTest(prisma, admin(), shop.shopId, second, "start");

    expect(result).toEqual({ ok: false, error: "Another test is already running on this product. Complete it first." });
  });

  it("GIVEN Shopify refusing the storefront update THEN the test keeps its previous status", async () => {
    const testId = await draft();
    fake.injectFailures({ shop: shop.shopDomain, kind: "http500", times: 10 });

    const result = await transitionAbTest(prisma, admin({ maxTries: 2 }), shop.shopId, testId, "start");

    fake.reset();
    expect(result).toMatchObject({ ok: false, error: expect.stringContaining("storefront could not be updated") });
    expect(await prisma.aBTest.findUniqueOrThrow({ where: { id: testId } })).toMatchObject({ status: "DRAFT", startedAt: null });
  });
});

describe("test results", () => {
  it("GIVEN events THEN visitors are distinct over the whole test and orders distinct per arm", async () => {
    const testId = await draft();
    await transitionAbTest(prisma, admin(), shop.shopId, testId, "start");
    const base = { shopId: shop.shopId, testId, productId: catalog[0].id, occurredAt: new Date() };
    await prisma.aBTestEvent.createMany({
      data: [
        { ...base, arm: "CONTROL", eventType: "IMPRESSION", visitorId: "v1", eventId: "1", createdAt: new Date("2026-11-20T10:00:00Z") },
        { ...base, arm: "CONTROL", eventType: "IMPRESSION", visitorId: "v1", eventId: "2", createdAt: new Date("2026-11-21T10:00:00Z") },
        { ...base, arm: "CONTROL", eventType: "IMPRESSION", visitorId: "v2", eventId: "3", createdAt: new Date("2026-11-21T10:00:00Z") },
        { ...base, arm: "TREATMENT", eventType: "IMPRESSION", visitorId: "v3", eventId: "4", createdAt: new Date("2026-11-21T10:00:00Z") },
        { ...base, arm: "TREATMENT", eventType: "PURCHASE", visitorId: "v3", eventId: "5:0", orderId: "o1", revenue: "10.00", quantity: 1, currency: "EUR", createdAt: new Date("2026-11-21T11:00:00Z") },
        { ...base, arm: "TREATMENT", eventType: "PURCHASE", visitorId: "v3", eventId: "5:1", orderId: "o1", revenue: "5.00", quantity: 2, currency: "EUR", createdAt: new Date("2026-11-21T11:00:00Z") },
      ],
    });

    const { analysis, series, test } = await getTestResults(prisma, shop.shopId, testId);

    expect(test.status).toBe("ACTIVE");
    expect(analysis.arms.control).toMatchObject({ visitors: 2, impressions: 3, orders: 0 });
    expect(analysis.arms.treatment).toMatchObject({ visitors: 1, impressions: 1, orders: 1, revenue: 15 });
    expect(series.map((point) => [point.date, point.control.visitors, point.treatment.orders])).toEqual([
      ["2026-11-20", 1, 0],
      ["2026-11-21", 2, 1],
    ]);
    expect(analysis.verdict).toBe("not_enough_data");
  });
});
