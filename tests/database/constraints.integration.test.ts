import { randomUUID } from "node:crypto";
import type { ABTestStatus } from "@prisma/client";
import { describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { uniqueShopDomain } from "../support/shops";

async function createShop() {
  return prisma.shopCredential.create({ data: { shopDomain: uniqueShopDomain(), apiKey: "key" } });
}

function createTest(shopId: string, productId: string, status: ABTestStatus, trafficSplit = 50) {
  return prisma.aBTest.create({
    data: { shopId, productId, name: "t", status, trafficSplit, controlImages: [], treatmentImages: [] },
  });
}

function event(shopId: string, testId: string, eventId: string) {
  return {
    shopId,
    testId,
    eventId,
    arm: "CONTROL" as const,
    eventType: "IMPRESSION" as const,
    productId: "gid://shopify/Product/1",
    visitorId: "v1",
    occurredAt: new Date(),
  };
}

describe("database constraints", () => {
  it.each([
    ["ACTIVE", "ACTIVE"],
    ["ACTIVE", "PAUSED"],
    ["PAUSED", "ACTIVE"],
  ] as const)("GIVEN a %s test on a product WHEN a %s test is added on the same product THEN the database refuses it", async (first, second) => {
    const shop = await createShop();
    await createTest(shop.id, "gid://shopify/Product/1", first);

    await expect(createTest(shop.id, "gid://shopify/Product/1", second)).rejects.toMatchObject({ code: "P2002" });
  });

  it.each([
    ["COMPLETED", "ACTIVE"],
    ["DRAFT", "ACTIVE"],
    ["DRAFT", "DRAFT"],
  ] as const)("GIVEN a %s test on a product WHEN a %s test is added THEN it is allowed", async (first, second) => {
    const shop = await createShop();
    await createTest(shop.id, "gid://shopify/Product/1", first);

    await expect(createTest(shop.id, "gid://shopify/Product/1", second)).resolves.toMatchObject({ status: second });
  });

  it("GIVEN running tests in two shops on the same product id THEN both are allowed (the rule is per shop)", async () => {
    const [a, b] = await Promise.all([createShop(), createShop()]);
    await createTest(a.id, "gid://shopify/Product/9", "ACTIVE");

    await expect(createTest(b.id, "gid://shopify/Product/9", "ACTIVE")).resolves.toBeTruthy();
  });

  it("GIVEN a traffic split outside 0–100 THEN the database refuses it", async () => {
    const shop = await createShop();

    await expect(createTest(shop.id, "gid://shopify/Product/2", "DRAFT", 101)).rejects.toThrow();
  });

  it("GIVEN a stored event WHEN the same (shop, eventId) is inserted again THEN it is rejected, while another shop may reuse the id", async () => {
    const [a, b] = await Promise.all([createShop(), createShop()]);
    const [testA, testB] = await Promise.all([createTest(a.id, "p", "DRAFT"), createTest(b.id, "p", "DRAFT")]);
    const eventId = randomUUID();
    await prisma.aBTestEvent.create({ data: event(a.id, testA.id, eventId) });

    await expect(prisma.aBTestEvent.create({ data: event(a.id, testA.id, eventId) })).rejects.toMatchObject({ code: "P2002" });
    await expect(prisma.aBTestEvent.create({ data: event(b.id, testB.id, eventId) })).resolves.toBeTruthy();
  });

  it("GIVEN shop credentials THEN shopDomain and myshopifyDomain are each unique", async () => {
    const shop = await createShop();
    const domain = uniqueShopDomain();
    await prisma.shopCredential.update({ where: { id: shop.id }, data: { myshopifyDomain: domain } });

    await expect(prisma.shopCredential.create({ data: { shopDomain: shop.shopDomain, apiKey: "k" } })).rejects.toMatchObject({ code: "P2002" });
    await expect(prisma.shopCredential.create({ data: { shopDomain: uniqueShopDomain(), myshopifyDomain: domain, apiKey: "k" } })).rejects.toMatchObject({
      code: "P2002",
    });
  });

  it("GIVEN an export for a shop-day THEN a second one for the same day is rejected", async () => {
    const shop = await createShop();
    const date = new Date("2026-11-23T00:00:00Z");
    await prisma.statisticsExport.create({ data: { shopId: shop.id, date } });

    await expect(prisma.statisticsExport.create({ data: { shopId: shop.id, date } })).rejects.toMatchObject({ code: "P2002" });
  });

  it("GIVEN daily statistics for a (shop, date, product, variant, arm) THEN a duplicate is rejected but another arm is not", async () => {
    const shop = await createShop();
    const row = { shopId: shop.id, date: new Date("2026-11-23T00:00:00Z"), productId: "gid://shopify/Product/1", variantId: "gid://shopify/ProductVariant/1" };
    await prisma.variantDailyStatistics.create({ data: { ...row, arm: "CONTROL" } });

    await expect(prisma.variantDailyStatistics.create({ data: { ...row, arm: "CONTROL" } })).rejects.toMatchObject({ code: "P2002" });
    await expect(prisma.variantDailyStatistics.create({ data: { ...row, arm: "TREATMENT" } })).resolves.toBeTruthy();
  });

  it("GIVEN an image backup THEN a second one for the same (shop, product, variant, media) is rejected", async () => {
    const shop = await createShop();
    const backup = {
      shopId: shop.id,
      productId: "gid://shopify/Product/1",
      variantId: "gid://shopify/ProductVariant/1",
      mediaId: "gid://shopify/MediaImage/1",
      r2Key: "product-images/x/1/1/1.png",
      sourceUrl: "https://cdn.example/1.png",
      contentType: "image/png",
      bytes: 10,
      sha256: "0".repeat(64),
    };
    await prisma.productImageBackup.create({ data: backup });

    await expect(prisma.productImageBackup.create({ data: backup })).rejects.toMatchObject({ code: "P2002" });
  });
});
