import type { ActionFunctionArgs } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { action as appUninstalled } from "../../app/routes/webhooks.app.uninstalled";
import { action as customersDataRequest } from "../../app/routes/webhooks.customers.data_request";
import { action as customersRedact } from "../../app/routes/webhooks.customers.redact";
import { action as shopRedact } from "../../app/routes/webhooks.shop.redact";
import { getObjectStore } from "../../app/storage.server";
import type { AppServer } from "../../scripts/lib/app-server";
import { startTestApp } from "../support/app-server";
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

// Over HTTP through the real app, as Shopify delivers them: a shop's webhooks verify against the
// credential it has or had, in any status. An uninstalled PRIVATE shop's compliance webhooks are signed
// with its own secret (never the public app's) and must still erase its data.
describe("webhooks over HTTP, in every credential state", () => {
  let app: AppServer;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.close());

  const PUBLIC_SECRET = () => process.env.SHOPIFY_API_SECRET ?? "local-dev-api-secret";
  const deliver = async (topic: string, shop: InstalledShop, secret: string, payload: unknown = { shop_domain: shop.shopDomain }) => {
    const request = webhookRequest({ topic, shop: shop.shopDomain, payload, secret });
    return fetch(new URL(new URL(request.url).pathname, app.url), { method: "POST", headers: request.headers, body: await request.text() });
  };
  const rowsOf = async (shop: InstalledShop) => {
    const where = { shopId: shop.shopId };
    const [credentials, sessions, tests, events, exports, statistics, objects] = await Promise.all([
      prisma.shopCredential.count({ where: { id: shop.shopId } }),
      prisma.session.count({ where: { OR: [{ shop: shop.shopDomain }, where] } }),
      prisma.aBTest.count({ where }),
      prisma.aBTestEvent.count({ where }),
      prisma.statisticsExport.count({ where }),
      prisma.variantDailyStatistics.count({ where }),
      Promise.all([getObjectStore().list(`statistics-exports/${shop.shopId}/`), getObjectStore().list(`product-images/${shop.shopId}/`)]).then((lists) => lists.flat().length),
    ]);
    return { credentials, sessions, tests, events, exports, statistics, objects };
  };
  const ERASED = { credentials: 0, sessions: 0, tests: 0, events: 0, exports: 0, statistics: 0, objects: 0 };

  it("GIVEN a PRIVATE shop uninstalled WHEN customers/redact and shop/redact arrive signed with its own secret THEN both succeed and its data is erased", async () => {
    const shop = await createInstalledShop(prisma, { mode: "PRIVATE" });
    const other = await createInstalledShop(prisma, { mode: "PRIVATE" });
    await Promise.all([seedShopData(shop), seedShopData(other)]);

    const uninstalled = await deliver("app/uninstalled", shop, shop.apiSecret, {});
    const credential = await prisma.shopCredential.findUniqueOrThrow({ where: { id: shop.shopId } });
    const dataRequest = await deliver("customers/data_request", shop, shop.apiSecret, { orders_requested: [1001] });
    const customersRedact = await deliver("customers/redact", shop, shop.apiSecret, { shop_domain: shop.shopDomain, orders_to_redact: [1001] });
    const eventsAfterCustomerRedact = await prisma.aBTestEvent.count({ where: { shopId: shop.shopId } });
    const shopRedact = await deliver("shop/redact", shop, shop.apiSecret);

    expect([uninstalled.status, dataRequest.status, customersRedact.status, shopRedact.status]).toEqual([200, 200, 200, 200]);
    expect(credential.status).toBe("DISABLED");
    expect(eventsAfterCustomerRedact).toBe(3);
    expect(await rowsOf(shop)).toEqual(ERASED);
    expect(await rowsOf(other)).toMatchObject({ credentials: 1, sessions: 1, events: 4, objects: 2 });
  });

  it.each(["customers/data_request", "customers/redact", "shop/redact", "app/uninstalled"])(
    "GIVEN an uninstalled PRIVATE shop WHEN %s is signed with the public app's secret THEN 401 and nothing is erased",
    async (topic) => {
      const shop = await createInstalledShop(prisma, { mode: "PRIVATE" });
      await seedShopData(shop);
      expect((await deliver("app/uninstalled", shop, shop.apiSecret, {})).status).toBe(200);
      const before = await rowsOf(shop);

      const response = await deliver(topic, shop, PUBLIC_SECRET(), { shop_domain: shop.shopDomain, orders_to_redact: [1001, 1002] });

      expect(response.status).toBe(401);
      expect(await rowsOf(shop)).toEqual(before);
      expect(before).toMatchObject({ credentials: 1, events: 4, objects: 2 });
    },
  );

  const STATES = [
    { state: "ACTIVE", prepare: async () => {} },
    { state: "DISABLED (uninstalled)", prepare: async (shop: InstalledShop) => void (await prisma.shopCredential.update({ where: { id: shop.shopId }, data: { status: "DISABLED" } })) },
    {
      state: "partly erased (objects and sessions already gone)",
      prepare: async (shop: InstalledShop) => {
        await getObjectStore().deletePrefix(`statistics-exports/${shop.shopId}/`);
        await getObjectStore().deletePrefix(`product-images/${shop.shopId}/`);
        await prisma.session.deleteMany({ where: { shopId: shop.shopId } });
        await prisma.shopCredential.update({ where: { id: shop.shopId }, data: { status: "DISABLED" } });
      },
    },
  ];
  const CASES = (["PUBLIC", "PRIVATE"] as const).flatMap((mode) => STATES.map((state) => ({ mode, ...state })));

  it.each(CASES)("GIVEN a $mode shop $state WHEN shop/redact arrives signed with its own secret THEN every row and object of it is gone", async ({ mode, prepare }) => {
    const shop = await createInstalledShop(prisma, { mode });
    await seedShopData(shop);
    await prepare(shop);

    const response = await deliver("shop/redact", shop, shop.apiSecret);
    const retried = await deliver("shop/redact", shop, mode === "PUBLIC" ? shop.apiSecret : PUBLIC_SECRET());

    expect(response.status).toBe(200);
    expect(await rowsOf(shop)).toEqual(ERASED);
    // Nothing of the shop is left, its PRIVATE secret included: a repeat verifies with the public app
    // (and erases nothing, as nothing remains).
    expect(retried.status).toBe(200);
  });

  it("GIVEN a PUBLIC shop whose credential is already gone but a stray session is left WHEN shop/redact arrives THEN the session is erased", async () => {
    const shop = await createInstalledShop(prisma);
    await prisma.session.update({ where: { id: shop.sessionId }, data: { shopId: null } });
    await prisma.shopCredential.delete({ where: { id: shop.shopId } });

    const response = await deliver("shop/redact", shop, shop.apiSecret);

    expect(response.status).toBe(200);
    expect(await prisma.session.count({ where: { shop: shop.shopDomain } })).toBe(0);
  });
});
