// The export's numbers against an independent recount of the raw events (DESIGN §4 definitions),
// on a dataset with duplicates, bots, multi-line orders, zero-traffic variants and day boundaries.
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { CSV_COLUMNS } from "../../app/services/statistics-export/export-formatter.service";
import { exportShopDay } from "../../app/services/statistics-export/statistics-export-orchestrator.service";
import { getObjectStore } from "../../app/storage.server";
import { startFakeAdminApi, type FakeAdminApi } from "../fake-shopify/fake-admin-api";
import { createExportShop, exportDeps, type ExportShop } from "../support/export-fixtures";

const DAY = "2026-11-23";

interface RawEvent {
  eventId: string;
  type: "IMPRESSION" | "ADD_TO_CART" | "PURCHASE";
  arm: "CONTROL" | "TREATMENT";
  productId: string;
  variantId: string | null;
  visitorId: string;
  quantity: number;
  revenue: string | null;
  orderId: string | null;
  createdAt: Date;
  bot: boolean;
}

function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Events on the tested product only (the pixel sends nothing else), across three days. */
function generateEvents(shop: ExportShop): RawEvent[] {
  const random = mulberry32(42);
  const product = shop.catalog[0];
  // The tested product's last variant gets no traffic at all.
  const variants = product.variants.slice(0, -1).map((variant) => variant.id);
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
  const times = [
    new Date(`${DAY}T00:00:00.000Z`),
    new Date(`${DAY}T23:59:59.999Z`),
    new Date("2026-11-22T23:59:59.999Z"),
    new Date("2026-11-24T00:00:00.000Z"),
  ];
  const events: RawEvent[] = [];
  for (let i = 0; i < 1500; i++) {
    const visitorId = `visitor-${Math.floor(random() * 120)}`;
    const roll = random();
    const createdAt = i < times.length * 10 ? times[i % times.length] : new Date(Date.parse("2026-11-22T12:00:00Z") + random() * 2 * 86_400_000);
    const base = { arm: pick(["CONTROL", "TREATMENT"] as const), productId: product.id, variantId: random() < 0.05 ? null : pick(variants), visitorId, createdAt, bot: random() < 0.05 };
    if (roll < 0.7) events.push({ ...base, eventId: `i-${i}`, type: "IMPRESSION", quantity: 1, revenue: null, orderId: null });
    else if (roll < 0.9) events.push({ ...base, eventId: `a-${i}`, type: "ADD_TO_CART", quantity: 1 + Math.floor(random() * 3), revenue: null, orderId: null });
    else {
      // A multi-line order: each line its own event id and revenue, one order id.
      const orderId = `gid://shopify/Order/${i}`;
      for (let line = 0; line < 1 + Math.floor(random() * 3); line++) {
        const quantity = 1 + Math.floor(random() * 2);
        events.push({ ...base, variantId: pick(variants), eventId: `p-${i}:${line}`, type: "PURCHASE", quantity, revenue: (quantity * 19.99 - line * 1.5).toFixed(2), orderId });
      }
    }
    if (random() < 0.1) events.push({ ...events.at(-1)!, createdAt: new Date(events.at(-1)!.createdAt.getTime() + 1000) });
  }
  return events;
}

/** Stores events as /track would: bots never reach the table, a repeated event id is stored once. */
async function storeEvents(shop: ExportShop, events: RawEvent[]) {
  for (const event of events.filter((candidate) => !candidate.bot)) {
    await prisma.$executeRaw`
      INSERT INTO "ABTestEvent" (id, "shopId", "testId", arm, "eventType", "productId", "variantId", "visitorId", "eventId", quantity, revenue, currency, "orderId", "occurredAt", "createdAt")
      VALUES (gen_random_uuid()::text, ${shop.shopId}, ${shop.testId}, ${event.arm}::"Arm", ${event.type}::"EventType", ${event.productId}, ${event.variantId}, ${event.visitorId},
        ${event.eventId}, ${event.quantity}, ${event.revenue}::numeric, ${event.revenue ? "EUR" : null}, ${event.orderId}, ${event.createdAt}, ${event.createdAt})
      ON CONFLICT ("shopId", "eventId") DO NOTHING`;
  }
}

function recount(events: RawEvent[]) {
  const seen = new Set<string>();
  const start = Date.parse(`${DAY}T00:00:00.000Z`);
  const groups = new Map<string, { impressions: number; visitors: Set<string>; addToCarts: number; orders: Set<string>; units: number; cents: number }>();
  for (const event of events) {
    if (event.bot || seen.has(event.eventId)) continue;
    seen.add(event.eventId);
    const time = event.createdAt.getTime();
    if (time < start || time >= start + 86_400_000) continue;
    const key = `${event.productId}|${event.variantId ?? ""}|${event.arm}`;
    const group = groups.get(key) ?? { impressions: 0, visitors: new Set(), addToCarts: 0, orders: new Set(), units: 0, cents: 0 };
    if (event.type === "IMPRESSION") {
      group.impressions++;
      group.visitors.add(event.visitorId);
    } else if (event.type === "ADD_TO_CART") group.addToCarts++;
    else {
      group.orders.add(event.orderId!);
      group.units += event.quantity;
      group.cents += Math.round(Number(event.revenue) * 100);
    }
    groups.set(key, group);
  }
  return groups;
}

