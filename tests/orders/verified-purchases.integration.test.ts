// Verified purchases over HTTP (DESIGN §4 "Purchases are verified", ADR 008): the pixel's purchase
// (POST /track) is only a claim; Shopify's signed orders/create webhook confirms it, in either order of
// arrival, with the order line's amounts in the shop's currency. Claims without an order are counted as
// unverifiedOrders once their 72 h pass; forged purchases never reach the totals or the export.
import { randomUUID } from "node:crypto";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { assignArm } from "../../app/lib/assignment";
import { encodeExposures } from "../../app/lib/storefront-contract";
import { readArmTotals } from "../../app/services/ab-tests/read-arm-totals";
import { CART_ATTRIBUTE } from "../../app/services/orders/order-webhook-payload";
import { exportShopDay } from "../../app/services/statistics-export/statistics-export-orchestrator.service";
import { getObjectStore } from "../../app/storage.server";
import type { AppServer } from "../../scripts/lib/app-server";
import { startFakeAdminApi, type FakeAdminApi } from "../fake-shopify/fake-admin-api";
import { buildOrderPayload, deliverOrderWebhook } from "../fake-shopify/order-webhooks";
import { startTestApp } from "../support/app-server";
import { createExportShop, exportDeps, type ExportShop } from "../support/export-fixtures";
import { webhookRequest } from "../support/shopify-requests";

const BROWSER_UA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15";
const DAY_MS = 86_400_000;

let app: AppServer;
let fake: FakeAdminApi;
let nextOrder = 700_000;

beforeAll(async () => {
  [app, fake] = await Promise.all([startTestApp(), startFakeAdminApi()]);
}, 120_000);
afterAll(async () => {
  await app?.close();
  await fake?.close();
});

const numeric = (gid: string) => gid.split("/").at(-1)!;

async function track(shop: ExportShop, events: Record<string, unknown>[]) {
  const response = await fetch(`${app.url}/track`, {
    method: "POST",
    body: JSON.stringify({ shop: shop.shopDomain, events }),
    headers: { "Content-Type": "application/json", "User-Agent": BROWSER_UA },
  });
  expect(response.status).toBe(202);
  return (await response.json()) as { accepted: number; duplicates: number; dropped: number };
}

function visit(shop: ExportShop, visitorId: string) {
  const variant = shop.catalog[0].variants[0];
  return {
    impression: { id: randomUUID(), type: "IMPRESSION", testId: shop.testId, visitorId, productId: numeric(shop.testedProductId), variantId: numeric(variant.id) },
    purchase: (fields: Record<string, unknown>) => ({
      id: randomUUID(),
      type: "PURCHASE",
      testId: shop.testId,
      visitorId,
      productId: numeric(shop.testedProductId),
      variantId: numeric(variant.id),
      quantity: 2,
      // What the browser claims: never what counts.
      revenue: "999.99",
      currency: "EUR",
      lineIndex: 0,
      ...fields,
    }),
  };
}

interface LineFixture {
  productId: string;
  variantId?: string;
  quantity: number;
  /** Unit price in the shop's currency and in the buyer's. */
  shop: string;
  presentment?: string;
  discounts?: string[];
}

function order(options: { id: number; checkoutToken?: string | null; currency?: string; presentment?: string; lines: LineFixture[]; attributes?: Record<string, string> }) {
  return buildOrderPayload({
    id: options.id,
    checkoutToken: options.checkoutToken,
    currency: options.currency ?? "EUR",
    presentmentCurrency: options.presentment,
    lines: options.lines.map((line) => ({ ...line, shopPrice: line.shop, presentmentPrice: line.presentment })),
    attributes: options.attributes,
  });
}

const sendOrder = (shop: ExportShop, payload: unknown, options: { secret?: string; webhookId?: string } = {}) =>
  deliverOrderWebhook({ appUrl: app.url, shop: shop.shopDomain, secret: options.secret ?? shop.apiSecret, payload, webhookId: options.webhookId });

