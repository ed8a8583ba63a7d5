// "Keep treatment images" / "Restore original order" over HTTP through the real app, against real
// Postgres and the fake Admin API, whose productReorderMedia runs as an asynchronous job like Shopify's.
import type { ABTestStatus, Prisma } from "@prisma/client";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { resetEnvCache } from "../../app/env.server";
import type { StorefrontConfig } from "../../app/lib/storefront-contract";
import { keepTreatmentImages, orderForRestore, orderForTreatment, planMediaMoves } from "../../app/services/ab-tests/apply-winner";
import { createAdminClient } from "../../app/services/shopify/admin-client";
import type { AppServer } from "../../scripts/lib/app-server";
import { applyMoves } from "../fake-shopify/catalog-resolvers";
import { generateCatalog, type FakeProduct } from "../fake-shopify/catalog";
import { startFakeAdminApi, type FakeAdminApi } from "../fake-shopify/fake-admin-api";
import { startTestApp } from "../support/app-server";
import { createInstalledShop, type InstalledShop } from "../support/shops";
import { sessionToken } from "../support/shopify-requests";

// authenticate.admin answers 410 to bots, and Node's fetch reads as one.
const BROWSER_UA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15";
const DAY_MS = 24 * 3600_000;

let app: AppServer;
let fake: FakeAdminApi;

beforeAll(async () => {
  fake = await startFakeAdminApi();
  process.env.SHOPIFY_ADMIN_API_ORIGIN = fake.origin;
  resetEnvCache();
  app = await startTestApp();
}, 120_000);
afterAll(async () => {
  await app?.close();
  await fake?.close();
});

interface Fixture {
  shop: InstalledShop;
  product: FakeProduct;
  original: string[];
  /** The treatment: the product's last image, then its first. */
  treatment: string[];
}

let fixture: Fixture;
beforeEach(async () => {
  const shop = await createInstalledShop(prisma);
  const catalog = generateCatalog({ products: 1, imagesPerProduct: 4, seed: 41 });
  fake.addShop({ domain: shop.shopDomain, accessToken: shop.accessToken, products: catalog });
  const product = catalog[0];
  const original = product.media.map((media) => media.id);
  fixture = { shop, product, original, treatment: [original[3], original[0]] };
});

const mediaOrderInFake = (shop = fixture.shop, productId = fixture.product.id) =>
  fake.getShop(shop.shopDomain).products.find((candidate) => candidate.id === productId)!.media.map((media) => media.id);
const recorded = (testId: string) => prisma.aBTestMediaOrder.findUnique({ where: { testId } });

async function createTest(status: ABTestStatus, shop = fixture.shop, productId = fixture.product.id) {
  const images = (ids: string[]) => ids.map((mediaId) => ({ mediaId, url: `https://cdn.example/${mediaId.split("/").at(-1)}.png` }));
  return prisma.aBTest.create({
    data: {
      shopId: shop.shopId,
      productId,
      name: "Back first",
      status,
      trafficSplit: 50,
      controlImages: images(fixture.original),
      treatmentImages: images(fixture.treatment),
      startedAt: status === "DRAFT" ? null : new Date(Date.now() - 14 * DAY_MS),
      endedAt: status === "COMPLETED" ? new Date() : null,
    },
  });
}

/** 14 days of visitors, half in each arm; the treatment converts about four times as often as control. */
async function seedTreatmentWin(testId: string) {
  const now = Date.now();
  const events: Prisma.ABTestEventCreateManyInput[] = [];
  for (let index = 0; index < 3000; index++) {
    const arm = index % 2 ? "TREATMENT" : "CONTROL";
    const at = new Date(now - 14 * DAY_MS + (index / 3000) * 13 * DAY_MS);
    const base = { shopId: fixture.shop.shopId, testId, arm, productId: fixture.product.id, variantId: fixture.product.variants[0].id, visitorId: `visitor-${index}`, occurredAt: at, createdAt: at } as const;
    events.push({ ...base, eventType: "IMPRESSION", eventId: `view-${testId}-${index}` });
    if (index % 31 === 0 || (arm === "TREATMENT" && index % 31 < 8)) {
      events.push({ ...base, eventType: "PURCHASE", eventId: `order-${testId}-${index}:0`, orderId: `gid://shopify/Order/${index}`, quantity: 1, revenue: "20.00", currency: "USD" });
    }
  }
  await prisma.aBTestEvent.createMany({ data: events });
}

/** The test page's action as the embedded admin's fetcher posts it (single fetch, session token). */
async function post(testId: string, fields: Record<string, string>, shop = fixture.shop) {
  const token = await sessionToken({ dest: shop.shopDomain, apiKey: shop.apiKey, apiSecretKey: shop.apiSecret });
  const response = await fetch(new URL(`/app/tests/${testId}.data`, app.url), {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "User-Agent": BROWSER_UA },
    body: new URLSearchParams(fields),
  });
  return { status: response.status, retryAfter: response.headers.get("retry-after"), body: await response.text() };
}