let fake: FakeAdminApi;
let shop: ExportShop;
let events: RawEvent[];

beforeAll(async () => {
  fake = await startFakeAdminApi();
  shop = await createExportShop(prisma, fake);
  events = generateEvents(shop);
  await storeEvents(shop, events);
}, 120_000);
afterAll(() => fake.close());

describe("daily export: numbers", () => {
  it("GIVEN a messy day of events THEN every exported row equals an independent recount, in the CSV and in the database", async () => {
    const result = await exportShopDay(exportDeps(prisma, fake, getObjectStore()), shop.shopId, DAY);
    expect(result).toMatchObject({ status: "COMPLETED" });

    const expected = recount(events);
    const exported = await prisma.statisticsExport.findUniqueOrThrow({ where: { shopId_date: { shopId: shop.shopId, date: new Date(DAY) } } });
    const csv = (await getObjectStore().get(exported.csvKey!)).body.toString("utf8");
    const parsed = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true });
    expect(parsed.meta.fields).toEqual([...CSV_COLUMNS]);
    const lines = csv.split("\r\n");
    expect(lines[0]).toBe(CSV_COLUMNS.join(","));
    expect(lines.slice(1, -1).every((line) => line.startsWith(`${DAY},`))).toBe(true);
    expect(lines.at(-1)).toBe("");

    const tested = parsed.data.filter((row) => row.productId === shop.testedProductId);
    for (const row of tested) {
      const group = expected.get(`${row.productId}|${row.variantId}|${row.arm}`);
      expect({
        impressions: Number(row.impressions),
        visitors: Number(row.visitors),
        addToCarts: Number(row.addToCarts),
        orders: Number(row.orders),
        units: Number(row.units),
        revenue: row.revenue,
        ctr: row.ctr,
        conversionRate: row.conversionRate,
      }).toEqual({
        impressions: group?.impressions ?? 0,
        visitors: group?.visitors.size ?? 0,
        addToCarts: group?.addToCarts ?? 0,
        orders: group?.orders.size ?? 0,
        units: group?.units ?? 0,
        revenue: ((group?.cents ?? 0) / 100).toFixed(2),
        ctr: (group && group.impressions ? group.addToCarts / group.impressions : 0).toFixed(4),
        conversionRate: (group && group.impressions ? group.orders.size / group.impressions : 0).toFixed(4),
      });
    }
    // Every recounted group appears in the export, and nothing else has traffic.
    expect(new Set(tested.map((row) => `${row.productId}|${row.variantId}|${row.arm}`))).toEqual(new Set([...expected.keys(), ...tested.map((row) => `${row.productId}|${row.variantId}|${row.arm}`)]));
    expect([...expected.keys()].every((key) => tested.some((row) => `${row.productId}|${row.variantId}|${row.arm}` === key))).toBe(true);
    expect(parsed.data.filter((row) => row.productId !== shop.testedProductId).every((row) => row.arm === "NONE" && row.impressions === "0")).toBe(true);

    // Every catalog variant has its rows: both arms under the test (zeros included), NONE elsewhere.
    for (const product of shop.catalog) {
      for (const variant of product.variants) {
        const arms = parsed.data.filter((row) => row.variantId === variant.id).map((row) => row.arm);
        expect(arms).toEqual(product.id === shop.testedProductId ? ["CONTROL", "TREATMENT"] : ["NONE"]);
      }
    }
    const zeroVariant = shop.catalog[0].variants.at(-1)!;
    expect(parsed.data.filter((row) => row.variantId === zeroVariant.id).map((row) => row.impressions)).toEqual(["0", "0"]);

    const stored = await prisma.variantDailyStatistics.findMany({ where: { shopId: shop.shopId, date: new Date(DAY) } });
    expect(stored).toHaveLength(parsed.data.length);
    for (const row of stored) {
      const group = row.arm === "NONE" ? undefined : expected.get(`${row.productId}|${row.variantId}|${row.arm}`);
      expect([Number(row.impressions), Number(row.visitors), Number(row.orders), row.revenue.toFixed(2)]).toEqual([
        group?.impressions ?? 0,
        group?.visitors.size ?? 0,
        group?.orders.size ?? 0,
        ((group?.cents ?? 0) / 100).toFixed(2),
      ]);
    }

    const totals = exported.totals as { impressions: number; visitors: number; orders: number; rows: number };
    const all = [...expected.values()];
    expect(totals.impressions).toBe(all.reduce((sum, group) => sum + group.impressions, 0));
    expect(totals.rows).toBe(parsed.data.length);
    const distinctOrders = new Set(all.flatMap((group) => [...group.orders]));
    expect(totals.orders).toBe(distinctOrders.size);
  });
});