const totalsOf = async (shop: ExportShop) => (await readArmTotals(prisma, shop.shopId, [shop.testId])).get(shop.testId)!;
const armKey = (arm: "CONTROL" | "TREATMENT") => (arm === "CONTROL" ? "control" : "treatment");

/** The day's export through the real pipeline, run as the next morning's job would. */
async function exportDay(shop: ExportShop, day: string) {
  const result = await exportShopDay(exportDeps(prisma, fake, getObjectStore(), new Date(Date.parse(day) + DAY_MS + 5 * 60_000)), shop.shopId, day, { force: true });
  expect(result).toMatchObject({ status: "COMPLETED" });
  const exported = await prisma.statisticsExport.findUniqueOrThrow({ where: { shopId_date: { shopId: shop.shopId, date: new Date(day) } } });
  const csv = Papa.parse<Record<string, string>>((await getObjectStore().get(exported.csvKey!)).body.toString("utf8"), { header: true, skipEmptyLines: true });
  const json = JSON.parse((await getObjectStore().get(exported.jsonKey!)).body.toString("utf8")) as {
    totals: { orders: number; revenue: string; unverifiedOrders: number };
    rows: { productId: string; arm: string; orders: number; revenue: string; currency: string; unverifiedOrders: number }[];
  };
  return { csv, json };
}

const today = () => new Date().toISOString().slice(0, 10);
const daysAfter = (day: string, days: number) => new Date(Date.parse(day) + days * DAY_MS).toISOString().slice(0, 10);

