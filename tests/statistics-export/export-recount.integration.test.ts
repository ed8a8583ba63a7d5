// The export's numbers against an independent recount of the raw events (DESIGN §4 definitions),
// on a dataset with duplicates, bots, multi-line orders, zero-traffic variants and day boundaries, and
// purchase claims beside verified purchases (ADR 008): only verified ones count; claims whose 72 h
// window closed on the day without Shopify's order are the day's unverifiedOrders.
import { Prisma } from "@prisma/client";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { analyzeTest } from "../../app/lib/statistics";
import { CSV_COLUMNS } from "../../app/services/statistics-export/export-formatter.service";
import type { TestSection } from "../../app/services/statistics-export/read-test-sections";
import { exportShopDay } from "../../app/services/statistics-export/statistics-export-orchestrator.service";
import { insertEvents } from "../../app/services/tracking/event-columns";
import { getObjectStore } from "../../app/storage.server";
import { startFakeAdminApi, type FakeAdminApi } from "../fake-shopify/fake-admin-api";
import { createExportShop, exportDeps, type ExportShop } from "../support/export-fixtures";
import { prismaQueryable } from "../support/events";

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
  type: "IMPRESSION" | "ADD_TO_CART" | "PURCHASE" | "PURCHASE_CLAIM";
  arm: "CONTROL" | "TREATMENT";
  productId: string;
  variantId: string | null;
  visitorId: string;
  quantity: number;
  revenue: string | null;
  orderId: string | null;
  checkoutToken?: string | null;
  createdAt: Date;
  bot: boolean;
}

/** An order line Shopify confirmed, and when its webhook arrived. */
interface OrderLineFixture {
  orderId: string;
  checkoutToken: string | null;
  productId: string;
  receivedAt: Date;
}

const HOUR = 3_600_000;
const CLAIM_WINDOW = 72 * HOUR;

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
      // The day's own claims: still inside their window, so they count in nothing yet.
      if (i % 2 === 0) events.push({ ...base, eventId: `c-${i}:0`, type: "PURCHASE_CLAIM", quantity: 1, revenue: "1000000.00", orderId: `gid://shopify/Order/${i + 1}` });
    }
    if (random() < 0.1) events.push({ ...events.at(-1)!, createdAt: new Date(events.at(-1)!.createdAt.getTime() + 1000) });
  }
  return events;
}

/**
 * Claims around DAY − 72 h (their window closes on DAY when created in [DAY 00:00 − 72 h, DAY 24:00 − 72 h)),
 * by order id or by checkout token only; some matched by an order line that arrived within the window,
 * some by one that came too late. Order lines are stored after the claims, so no claim is verified
 * by the trigger here: which claims are unverified is decided by the export's own rule alone.
 */
function generateClaims(shop: ExportShop): { claims: RawEvent[]; lines: OrderLineFixture[] } {
  const random = mulberry32(7);
  const product = shop.catalog[0];
  const variants = product.variants.slice(0, -1).map((variant) => variant.id);
  const start = Date.parse(`${DAY}T00:00:00.000Z`) - CLAIM_WINDOW;
  const times = [start, start + 86_400_000 - 1, start - 1, start + 86_400_000, start - 36 * HOUR, start + 40 * HOUR];
  const claims: RawEvent[] = [];
  const lines: OrderLineFixture[] = [];
  for (let i = 0; i < 120; i++) {
    const createdAt = new Date(i < times.length * 4 ? times[i % times.length] : start - 24 * HOUR + random() * 72 * HOUR);
    const byToken = random() < 0.3;
    const orderId = byToken ? null : `gid://shopify/Order/${500_000 + i}`;
    const checkoutToken = `checkout-${i}`;
    const arm = random() < 0.5 ? ("CONTROL" as const) : ("TREATMENT" as const);
    const variantId = random() < 0.1 ? null : variants[Math.floor(random() * variants.length)];
    claims.push({ eventId: `claim-${i}:0`, type: "PURCHASE_CLAIM", arm, productId: product.id, variantId, visitorId: `visitor-${i}`, quantity: 1, revenue: "1000000.00", orderId, checkoutToken, createdAt, bot: false });
    const fate = random();
    if (fate < 0.5) continue;
    const delay = fate < 0.8 ? random() * CLAIM_WINDOW : CLAIM_WINDOW + HOUR;
    lines.push({ orderId: orderId ?? `gid://shopify/Order/${900_000 + i}`, checkoutToken, productId: product.id, receivedAt: new Date(createdAt.getTime() + delay) });
  }
  return { claims, lines };
}

