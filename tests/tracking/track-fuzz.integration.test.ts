// Hostile input for POST /track over HTTP (the corpus and runner are tests/support/track-fuzz.ts; `npm run
// fuzz:track` sends ≥ 10,000 of the same): bodies aimed at a real shop and ACTIVE test with a shopper's
// user agent, while another shop's valid traffic runs. No 5xx for anyone, nothing outside the input
// bounds stored, every acknowledged event of both shops stored.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { parseTrustedProxies } from "../../app/services/tracking/track-contract";
import { getTrackingDeps } from "../../app/tracking.server";
import type { AppServer } from "../../scripts/lib/app-server";
import { createABTest } from "../support/ab-tests";
import { startTestApp } from "../support/app-server";
import { createInstalledShop, type InstalledShop } from "../support/shops";
import { checkStored, runTrackFuzz, SHOPPER_USER_AGENT, type FuzzTarget } from "../support/track-fuzz";

const CASES = 2_000;
const SEED = Number(process.env.FUZZ_SEED ?? 20261208);

let app: AppServer;
let targetShop: InstalledShop;
let otherShop: InstalledShop;
let target: FuzzTarget;
let other: FuzzTarget;

beforeAll(async () => {
  app = await startTestApp();
  [targetShop, otherShop] = await Promise.all([createInstalledShop(prisma), createInstalledShop(prisma)]);
  const [targetTest, otherTest] = await Promise.all([createABTest(prisma, targetShop.shopId), createABTest(prisma, otherShop.shopId, { productId: "gid://shopify/Product/7001" })]);
  target = { url: app.url, shop: targetShop.shopDomain, testId: targetTest.id, productId: "111", trafficSplit: 50 };
  other = { url: app.url, shop: otherShop.shopDomain, testId: otherTest.id, productId: "7001", trafficSplit: 50 };
  // As deployed behind a proxy (TRUSTED_PROXIES): each request's X-Forwarded-For names its client, so
  // the per-address budget sees many shoppers instead of one loopback address.
  const loopback = parseTrustedProxies("127.0.0.1, ::1");
  if (!loopback.ok) throw new Error(loopback.message);
  getTrackingDeps().addressPolicy = { onVercel: false, trustedProxies: loopback.list };
}, 120_000);

afterAll(async () => {
  await app?.close();
});

describe("POST /track under hostile input aimed at an ACTIVE test", () => {
  it(`GIVEN ${CASES} hostile bodies for one shop and valid traffic of another THEN no 5xx, nothing out of bounds stored, and every acknowledged event stored`, async () => {
    const report = await runTrackFuzz({ url: app.url, target, other, cases: CASES, concurrency: 16, otherConcurrency: 4, seed: SEED });
    const stored = await checkStored(prisma, targetShop.shopId, otherShop.shopId, report);

    expect(report.hostile.serverErrors).toEqual([]);
    expect(report.other.serverErrors).toEqual([]);
    expect(report.hostile.sent).toBe(CASES);
    expect(Object.keys(report.hostile.statuses).map(Number).every((status) => [202, 400, 413, 415].includes(status))).toBe(true);
    expect(Object.keys(report.hostile.byKind).filter((kind) => kind.startsWith("control character")).length).toBeGreaterThan(5);
    expect(report.other.statuses).toEqual({ 202: report.other.sent });
    expect(report.other.acknowledgedIds.length).toBeGreaterThan(0);
    expect(stored.otherAcknowledgedStored).toBe(report.other.acknowledgedIds.length);
    expect(stored.targetRowsOutOfBounds).toBe(0);
    expect(stored.targetRows).toBe(report.hostile.accepted);
    expect(report.hostile.accepted).toBeGreaterThan(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    const visitorId = randomUUID();
    const response = await fetch(`${app.url}/track`, {
      method: "POST",
      body: JSON.stringify({ shop: targetShop.shopDomain, events: [{ id: randomUUID(), type: "IMPRESSION", testId: target.testId, visitorId, productId: "111" }] }),
      headers: { "Content-Type": "application/json", "User-Agent": SHOPPER_USER_AGENT },
    });
    expect(await response.json()).toEqual({ accepted: 1, duplicates: 0, dropped: 0 });
  }, 120_000);
});
