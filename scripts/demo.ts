// `npm run demo`: the app's main job on a fresh machine, with no env. Embedded Postgres + filesystem
// object store + a local fake Shopify Admin API (tests/fake-shopify) with a small catalog; a shop with
// an ACTIVE image test; three days of realistic pixel traffic sent through the real POST /track, and
// Shopify's signed orders/create webhooks for the orders (what verifies a purchase: ADR 008) — some
// checkouts the pixel saw without an order id, some orders it never saw (attributed by the cart
// attributes the embed stores), some pixel purchases with no order, and a forged one; the daily export
// run through the real cron route for each day; then a per-variant, per-arm table and the CSV/JSON
// files it wrote.
import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { assignArm, type Arm } from "../app/lib/assignment";
import { addDays, yesterday } from "../app/lib/days";
import { encodeExposures, numericId } from "../app/lib/storefront-contract";
import { CART_ATTRIBUTE } from "../app/services/orders/order-webhook-payload";
import { prepareDatabase } from "../app/services/database/prepare-database";
import { generateCatalog } from "../tests/fake-shopify/catalog";
import { startFakeAdminApi } from "../tests/fake-shopify/fake-admin-api";
import { buildOrderPayload, deliverOrderWebhook, type FakeOrder } from "../tests/fake-shopify/order-webhooks";
import { startAppServer } from "./lib/app-server";

