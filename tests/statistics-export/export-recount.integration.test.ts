// The export's numbers against an independent recount of the raw events (DESIGN §4 definitions),
// on a dataset with duplicates, bots, multi-line orders, zero-traffic variants and day boundaries.
import { Prisma } from "@prisma/client";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { analyzeTest } from "../../app/lib/statistics";
import { CSV_COLUMNS } from "../../app/services/statistics-export/export-formatter.service";
import type { TestSection } from "../../app/services/statistics-export/read-test-sections";
import { exportShopDay } from "../../app/services/statistics-export/statistics-export-orchestrator.service";
import { getObjectStore } from "../../app/storage.server";
import { startFakeAdminApi, type FakeAdminApi } from "../fake-shopify/fake-admin-api";
import { createExportShop, exportDeps, type ExportShop } from "../support/export-fixtures";

const DAY = "2026-11-23";

/**
 * DESIGN §4's ratio, independently of the app's exact-ratio module: decimal.js division (20
 * significant digits, far more than these counts need) rounded once, half up, to `decimals`.
 */
function exactRatio(numerator: number, denominator: number, decimals: number): string {
  if (denominator === 0) return (0).toFixed(decimals);
  return new Prisma.Decimal(numerator).div(denominator).toFixed(decimals, Prisma.Decimal.ROUND_HALF_UP);
}

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

/** Each arm's sufficient statistics over every event created before the end of DAY (the JSON's per-test section). */
function recountTestThroughDay(events: RawEvent[]) {
  const seen = new Set<string>();
  const end = Date.parse(`${DAY}T00:00:00.000Z`) + 86_400_000;
  const arms = {
    CONTROL: { visitors: new Set<string>(), impressions: 0, addToCarts: 0, orders: new Set<string>(), cents: 0, perVisitor: new Map<string, number>() },
    TREATMENT: { visitors: new Set<string>(), impressions: 0, addToCarts: 0, orders: new Set<string>(), cents: 0, perVisitor: new Map<string, number>() },
  };
  for (const event of events) {
    if (event.bot || seen.has(event.eventId)) continue;
    seen.add(event.eventId);
    if (event.createdAt.getTime() >= end) continue;
    const arm = arms[event.arm];
    if (event.type === "IMPRESSION") {
      arm.impressions++;
      arm.visitors.add(event.visitorId);
    } else if (event.type === "ADD_TO_CART") arm.addToCarts++;
    else {
      const cents = Math.round(Number(event.revenue) * 100);
      arm.orders.add(event.orderId!);
      arm.cents += cents;
      arm.perVisitor.set(event.visitorId, (arm.perVisitor.get(event.visitorId) ?? 0) + cents);
    }
  }
  return arms;
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
        ctr: exactRatio(group?.addToCarts ?? 0, group?.impressions ?? 0, 4),
        conversionRate: exactRatio(group?.orders.size ?? 0, group?.impressions ?? 0, 4),
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
      expect([Number(row.impressions), Number(row.visitors), Number(row.orders), row.revenue.toFixed(2), row.ctr.toFixed(6), row.conversionRate.toFixed(6)]).toEqual([
        group?.impressions ?? 0,
        group?.visitors.size ?? 0,
        group?.orders.size ?? 0,
        ((group?.cents ?? 0) / 100).toFixed(2),
        exactRatio(group?.addToCarts ?? 0, group?.impressions ?? 0, 6),
        exactRatio(group?.orders.size ?? 0, group?.impressions ?? 0, 6),
      ]);
    }

    const totals = exported.totals as { impressions: number; visitors: number; orders: number; rows: number };
    const all = [...expected.values()];
    expect(totals.impressions).toBe(all.reduce((sum, group) => sum + group.impressions, 0));
    expect(totals.rows).toBe(parsed.data.length);
    const distinctOrders = new Set(all.flatMap((group) => [...group.orders]));
    expect(totals.orders).toBe(distinctOrders.size);
  });

  it("GIVEN the same day THEN the JSON's per-test section holds each arm's sufficient statistics through the day's end and the page's outputs recomputed from them", async () => {
    await exportShopDay(exportDeps(prisma, fake, getObjectStore()), shop.shopId, DAY, { force: true });
    const exported = await prisma.statisticsExport.findUniqueOrThrow({ where: { shopId_date: { shopId: shop.shopId, date: new Date(DAY) } } });
    const json = JSON.parse((await getObjectStore().get(exported.jsonKey!)).body.toString("utf8")) as { rows: unknown[]; tests: TestSection[] };
    const expected = recountTestThroughDay(events);

    expect(json.tests.map((test) => test.testId)).toEqual([shop.testId]);
    const [section] = json.tests;
    expect(section.asOf).toBe("2026-11-24T00:00:00.000Z");
    for (const arm of ["CONTROL", "TREATMENT"] as const) {
      const squares = [...expected[arm].perVisitor.values()].reduce((sum, cents) => sum + BigInt(cents) * BigInt(cents), 0n);
      expect(section.arms[arm]).toMatchObject({
        visitors: expected[arm].visitors.size,
        impressions: expected[arm].impressions,
        addToCarts: expected[arm].addToCarts,
        orders: expected[arm].orders.size,
        revenue: (expected[arm].cents / 100).toFixed(2),
        revenueSumOfSquares: new Prisma.Decimal(squares.toString()).div(10_000).toFixed(4),
      });
    }
    // Recomputed from the section alone, the page's rule gives the file's outputs.
    const totals = (arm: TestSection["arms"]["CONTROL"]) => ({
      ...arm,
      units: arm.units,
      revenue: Number(arm.revenue),
      revenueSumOfSquares: Number(arm.revenueSumOfSquares),
      cappedRevenue: { sum: Number(arm.cappedRevenue), sumOfSquares: Number(arm.cappedRevenueSumOfSquares) },
    });
    const analysis = analyzeTest({
      trafficSplit: section.trafficSplit,
      daysRunning: section.daysRunning,
      control: totals(section.arms.CONTROL),
      treatment: totals(section.arms.TREATMENT),
      revenueCap: { amount: section.revenueCap.amount === null ? null : Number(section.revenueCap.amount), cappedVisitors: section.revenueCap.cappedVisitors },
    });
    expect(section.results).toMatchObject({
      verdict: analysis.verdict,
      method: "gaussian_mixture_confidence_sequence",
      conversionRate: analysis.conversionRate.sequential,
      revenuePerVisitor: analysis.revenuePerVisitor.sequential,
      sampleRatioPValue: analysis.sampleRatio.pValue,
    });
    expect(section.revenueCap.percentile).toBe(0.999);
  });
});