/** Stores events as /track would: bots never reach the table, a repeated event id is stored once. */
async function storeEvents(shop: ExportShop, events: RawEvent[]) {
  const rows = events
    .filter((candidate) => !candidate.bot)
    .map(({ type, bot: _bot, ...event }) => ({
      ...event,
      shopId: shop.shopId,
      testId: shop.testId,
      eventType: type,
      currency: event.revenue ? "EUR" : null,
      occurredAt: event.createdAt,
    }));
  await insertEvents(prismaQueryable(prisma), rows);
}

async function storeOrderLines(shop: ExportShop, lines: OrderLineFixture[]) {
  await prisma.verifiedOrderLine.createMany({
    data: lines.map((line, index) => ({
      shopId: shop.shopId,
      orderId: line.orderId,
      lineId: `gid://shopify/LineItem/${index}`,
      checkoutToken: line.checkoutToken,
      productId: line.productId,
      quantity: 1,
      revenue: "10.00",
      currency: "EUR",
      orderCreatedAt: line.receivedAt,
      receivedAt: line.receivedAt,
    })),
  });
}

/** Distinct orders (or checkouts) of claims whose window closed on DAY with no order line within it, by row key. */
function recountUnverified(claims: RawEvent[], lines: OrderLineFixture[]) {
  const start = Date.parse(`${DAY}T00:00:00.000Z`) - CLAIM_WINDOW;
  const byKey = new Map<string, Set<string>>();
  for (const claim of claims) {
    const time = claim.createdAt.getTime();
    if (time < start || time >= start + 86_400_000) continue;
    const matched = lines.some(
      (line) =>
        line.productId === claim.productId &&
        (line.orderId === claim.orderId || line.checkoutToken === claim.checkoutToken) &&
        line.receivedAt.getTime() <= time + CLAIM_WINDOW,
    );
    if (matched) continue;
    const key = `${claim.productId}|${claim.variantId ?? ""}|${claim.arm}`;
    byKey.set(key, (byKey.get(key) ?? new Set()).add(claim.orderId ?? claim.checkoutToken!));
  }
  return byKey;
}

function recount(events: RawEvent[]) {
  const seen = new Set<string>();
  const start = Date.parse(`${DAY}T00:00:00.000Z`);
  const groups = new Map<string, { impressions: number; visitors: Set<string>; addToCarts: number; orders: Set<string>; units: number; cents: number }>();
  for (const event of events) {
    if (event.bot || seen.has(event.eventId)) continue;
    seen.add(event.eventId);
    if (event.type === "PURCHASE_CLAIM") continue;
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
    if (event.createdAt.getTime() >= end || event.type === "PURCHASE_CLAIM") continue;
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
let claimed: ReturnType<typeof generateClaims>;

beforeAll(async () => {
  fake = await startFakeAdminApi();
  shop = await createExportShop(prisma, fake);
  events = generateEvents(shop);
  claimed = generateClaims(shop);
  await storeEvents(shop, [...events, ...claimed.claims]);
  await storeOrderLines(shop, claimed.lines);
}, 120_000);
afterAll(() => fake.close());

describe("daily export: numbers", () => {
  it("GIVEN a messy day of events THEN every exported row equals an independent recount, in the CSV and in the database", async () => {
    const result = await exportShopDay(exportDeps(prisma, fake, getObjectStore()), shop.shopId, DAY);
    expect(result).toMatchObject({ status: "COMPLETED" });

    const expected = recount(events);
    const unverified = recountUnverified(claimed.claims, claimed.lines);
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
        unverifiedOrders: Number(row.unverifiedOrders),
      }).toEqual({
        impressions: group?.impressions ?? 0,
        visitors: group?.visitors.size ?? 0,
        addToCarts: group?.addToCarts ?? 0,
        orders: group?.orders.size ?? 0,
        units: group?.units ?? 0,
        revenue: ((group?.cents ?? 0) / 100).toFixed(2),
        ctr: exactRatio(group?.addToCarts ?? 0, group?.impressions ?? 0, 4),
        conversionRate: exactRatio(group?.orders.size ?? 0, group?.impressions ?? 0, 4),
        unverifiedOrders: unverified.get(`${row.productId}|${row.variantId}|${row.arm}`)?.size ?? 0,
      });
    }
    // The boundaries hold claims on both sides and some matched too late, so the count is not trivially 0 or all.
    const unverifiedTotal = [...unverified.values()].reduce((sum, orders) => sum + orders.size, 0);
    expect(unverifiedTotal).toBeGreaterThan(5);
    expect(unverifiedTotal).toBeLessThan(claimed.claims.length);
    expect(tested.reduce((sum, row) => sum + Number(row.unverifiedOrders), 0)).toBe(unverifiedTotal);
    // Every recounted group appears in the export (claims too), and nothing else has traffic.
    expect([...unverified.keys()].every((key) => tested.some((row) => `${row.productId}|${row.variantId}|${row.arm}` === key))).toBe(true);
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