const SHOP = "demo-shop.myshopify.com";
const ACCESS_TOKEN = "shpat_demo_local_only";
const started = Date.now();
const step = (message: string) => console.log(`✓ ${message} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

// The demo owns its environment: local services only, whatever the shell says.
for (const name of ["SHOPIFY_API_KEY", "SHOPIFY_API_SECRET", "CRON_SECRET", "ENCRYPTION_KEY", "ENCRYPTION_KEYS", "R2_ACCESS_KEY_ID", "R2_SECRET_ACCESS_KEY", "R2_BUCKET", "R2_ACCOUNT_ID", "R2_ENDPOINT"]) delete process.env[name];
process.env.NODE_ENV = "development";
process.env.DATA_DIR ??= ".data";

const database = await prepareDatabase();
step(`database ready: ${database.embedded ? `embedded Postgres in ${path.join(process.env.DATA_DIR, "pglite")}` : "DATABASE_URL"}, migrated`);

const catalog = generateCatalog({ products: 4, variantsPerProduct: 3, imagesPerProduct: 3, seed: 2026 });
const fake = await startFakeAdminApi({ shops: [{ domain: SHOP, accessToken: ACCESS_TOKEN, name: "Demo Shop", currencyCode: "EUR", ianaTimezone: "Europe/Berlin", products: catalog }] });
process.env.SHOPIFY_ADMIN_API_ORIGIN = fake.origin;
step(`fake Shopify Admin API on ${fake.origin} (${catalog.length} products, ${catalog.reduce((n, p) => n + p.variants.length, 0)} variants)`);

// The server's clock, moved through the demo days so each day's events land on that day.
let clock = Date.now();
const { getEnv } = await import("../app/env.server");
const { getTrackingDeps } = await import("../app/tracking.server");
getTrackingDeps().now = () => clock;
const { getOrderDeps } = await import("../app/orders.server");
getOrderDeps().now = () => clock;
const { default: prisma } = await import("../app/db.server");
const { saveShopCredential } = await import("../app/services/shopify/shop-credentials");

const credential = await saveShopCredential(prisma, getEnv().keyring, { shopDomain: SHOP, apiKey: getEnv().SHOPIFY_API_KEY, mode: "PUBLIC" });
await prisma.shopCredential.update({ where: { id: credential.id }, data: { myshopifyDomain: SHOP, currencyCode: "EUR", ianaTimezone: "Europe/Berlin" } });
await prisma.session.upsert({
  where: { id: `offline_${SHOP}` },
  create: { id: `offline_${SHOP}`, shop: SHOP, state: "demo", isOnline: false, accessToken: ACCESS_TOKEN, scope: "write_products,write_pixels,read_customer_events,read_orders", shopId: credential.id },
  update: { accessToken: ACCESS_TOKEN, shopId: credential.id },
});
const product = catalog.find((candidate) => candidate.media.length >= 2) ?? catalog[0];
const image = (media: (typeof product.media)[number]) => ({ mediaId: media.id, url: `${fake.origin}/cdn/${SHOP}/files/${media.fileName}.png?v=1`, altText: media.alt, width: media.width, height: media.height });
await prisma.aBTest.updateMany({ where: { shopId: credential.id, status: { in: ["ACTIVE", "PAUSED"] } }, data: { status: "COMPLETED", endedAt: new Date() } });
const test = await prisma.aBTest.create({
  data: {
    shopId: credential.id,
    productId: product.id,
    name: `${product.title}: lifestyle photo first`,
    status: "ACTIVE",
    trafficSplit: 50,
    controlImages: product.media.map(image),
    treatmentImages: [...product.media].reverse().map(image),
    startedAt: new Date(`${addDays(yesterday(new Date()), -3)}T00:00:00Z`),
  },
});
step(`shop ${SHOP} with an ACTIVE test on "${product.title}" (50/50)`);

const app = await startAppServer({ mode: "development", port: 0 });
step(`app serving on ${app.url}`);

/**
 * A day of shoppers: product views, add-to-carts and orders; treatment converts a little better. A
 * buyer's order reaches the app as Shopify's webhook; the pixel's purchase is a claim it verifies. Of
 * the buyers, most are seen by the pixel with their order id, some without one (checkout token only),
 * some not at all (a "Buy it now" order the embed's cart attributes attribute), and some of the pixel's
 * purchases never get an order (unverified). One forged purchase a day claims a million.
 */
function simulateDay(day: string, seed: number) {
  let state = seed;
  const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const bodies: string[] = [];
  const orders: FakeOrder[] = [];
  for (let visitor = 0; visitor < 240; visitor++) {
    const visitorId = randomUUID();
    const arm: Arm = assignArm(test.id, visitorId, 50);
    const variant = product.variants[Math.floor(random() * product.variants.length)];
    const base = { testId: test.id, arm, visitorId, productId: product.id, variantId: variant.id, occurredAt: `${day}T12:00:00.000Z` };
    const events: object[] = [{ ...base, id: randomUUID(), type: "IMPRESSION" }];
    const buyChance = arm === "TREATMENT" ? 0.09 : 0.06;
    if (random() < buyChance * 3) events.push({ ...base, id: randomUUID(), type: "ADD_TO_CART", quantity: 1 });
    if (random() < buyChance) {
      const orderId = 9_000_000 + seed * 1000 + visitor;
      const checkoutToken = randomUUID().replaceAll("-", "");
      const quantity = 1 + Math.floor(random() * 2);
      const path = random();
      // The browser's figure (before discounts): what counts is the order's, below.
      const claim = { ...base, id: randomUUID(), type: "PURCHASE", lineIndex: 0, quantity, revenue: (Number(variant.price) * quantity).toFixed(2), currency: "EUR", checkoutToken };
      if (path < 0.7) events.push({ ...claim, orderId: String(orderId) });
      else if (path < 0.8) events.push(claim);
      else if (path < 0.9) events.push({ ...claim, orderId: String(orderId), id: randomUUID() });
      const exposures = encodeExposures([{ product: numericId(product.id)!, testId: test.id, arm }]);
      if (path < 0.8 || path >= 0.9) {
        orders.push({
          id: orderId,
          checkoutToken,
          currency: "EUR",
          presentmentCurrency: random() < 0.2 ? "USD" : "EUR",
          createdAt: new Date(`${day}T12:05:00.000Z`),
          lines: [{ productId: product.id, variantId: variant.id, quantity, shopPrice: variant.price, discounts: random() < 0.3 ? ["2.00"] : [] }],
          attributes: path >= 0.9 ? { [CART_ATTRIBUTE.visitorId]: visitorId, [CART_ATTRIBUTE.exposures]: exposures } : {},
        });
      }
    }
    bodies.push(JSON.stringify({ shop: SHOP, events }));
  }
  // A forged purchase for an order that does not exist: stored as a claim, never counted.
  const forger = randomUUID();
  bodies.push(
    JSON.stringify({
      shop: SHOP,
      events: [{ id: randomUUID(), type: "PURCHASE", testId: test.id, visitorId: forger, productId: product.id, quantity: 1000, revenue: "1000000.00", currency: "EUR", orderId: String(8_000_000 + seed), lineIndex: 0 }],
    }),
  );
  return { bodies, orders };
}

const lastDay = yesterday(new Date());
const days = [addDays(lastDay, -2), addDays(lastDay, -1), lastDay];
const secret = getEnv().CRON_SECRET;
let failed = false;
for (const [index, day] of days.entries()) {
  clock = Date.parse(`${day}T10:00:00.000Z`);
  let accepted = 0;
  const { bodies, orders } = simulateDay(day, index + 1);
  for (const body of bodies) {
    const response = await fetch(`${app.url}/track`, { method: "POST", body, headers: { "Content-Type": "text/plain", "User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1" } });
    accepted += ((await response.json()) as { accepted: number }).accepted;
  }
  clock += 5 * 60_000;
  let delivered = 0;
  for (const order of orders) {
    const response = await deliverOrderWebhook({ appUrl: app.url, shop: SHOP, secret: getEnv().SHOPIFY_API_SECRET, payload: buildOrderPayload(order) });
    if (response.status === 200) delivered++;
    else failed = true;
  }
  const dayStart = new Date(`${day}T00:00:00.000Z`);
  const dayEnd = new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000);
  const [claims, verified] = await Promise.all(
    (["PURCHASE_CLAIM", "PURCHASE"] as const).map((eventType) => prisma.aBTestEvent.count({ where: { shopId: credential.id, eventType, createdAt: { gte: dayStart, lt: dayEnd } } })),
  );
  // The cron route plans (a queued job per shop-day); the drain route, as its Vercel cron would, exports.
  const planned = await fetch(`${app.url}/api/statistics-export/daily?date=${day}&shop=${SHOP}`, { headers: { Authorization: `Bearer ${secret}` } });
  const drained = await fetch(`${app.url}/api/statistics-export/drain`, { headers: { Authorization: `Bearer ${secret}` } });
  const result = await prisma.statisticsExport.findUnique({ where: { shopId_date: { shopId: credential.id, date: new Date(day) } } });
  failed ||= planned.status !== 200 || drained.status !== 200 || result?.status !== "COMPLETED";
  step(
    `${day}: ${accepted} events accepted by /track (${claims} purchase claims, one forged); ${delivered} signed orders/create webhooks → ${verified} verified purchases; export ${result?.status ?? "?"} (${result?.rowCount ?? 0} rows)${result?.error ? ` — ${result.error}` : ""}`,
  );
}

const rows = await prisma.variantDailyStatistics.findMany({ where: { shopId: credential.id, date: { in: days.map((day) => new Date(day)) }, productId: product.id } });
const byKey = new Map<string, { variant: string; arm: string; impressions: number; visitors: number; addToCarts: number; orders: number; revenue: number }>();
for (const row of rows) {
  const key = `${row.variantId}|${row.arm}`;
  const variant = product.variants.find((candidate) => candidate.id === row.variantId)?.title ?? row.variantId;
  const total = byKey.get(key) ?? { variant, arm: row.arm, impressions: 0, visitors: 0, addToCarts: 0, orders: 0, revenue: 0 };
  total.impressions += Number(row.impressions);
  total.visitors += Number(row.visitors);
  total.addToCarts += Number(row.addToCarts);
  total.orders += Number(row.orders);
  total.revenue += Number(row.revenue);
  byKey.set(key, total);
}
console.log(`\n"${product.title}", ${days[0]} → ${days.at(-1)} (visitors summed over days)`);
console.log(["variant".padEnd(22), "arm".padEnd(10), "impr.".padStart(6), "visitors".padStart(9), "carts".padStart(6), "orders".padStart(7), "revenue €".padStart(10), "conv.".padStart(7)].join(" "));
for (const total of [...byKey.values()].sort((a, b) => a.variant.localeCompare(b.variant) || a.arm.localeCompare(b.arm))) {
  const conversion = total.impressions ? `${((total.orders / total.impressions) * 100).toFixed(1)}%` : "—";
  console.log([total.variant.slice(0, 22).padEnd(22), total.arm.padEnd(10), String(total.impressions).padStart(6), String(total.visitors).padStart(9), String(total.addToCarts).padStart(6), String(total.orders).padStart(7), total.revenue.toFixed(2).padStart(10), conversion.padStart(7)].join(" "));
}

// Copy the exports out of the object store (as a merchant would download them) to plain files.
const { getObjectStore } = await import("../app/storage.server");
const exportsDir = path.resolve(process.env.DATA_DIR, "exports", SHOP);
console.log(`\nFiles written (object store: ${getObjectStore().kind} under ${path.resolve(process.env.DATA_DIR, "objects")}; copies below):`);
for (const exported of await prisma.statisticsExport.findMany({ where: { shopId: credential.id, date: { in: days.map((day) => new Date(day)) } }, orderBy: { date: "asc" } })) {
  for (const key of [exported.csvKey, exported.jsonKey]) {
    if (!key) continue;
    const target = path.join(exportsDir, key.split("/").slice(-2).join("-"));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, (await getObjectStore().get(key)).body);
    console.log(`  ${path.relative(process.cwd(), target)}  (${key})`);
  }
}

await app.close();
await fake.close();
await prisma.$disconnect();
await database.stop();
console.log(failed ? "\n✗ demo finished with a failed export" : `\n✓ demo finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(failed ? 1 : 0);