describe("orders/create verifies purchases", () => {
  it.each(["pixel first", "webhook first"])(
    "GIVEN a visitor's purchase, %s THEN it counts once, with the order line's quantity and revenue after discounts",
    async (arrival) => {
      const shop = await createExportShop(prisma, fake);
      const visitorId = randomUUID();
      const arm = assignArm(shop.testId, visitorId, 50);
      const id = nextOrder++;
      const { impression, purchase } = visit(shop, visitorId);
      const payload = order({ id, lines: [{ productId: shop.testedProductId, variantId: shop.catalog[0].variants[0].id, quantity: 3, shop: "20.00", discounts: ["4.50"] }] });
      await track(shop, [impression]);

      if (arrival === "pixel first") {
        expect(await track(shop, [purchase({ orderId: String(id) })])).toMatchObject({ accepted: 1 });
        expect((await totalsOf(shop))[armKey(arm)]).toMatchObject({ orders: 0, units: 0, revenue: 0 });
        expect((await sendOrder(shop, payload)).status).toBe(200);
      } else {
        expect((await sendOrder(shop, payload)).status).toBe(200);
        expect((await totalsOf(shop))[armKey(arm)]).toMatchObject({ orders: 0, units: 0, revenue: 0 });
        expect(await track(shop, [purchase({ orderId: `gid://shopify/OrderIdentity/${id}` })])).toMatchObject({ accepted: 1 });
      }

      const totals = await totalsOf(shop);
      expect(totals[armKey(arm)]).toMatchObject({ visitors: 1, orders: 1, units: 3, revenue: 55.5 });
      expect(totals[armKey(arm === "CONTROL" ? "TREATMENT" : "CONTROL")]).toMatchObject({ orders: 0, revenue: 0 });
      const { json } = await exportDay(shop, today());
      expect(json.totals).toMatchObject({ orders: 1, revenue: "55.50", unverifiedOrders: 0 });
    },
  );

  it("GIVEN a checkout whose pixel event had no order id THEN its checkout token matches the order", async () => {
    const shop = await createExportShop(prisma, fake);
    const visitorId = randomUUID();
    const id = nextOrder++;
    const { impression, purchase } = visit(shop, visitorId);
    await track(shop, [impression, purchase({ checkoutToken: "token-abc" })]);

    await sendOrder(shop, order({ id, checkoutToken: "token-abc", lines: [{ productId: shop.testedProductId, quantity: 1, shop: "12.00" }] }));

    expect((await totalsOf(shop))[armKey(assignArm(shop.testId, visitorId, 50))]).toMatchObject({ orders: 1, units: 1, revenue: 12 });
  });

  it("GIVEN an order in EUR from a shop that books USD THEN the shop_money amounts count and the export labels them USD", async () => {
    const shop = await createExportShop(prisma, fake);
    await prisma.shopCredential.update({ where: { id: shop.shopId }, data: { currencyCode: "USD" } });
    const visitorId = randomUUID();
    const id = nextOrder++;
    const { impression, purchase } = visit(shop, visitorId);
    await track(shop, [impression, purchase({ orderId: String(id), revenue: "50.00", currency: "EUR" })]);

    const payload = order({
      id,
      currency: "USD",
      presentment: "EUR",
      lines: [
        { productId: shop.testedProductId, variantId: shop.catalog[0].variants[0].id, quantity: 2, shop: "30.00", presentment: "27.50", discounts: ["5.00"] },
        // An untested product in the same order: not the test's to count.
        { productId: shop.catalog[1].id, quantity: 1, shop: "99.00", presentment: "91.00" },
      ],
    });
    expect((await sendOrder(shop, payload)).status).toBe(200);

    expect((await totalsOf(shop))[armKey(assignArm(shop.testId, visitorId, 50))]).toMatchObject({ orders: 1, units: 2, revenue: 55 });
    const { csv } = await exportDay(shop, today());
    const rows = csv.data.filter((row) => row.productId === shop.testedProductId && row.orders !== "0");
    expect(rows.map((row) => [row.revenue, row.currency])).toEqual([["55.00", "USD"]]);
    expect(csv.data.filter((row) => row.productId === shop.catalog[1].id).every((row) => row.orders === "0")).toBe(true);
  });

  it("GIVEN an order the pixel never saw THEN the cart attributes the embed stored attribute it to the visitor's arm", async () => {
    const shop = await createExportShop(prisma, fake);
    const visitorId = randomUUID();
    const arm = assignArm(shop.testId, visitorId, 50);
    await track(shop, [visit(shop, visitorId).impression]);
    // The attribute's arm is ignored: the server recomputes it from the visitor id.
    const exposures = encodeExposures([{ product: numeric(shop.testedProductId), testId: shop.testId, arm: arm === "CONTROL" ? "TREATMENT" : "CONTROL" }]);

    const response = await sendOrder(
      shop,
      order({ id: nextOrder++, lines: [{ productId: shop.testedProductId, quantity: 1, shop: "40.00" }], attributes: { [CART_ATTRIBUTE.visitorId]: visitorId, [CART_ATTRIBUTE.exposures]: exposures } }),
    );

    expect(response.status).toBe(200);
    const totals = await totalsOf(shop);
    expect(totals[armKey(arm)]).toMatchObject({ visitors: 1, orders: 1, units: 1, revenue: 40 });
    expect(totals[armKey(arm === "CONTROL" ? "TREATMENT" : "CONTROL")]).toMatchObject({ orders: 0 });
    const [row] = await prisma.aBTestEvent.findMany({ where: { shopId: shop.shopId, eventType: "PURCHASE" } });
    expect(row).toMatchObject({ visitorId, arm, currency: "EUR" });
  });

  it("GIVEN a forged claim on a real order id before the order arrives THEN the order's own cart attributes decide the visitor and arm", async () => {
    const shop = await createExportShop(prisma, fake);
    const buyer = randomUUID();
    const arm = assignArm(shop.testId, buyer, 50);
    let forger = randomUUID();
    while (assignArm(shop.testId, forger, 50) === arm) forger = randomUUID();
    const id = nextOrder++;
    await track(shop, [visit(shop, buyer).impression]);
    await track(shop, [visit(shop, forger).purchase({ orderId: String(id) })]);

    const exposures = encodeExposures([{ product: numeric(shop.testedProductId), testId: shop.testId, arm }]);
    await sendOrder(shop, order({ id, lines: [{ productId: shop.testedProductId, quantity: 1, shop: "25.00" }], attributes: { [CART_ATTRIBUTE.visitorId]: buyer, [CART_ATTRIBUTE.exposures]: exposures } }));

    const totals = await totalsOf(shop);
    expect(totals[armKey(arm)]).toMatchObject({ orders: 1, revenue: 25 });
    expect(totals[armKey(arm === "CONTROL" ? "TREATMENT" : "CONTROL")]).toMatchObject({ orders: 0, revenue: 0 });
  });

  it("GIVEN a pixel purchase with no order THEN it counts in nothing, and once its 72 h pass the export counts it in unverifiedOrders (last CSV column, JSON too)", async () => {
    const shop = await createExportShop(prisma, fake);
    const visitorId = randomUUID();
    const arm = assignArm(shop.testId, visitorId, 50);
    const { impression, purchase } = visit(shop, visitorId);
    const day = today();
    await track(shop, [impression, purchase({ orderId: String(nextOrder++) })]);

    expect((await totalsOf(shop))[armKey(arm)]).toMatchObject({ orders: 0, revenue: 0 });
    const sameDay = await exportDay(shop, day);
    expect(sameDay.json.totals).toMatchObject({ orders: 0, revenue: "0.00", unverifiedOrders: 0 });

    // The window of a claim made on `day` closes on day + 3 (72 h later): that day's export counts it.
    for (const [offset, expected] of [
      [2, 0],
      [3, 1],
      [4, 0],
    ] as const) {
      const { csv, json } = await exportDay(shop, daysAfter(day, offset));
      expect(csv.meta.fields?.at(-1)).toBe("unverifiedOrders");
      expect(csv.data.reduce((sum, row) => sum + Number(row.unverifiedOrders), 0)).toBe(expected);
      expect(json.totals.unverifiedOrders).toBe(expected);
      if (expected) expect(json.rows.find((row) => row.unverifiedOrders === 1)).toMatchObject({ productId: shop.testedProductId, arm, orders: 0, revenue: "0.00" });
    }
  });

  it("GIVEN forged purchases (1e9, and a plausible amount for an order that does not exist) THEN neither reaches the totals or the export", async () => {
    const shop = await createExportShop(prisma, fake);
    const visitorId = randomUUID();
    const { impression, purchase } = visit(shop, visitorId);
    await track(shop, [impression]);

    expect(await track(shop, [purchase({ orderId: "123456789", revenue: 1e9, quantity: 1000 })])).toMatchObject({ accepted: 0, dropped: 1 });
    expect(await track(shop, [purchase({ orderId: "123456790", revenue: "1000000.00", quantity: 1000 })])).toMatchObject({ accepted: 1 });

    const totals = await totalsOf(shop);
    expect([totals.control.revenue + totals.treatment.revenue, totals.control.orders + totals.treatment.orders, totals.control.units + totals.treatment.units]).toEqual([0, 0, 0]);
    const { csv, json } = await exportDay(shop, today());
    expect(json.totals).toMatchObject({ orders: 0, units: 0, revenue: "0.00" });
    expect(csv.data.every((row) => row.revenue === "0.00" && row.orders === "0")).toBe(true);
    expect(json.rows.every((row) => row.revenue === "0.00")).toBe(true);
  });

  it("GIVEN the same order delivered twice (same and new webhook id) THEN it is stored and counted once", async () => {
    const shop = await createExportShop(prisma, fake);
    const visitorId = randomUUID();
    const id = nextOrder++;
    const { impression, purchase } = visit(shop, visitorId);
    await track(shop, [impression, purchase({ orderId: String(id) })]);
    const payload = order({ id, lines: [{ productId: shop.testedProductId, quantity: 2, shop: "15.00" }] });
    const webhookId = randomUUID();

    const statuses = [];
    for (const options of [{ webhookId }, { webhookId }, {}]) statuses.push((await sendOrder(shop, payload, options)).status);

    expect(statuses).toEqual([200, 200, 200]);
    expect(await prisma.verifiedOrderLine.count({ where: { shopId: shop.shopId } })).toBe(1);
    expect(await prisma.aBTestEvent.count({ where: { shopId: shop.shopId, eventType: "PURCHASE" } })).toBe(1);
    expect((await totalsOf(shop))[armKey(assignArm(shop.testId, visitorId, 50))]).toMatchObject({ orders: 1, units: 2, revenue: 30 });
  });

  it("GIVEN an order webhook with a wrong HMAC THEN it answers 401 and stores nothing", async () => {
    const shop = await createExportShop(prisma, fake);
    const visitorId = randomUUID();
    const id = nextOrder++;
    const { impression, purchase } = visit(shop, visitorId);
    await track(shop, [impression, purchase({ orderId: String(id) })]);

    const response = await sendOrder(shop, order({ id, lines: [{ productId: shop.testedProductId, quantity: 1, shop: "10.00" }] }), { secret: "not-the-shop-secret" });

    expect(response.status).toBe(401);
    expect(await prisma.verifiedOrderLine.count({ where: { shopId: shop.shopId } })).toBe(0);
    expect(await prisma.aBTestEvent.count({ where: { shopId: shop.shopId, eventType: "PURCHASE" } })).toBe(0);
  });

  it("GIVEN a malformed order payload THEN it answers 400 with the error shape and stores nothing", async () => {
    const shop = await createExportShop(prisma, fake);

    const response = await sendOrder(shop, { id: "not-a-number", line_items: "many" });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "invalid_payload" } });
    expect(await prisma.verifiedOrderLine.count({ where: { shopId: shop.shopId } })).toBe(0);
  });

  it("GIVEN customers/redact for a verified order THEN its stored lines, claim and purchase are erased", async () => {
    const shop = await createExportShop(prisma, fake);
    const visitorId = randomUUID();
    const id = nextOrder++;
    const { impression, purchase } = visit(shop, visitorId);
    await track(shop, [impression, purchase({ orderId: String(id) })]);
    await sendOrder(shop, order({ id, lines: [{ productId: shop.testedProductId, quantity: 1, shop: "10.00" }] }));
    expect(await prisma.aBTestEvent.count({ where: { shopId: shop.shopId, eventType: "PURCHASE" } })).toBe(1);

    const request = webhookRequest({ topic: "customers/redact", shop: shop.shopDomain, payload: { shop_domain: shop.shopDomain, orders_to_redact: [id] }, secret: shop.apiSecret });
    const response = await fetch(`${app.url}/webhooks/customers/redact`, { method: "POST", headers: request.headers, body: await request.text() });

    expect(response.status).toBe(200);
    expect(await prisma.verifiedOrderLine.count({ where: { shopId: shop.shopId } })).toBe(0);
    expect(await prisma.aBTestEvent.count({ where: { shopId: shop.shopId, eventType: { in: ["PURCHASE", "PURCHASE_CLAIM"] } } })).toBe(0);
    expect((await totalsOf(shop))[armKey(assignArm(shop.testId, visitorId, 50))]).toMatchObject({ orders: 0, revenue: 0 });
  });

  it("GIVEN shop/redact THEN the shop's stored order lines go with it", async () => {
    const shop = await createExportShop(prisma, fake);
    const id = nextOrder++;
    await sendOrder(shop, order({ id, lines: [{ productId: shop.testedProductId, quantity: 1, shop: "10.00" }] }));
    expect(await prisma.verifiedOrderLine.count({ where: { shopId: shop.shopId } })).toBe(1);

    const request = webhookRequest({ topic: "shop/redact", shop: shop.shopDomain, payload: { shop_domain: shop.shopDomain }, secret: shop.apiSecret });
    const response = await fetch(`${app.url}/webhooks/shop/redact`, { method: "POST", headers: request.headers, body: await request.text() });

    expect(response.status).toBe(200);
    expect(await prisma.verifiedOrderLine.count({ where: { shopId: shop.shopId } })).toBe(0);
  });
});