describe("planning the reorder (MoveInput semantics)", () => {
  it.each([
    [["a", "b", "c", "d"], ["d", "a", "b", "c"]],
    [["a", "b", "c", "d"], ["a", "b", "c", "d"]],
    [["a", "b", "c", "d"], ["c", "d", "b", "a"]],
    [["a", "b", "c", "d", "e"], ["e", "a", "d", "b", "c"]],
  ])("GIVEN %j WHEN moved to %j THEN the planned moves, applied in order, give the target and touch only moved media", (current, target) => {
    const moves = planMediaMoves(current, target);

    expect(applyMoves(current.map((id) => ({ id })), moves.map((move) => ({ id: move.id, newPosition: Number(move.newPosition) }))).map((item) => item.id)).toEqual(target);
    expect(moves.length).toBeLessThan(current.length);
  });

  it("GIVEN a treatment of two of four images THEN they come first in its order and the others follow as they were", () => {
    expect(orderForTreatment(["a", "b", "c", "d"], ["d", "a"])).toEqual(["d", "a", "b", "c"]);
  });

  it("GIVEN a recorded order and a product that lost one image and gained another THEN the survivors return to their order and the new one follows", () => {
    expect(orderForRestore(["d", "a", "e", "c"], ["a", "b", "c", "d"])).toEqual(["a", "c", "d", "e"]);
  });
});

describe("keep treatment images, then restore the original order (over HTTP)", () => {
  it("GIVEN a completed test the treatment won WHEN the merchant keeps its images and later restores THEN Shopify's media order follows each step and the previous order is recorded", async () => {
    const test = await createTest("COMPLETED");
    await seedTreatmentWin(test.id);

    const kept = await post(test.id, { intent: "keep-treatment" });

    expect(kept.status).toBe(200);
    expect(kept.body).toContain("The product now shows the treatment's images first");
    expect(mediaOrderInFake()).toEqual([fixture.treatment[0], fixture.treatment[1], fixture.original[1], fixture.original[2]]);
    expect(await recorded(test.id)).toMatchObject({ shopId: fixture.shop.shopId, productId: fixture.product.id, previousMediaIds: fixture.original, restoredAt: null });
    // Asked as Shopify documents it: only the moved media (the first image follows the last on its own), then the job polled until done.
    const calls = fake.requests.filter((request) => request.shop === fixture.shop.shopDomain).map((request) => request.operationName);
    expect(calls).toEqual(expect.arrayContaining(["ProductMediaOrder", "ProductReorderMedia", "Job", "MetafieldsSet"]));
    const reorder = fake.requests.find((request) => request.shop === fixture.shop.shopDomain && request.operationName === "ProductReorderMedia");
    expect(reorder?.variables).toEqual({ id: fixture.product.id, moves: [{ id: fixture.treatment[0], newPosition: "0" }] });
    // The storefront config was republished and lists no test on this product: the theme shows Shopify's (kept) order.
    const config = JSON.parse(fake.getShop(fixture.shop.shopDomain).metafields.find((metafield) => metafield.key === "config")!.value) as StorefrontConfig;
    expect(config.tests.map((entry) => entry.product)).not.toContain(fixture.product.id.split("/").at(-1));

    const again = await post(test.id, { intent: "keep-treatment" });
    expect([again.status, again.body.includes("already_kept")]).toEqual([409, true]);

    const restored = await post(test.id, { intent: "restore-original" });

    expect(restored.status).toBe(200);
    expect(restored.body).toContain("The product's original image order is back.");
    expect(mediaOrderInFake()).toEqual(fixture.original);
    expect((await recorded(test.id))?.restoredAt).toBeInstanceOf(Date);

    // Kept again after a restore: the same record is reused, the treatment's order is back.
    const keptAgain = await post(test.id, { intent: "keep-treatment" });
    expect(keptAgain.status).toBe(200);
    expect(mediaOrderInFake()).toEqual([fixture.treatment[0], fixture.treatment[1], fixture.original[1], fixture.original[2]]);
    expect(await recorded(test.id)).toMatchObject({ previousMediaIds: fixture.original, restoredAt: null });
    expect(fake.rejectedQueries).toEqual([]);
  });

  it("GIVEN kept treatment images and a new test now running on the product WHEN restore is posted THEN 409 product_under_test and the order stays", async () => {
    const test = await createTest("COMPLETED");
    expect((await post(test.id, { intent: "keep-treatment", explicit: "true" })).status).toBe(200);
    const keptOrder = mediaOrderInFake();
    await createTest("ACTIVE");

    const answer = await post(test.id, { intent: "restore-original" });

    expect([answer.status, answer.body.includes("product_under_test")]).toEqual([409, true]);
    expect(mediaOrderInFake()).toEqual(keptOrder);
    expect((await recorded(test.id))?.restoredAt).toBeNull();
  });

  it("GIVEN a completed test the treatment did not win WHEN keep is posted without the explicit choice THEN 409 and nothing changes; with it THEN the order is applied", async () => {
    const test = await createTest("COMPLETED");

    const refused = await post(test.id, { intent: "keep-treatment" });

    expect([refused.status, refused.body.includes("no_winner")]).toEqual([409, true]);
    expect(mediaOrderInFake()).toEqual(fixture.original);
    expect(await recorded(test.id)).toBeNull();

    const chosen = await post(test.id, { intent: "keep-treatment", explicit: "true" });

    expect(chosen.status).toBe(200);
    expect(mediaOrderInFake()).toEqual([fixture.treatment[0], fixture.treatment[1], fixture.original[1], fixture.original[2]]);
  });

  it.each(["DRAFT", "ACTIVE", "PAUSED"] as const)("GIVEN a %s test WHEN keep is posted THEN 409 test_not_completed, Shopify is not asked and nothing is recorded", async (status) => {
    const test = await createTest(status);

    const answer = await post(test.id, { intent: "keep-treatment", explicit: "true" });

    expect([answer.status, answer.body.includes("test_not_completed")]).toEqual([409, true]);
    expect(mediaOrderInFake()).toEqual(fixture.original);
    expect(fake.requests.some((request) => request.shop === fixture.shop.shopDomain && request.operationName === "ProductReorderMedia")).toBe(false);
    expect(await recorded(test.id)).toBeNull();
  });

  it("GIVEN a completed test with nothing kept WHEN restore is posted THEN 409 nothing_to_restore", async () => {
    const test = await createTest("COMPLETED");

    const answer = await post(test.id, { intent: "restore-original" });

    expect([answer.status, answer.body.includes("nothing_to_restore")]).toEqual([409, true]);
  });

  it("GIVEN another shop's completed test WHEN this shop posts keep THEN 404 and the other shop's product keeps its order", async () => {
    const victim = fixture;
    const victimTest = await createTest("COMPLETED");
    const attacker = await createInstalledShop(prisma);
    fake.addShop({ domain: attacker.shopDomain, accessToken: attacker.accessToken, products: generateCatalog({ products: 1, seed: 42 }) });

    for (const intent of ["keep-treatment", "restore-original"]) {
      const answer = await post(victimTest.id, { intent, explicit: "true" }, attacker);
      expect(answer.status).toBe(404);
    }
    expect(mediaOrderInFake(victim.shop)).toEqual(victim.original);
    expect(await recorded(victimTest.id)).toBeNull();
  });

  it("GIVEN Shopify refuses the reorder (mediaUserErrors: the media are being changed by another operation) WHEN keep is posted THEN 422 with Shopify's reason and nothing is recorded", async () => {
    const test = await createTest("COMPLETED");
    fake.getShop(fixture.shop.shopDomain).jobs.push({ id: "gid://shopify/Job/1", productId: fixture.product.id, runsAt: Number.POSITIVE_INFINITY, done: false, run: () => {} });

    const answer = await post(test.id, { intent: "keep-treatment", explicit: "true" });

    expect(answer.status).toBe(422);
    expect(answer.body).toContain("shopify_refused");
    expect(answer.body).toContain("Media cannot be modified. It is currently being modified by another operation.");
    expect(mediaOrderInFake()).toEqual(fixture.original);
    expect(await recorded(test.id)).toBeNull();
  });

  it("GIVEN Shopify answers 429 to every try WHEN keep is posted THEN 503 with Retry-After and nothing is recorded", async () => {
    const test = await createTest("COMPLETED");
    fake.injectFailures({ shop: fixture.shop.shopDomain, kind: "http429", times: 20, retryAfterSeconds: 0.01 });

    const answer = await post(test.id, { intent: "keep-treatment", explicit: "true" });
    fake.reset();

    expect([answer.status, answer.retryAfter, answer.body.includes("shopify_unavailable")]).toEqual([503, "30", true]);
    expect(await recorded(test.id)).toBeNull();
  });
});

