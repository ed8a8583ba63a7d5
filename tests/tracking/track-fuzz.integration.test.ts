// Hostile input for POST /track: ≥ 10,000 generated bodies that are each malformed in some way.
// The endpoint must never answer 5xx, never store a row, and still serve a valid event afterwards.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import type { AppServer } from "../../scripts/lib/app-server";
import { createABTest } from "../support/ab-tests";
import { startTestApp } from "../support/app-server";
import { createInstalledShop, type InstalledShop } from "../support/shops";

const CASES = 10_000;
const CONCURRENCY = 32;
const SEED = Number(process.env.FUZZ_SEED ?? 20261124);

function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface FuzzCase {
  kind: string;
  body: string | Uint8Array<ArrayBuffer>;
  contentType: string;
}

function makeGenerator(shop: string, testId: string) {
  const random = mulberry32(SEED);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const long = (length: number) => "x".repeat(length);
  const valid = () => ({
    id: randomUUID(),
    type: "PURCHASE",
    testId,
    visitorId: randomUUID(),
    productId: "111",
    variantId: "1111",
    quantity: 1,
    revenue: "9.99",
    currency: "EUR",
    orderId: "42",
    lineIndex: 0,
    occurredAt: new Date().toISOString(),
  });
  // Each mutation makes a valid event invalid; values of the wrong type, out of range, or too long.
  const invalidValues: Record<string, unknown[]> = {
    id: ["", 7, null, {}, [], long(129), true],
    type: ["CLICK", "", 1, null, ["IMPRESSION"], { $ne: null }, "impression"],
    testId: ["", 1, null, long(65), {}, "unknown-test-id", `${testId}' OR 1=1 --`],
    visitorId: ["", 1, null, long(129), [], {}],
    productId: ["abc", -1, 1.5, {}, "1".repeat(25), "gid://shopify/Product/x", "999", null],
    variantId: ["abc", -5, {}, "gid://shopify/ProductVariant/", [1]],
    quantity: [0, -1, 1.5, "2", 1e9, null, {}],
    revenue: ["abc", -1, "1e5", "1,00", {}, [], "-0.01", 1e12],
    currency: ["eur", "EURO", 1, "", {}],
    orderId: ["", "abc", {}, [], -3, null],
    lineIndex: [-1, 1000, "0", 0.5, {}],
    occurredAt: ["yesterday", 12345, {}, "2026-13-45T99:00:00Z", ""],
    arm: ["BOTH", 1, "", {}, "control"],
  };
  const generators: (() => FuzzCase)[] = [
    () => {
      const event: Record<string, unknown> = valid();
      const field = pick(Object.keys(invalidValues));
      event[field] = pick(invalidValues[field]);
      return { kind: `invalid ${field}`, body: JSON.stringify({ shop, events: [event] }), contentType: "application/json" };
    },
    () => {
      const event: Record<string, unknown> = valid();
      delete event[pick(["id", "type", "testId", "visitorId", "productId", "orderId", "revenue", "currency"])];
      return { kind: "missing field", body: JSON.stringify({ shop, events: [event] }), contentType: "text/plain" };
    },
    () => {
      const depth = 1 + Math.floor(random() * 20_000);
      return { kind: "deep nesting", body: `{"shop":"${shop}","events":${"[".repeat(depth)}${"]".repeat(depth)}}`, contentType: "application/json" };
    },
    () => {
      const bytes = new Uint8Array(1 + Math.floor(random() * 200));
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
      bytes[0] = 0xff;
      return { kind: "random bytes / invalid UTF-8", body: bytes, contentType: "application/json" };
    },
    () => {
      const body = JSON.stringify({ shop, events: [{ ...valid(), quantity: 0 }] }).replace("9.99", "9.99\udc00");
      return { kind: "lone surrogate", body, contentType: "application/json" };
    },
    () => ({
      kind: "prototype pollution",
      body: `{"shop":"${shop}","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"events":[{"__proto__":{"polluted":true},"type":"IMPRESSION","id":"${randomUUID()}"}]}`,
      contentType: "application/json",
    }),
    () => ({ kind: "oversize", body: JSON.stringify({ shop, events: [{ ...valid(), id: long(70_000 + Math.floor(random() * 50_000)) }] }), contentType: "application/json" }),
    () => ({ kind: "huge string under the size cap", body: JSON.stringify({ shop, events: [{ ...valid(), visitorId: long(60_000) }] }), contentType: "application/json" }),
    () => ({
      kind: "wrong content type",
      body: JSON.stringify({ shop, events: [valid()] }),
      contentType: pick(["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/html", "application/xml", "image/png", ""]),
    }),
    () => ({ kind: "JSON of the wrong shape", body: JSON.stringify(pick([null, 1, "str", [], true, [{ shop }], { shop: 1 }, { shop, events: {} }, { shop, events: "[]" }])), contentType: "application/json" }),
    () => ({ kind: "too many events", body: JSON.stringify({ shop, events: Array.from({ length: 51 + Math.floor(random() * 100) }, valid) }), contentType: "application/json" }),
    () => ({ kind: "foreign or malformed shop", body: JSON.stringify({ shop: pick(["", "evil.com", `${shop}.evil.com`, "UPPER.MYSHOPIFY.COM.", long(300)]), events: [valid()] }), contentType: "application/json" }),
    () => ({ kind: "truncated JSON", body: JSON.stringify({ shop, events: [valid()] }).slice(0, Math.floor(random() * 100)), contentType: "application/json" }),
  ];
  return () => pick(generators)();
}

let app: AppServer;
let shop: InstalledShop;
let testId: string;

beforeAll(async () => {
  app = await startTestApp();
  shop = await createInstalledShop(prisma);
  testId = (await createABTest(prisma, shop.shopId)).id;
}, 120_000);

afterAll(async () => {
  await app?.close();
});

describe("POST /track under hostile input", () => {
  it(`GIVEN ${CASES} malformed or hostile bodies THEN no 5xx, no row stored, and a valid event is still accepted afterwards`, async () => {
    const next = makeGenerator(shop.shopDomain, testId);
    const statuses = new Map<number, number>();
    const serverErrors: string[] = [];
    let sent = 0;

    async function worker(workerIndex: number) {
      while (sent < CASES) {
        sent++;
        const fuzz = next();
        const response = await fetch(`${app.url}/track`, {
          method: "POST",
          body: fuzz.body,
          headers: { "Content-Type": fuzz.contentType, "User-Agent": "Mozilla/5.0 Safari/605.1.15", "X-Forwarded-For": `10.1.${workerIndex}.${sent % 250}` },
        });
        await response.arrayBuffer();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status >= 500) serverErrors.push(`${response.status} for ${fuzz.kind}`);
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, (_, index) => worker(index)));

    expect(serverErrors).toEqual([]);
    expect([...statuses.keys()].every((status) => [202, 400, 413, 415, 429].includes(status))).toBe(true);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(CASES);
    expect(await prisma.aBTestEvent.count({ where: { shopId: shop.shopId } })).toBe(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    const visitorId = randomUUID();
    const response = await fetch(`${app.url}/track`, {
      method: "POST",
      body: JSON.stringify({ shop: shop.shopDomain, events: [{ id: randomUUID(), type: "IMPRESSION", testId, visitorId, productId: "111" }] }),
      headers: { "Content-Type": "application/json", "User-Agent": "Mozilla/5.0 Safari/605.1.15" },
    });
    expect(await response.json()).toEqual({ accepted: 1, duplicates: 0, dropped: 0 });
  }, 180_000);
});
