import type { ActionFunctionArgs } from "@remix-run/node";
import { describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { action as appUninstalled } from "../../app/routes/webhooks.app.uninstalled";
import { action as customersDataRequest } from "../../app/routes/webhooks.customers.data_request";
import { action as customersRedact } from "../../app/routes/webhooks.customers.redact";
import { action as shopRedact } from "../../app/routes/webhooks.shop.redact";
import { getObjectStore } from "../../app/storage.server";
import { createInstalledShop, type InstalledShop } from "../support/shops";
import { respond, webhookRequest } from "../support/shopify-requests";

type Action = (args: ActionFunctionArgs) => Promise<Response>;
const call = (action: Action, request: Request) => respond(() => action({ request, params: {}, context: {} })) as Promise<Response>;

async function seedShopData(shop: InstalledShop) {
  const test = await prisma.aBTest.create({
    data: { shopId: shop.shopId, productId: "gid://shopify/Product/1", name: "Hero", status: "ACTIVE", controlImages: [], treatmentImages: [] },
  });
  const base = { shopId: shop.shopId, testId: test.id, arm: "CONTROL" as const, productId: "gid://shopify/Product/1", visitorId: "v", occurredAt: new Date() };
  await prisma.aBTestEvent.createMany({
    data: [
      { ...base, eventId: "e1", eventType: "IMPRESSION" },
      { ...base, eventId: "e2:0", eventType: "PURCHASE", orderId: "gid://shopify/Order/1001", revenue: "10.00" },
      { ...base, eventId: "e3:0", eventType: "PURCHASE", orderId: "1002", revenue: "20.00" },
      { ...base, eventId: "e4:0", eventType: "PURCHASE", orderId: "gid://shopify/Order/1003", revenue: "30.00" },
    ],
  });
  const exported = await prisma.statisticsExport.create({ data: { shopId: shop.shopId, date: new Date("2026-11-23"), status: "COMPLETED" } });
  await prisma.variantDailyStatistics.create({
    data: { shopId: shop.shopId, date: new Date("2026-11-23"), productId: "p", variantId: "v", arm: "NONE", exportId: exported.id },
  });
  const objects = getObjectStore();
  await objects.put(`statistics-exports/${shop.shopId}/2026-11-23/statistics.csv`, "date,shop\n");
  await objects.put(`product-images/${shop.shopId}/1/1/1.png`, Buffer.from([1, 2, 3]));
}

const TOPICS: [string, Action][] = [
  ["app/uninstalled", appUninstalled],
  ["customers/data_request", customersDataRequest],
  ["customers/redact", customersRedact],
  ["shop/redact", shopRedact],
];

describe("webhooks", () => {
  it.each(TOPICS)("GIVEN %s with a bad HMAC THEN it answers 401 and changes nothing", async (topic, action) => {
    const shop = await createInstalledShop(prisma);
    await seedShopData(shop);
    const request = webhookRequest({ topic, shop: shop.shopDomain, payload: { shop_domain: shop.shopDomain }, secret: "wrong-secret" });

    const response = await call(action, request);

    expect(response.status).toBe(401);
    expect(await prisma.session.count({ where: { shopId: shop.shopId } })).toBe(1);
    expect(await prisma.aBTestEvent.count({ where: { shopId: shop.shopId } })).toBe(4);
    expect(await prisma.shopCredential.findUnique({ where: { id: shop.shopId } })).toMatchObject({ status: "ACTIVE" });
  });

  it("GIVEN app/uninstalled THEN the shop's sessions are deleted, its credential DISABLED, and its statistics history kept", async () => {
    const shop = await createInstalledShop(prisma);
    const other = await createInstalledShop(prisma);
    await seedShopData(shop);

    const response = await call(appUninstalled, webhookRequest({ topic: "app/uninstalled", shop: shop.shopDomain, payload: {}, secret: shop.apiSecret }));

    expect(response.status).toBe(200);
    expect(await prisma.session.count({ where: { shop: shop.shopDomain } })).toBe(0);
    expect(await prisma.shopCredential.findUnique({ where: { id: shop.shopId } })).toMatchObject({ status: "DISABLED" });
    expect(await prisma.statisticsExport.count({ where: { shopId: shop.shopId } })).toBe(1);
    expect(await prisma.variantDailyStatistics.count({ where: { shopId: shop.shopId } })).toBe(1);
    expect(await prisma.session.count({ where: { shopId: other.shopId } })).toBe(1);
  });

  it("GIVEN shop/redact THEN every row and object of that shop is gone and other shops are untouched", async () => {
    const shop = await createInstalledShop(prisma);
    const other = await createInstalledShop(prisma);
    await seedShopData(shop);
    await seedShopData(other);

    const response = await call(shopRedact, webhookRequest({ topic: "shop/redact", shop: shop.shopDomain, payload: { shop_domain: shop.shopDomain }, secret: shop.apiSecret }));

    expect(response.status).toBe(200);
    const where = { shopId: shop.shopId };
    const counts = await Promise.all([
      prisma.shopCredential.count({ where: { id: shop.shopId } }),
      prisma.session.count({ where: { shop: shop.shopDomain } }),
      prisma.aBTest.count({ where }),
      prisma.aBTestEvent.count({ where }),
      prisma.statisticsExport.count({ where }),
      prisma.variantDailyStatistics.count({ where }),
      prisma.productImageBackup.count({ where }),
    ]);
    expect(counts).toEqual([0, 0, 0, 0, 0, 0, 0]);
    const objects = getObjectStore();
    expect(await objects.list(`statistics-exports/${shop.shopId}/`)).toEqual([]);
    expect(await objects.list(`product-images/${shop.shopId}/`)).toEqual([]);
    expect(await prisma.aBTestEvent.count({ where: { shopId: other.shopId } })).toBe(4);
    await expect(objects.head(`product-images/${other.shopId}/1/1/1.png`)).resolves.toMatchObject({ bytes: 3 });
  });

  it("GIVEN customers/redact naming orders THEN those orders' purchase events are deleted, in GID or numeric form, and nothing else", async () => {
    const shop = await createInstalledShop(prisma);
    await seedShopData(shop);
    const payload = { shop_domain: shop.shopDomain, customer: { id: 1, email: "a@b.c" }, orders_to_redact: [1001, 1002] };

    const response = await call(customersRedact, webhookRequest({ topic: "customers/redact", shop: shop.shopDomain, payload, secret: shop.apiSecret }));

    expect(response.status).toBe(200);
    const remaining = await prisma.aBTestEvent.findMany({ where: { shopId: shop.shopId }, select: { eventId: true }, orderBy: { eventId: "asc" } });
    expect(remaining.map((event) => event.eventId)).toEqual(["e1", "e4:0"]);
  });

  it("GIVEN customers/data_request THEN it is acknowledged", async () => {
    const shop = await createInstalledShop(prisma);

    const response = await call(customersDataRequest, webhookRequest({ topic: "customers/data_request", shop: shop.shopDomain, payload: { orders_requested: [] }, secret: shop.apiSecret }));

    expect(response.status).toBe(200);
  });

  it("GIVEN a PRIVATE shop WHEN its webhook is signed with the public app's secret THEN it is refused (each credential verifies its own)", async () => {
    const shop = await createInstalledShop(prisma, { mode: "PRIVATE" });
    const publicSecret = process.env.SHOPIFY_API_SECRET ?? "local-dev-api-secret";

    const forged = await call(appUninstalled, webhookRequest({ topic: "app/uninstalled", shop: shop.shopDomain, payload: {}, secret: publicSecret }));
    const genuine = await call(appUninstalled, webhookRequest({ topic: "app/uninstalled", shop: shop.shopDomain, payload: {}, secret: shop.apiSecret }));

    expect(forged.status).toBe(401);
    expect(genuine.status).toBe(200);
  });
});