describe("a reorder job that outlasts the polling", () => {
  it("GIVEN Shopify's job has not run when polling stops THEN the keep is recorded, reported as pending, and the order lands when the job runs", async () => {
    const shop = await createInstalledShop(prisma);
    const product = generateCatalog({ products: 1, imagesPerProduct: 4, seed: 43 })[0];
    fake.addShop({ domain: shop.shopDomain, accessToken: shop.accessToken, products: [product], jobDurationMs: 300 });
    fixture = { shop, product, original: product.media.map((media) => media.id), treatment: [product.media[2].id] };
    const test = await createTest("COMPLETED", shop, product.id);
    const admin = createAdminClient({ shop: shop.shopDomain, accessToken: shop.accessToken }, { origin: fake.origin });

    const result = await keepTreatmentImages(prisma, admin, shop.shopId, test.id, { explicit: true, polling: { delaysMs: [1, 1], sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) } });

    expect(result).toMatchObject({ ok: true, pending: true });
    expect(mediaOrderInFake(shop, product.id)).toEqual(fixture.original);
    expect(await recorded(test.id)).toMatchObject({ previousMediaIds: fixture.original });
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(mediaOrderInFake(shop, product.id)).toEqual([fixture.original[2], fixture.original[0], fixture.original[1], fixture.original[3]]);
  });
});
