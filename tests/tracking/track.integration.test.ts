import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { assignArm } from "../../app/lib/assignment";
import type { TrackingDeps } from "../../app/services/tracking/handle-track-request";
import { createRateLimiter } from "../../app/services/tracking/rate-limiter";
import { parseTrustedProxies } from "../../app/services/tracking/track-contract";
import { getTrackingDeps } from "../../app/tracking.server";
import type { AppServer } from "../../scripts/lib/app-server";
import { createABTest } from "../support/ab-tests";
import { startTestApp } from "../support/app-server";
import { createInstalledShop, type InstalledShop } from "../support/shops";

let app: AppServer;
let shop: InstalledShop;
let otherShop: InstalledShop;
let testId: string;
let otherShopTestId: string;
let pausedTestId: string;

const BROWSER_UA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15";

function post(body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}, path = "/track") {
  return fetch(`${app.url}${path}`, {
    method: "POST",
    body,
    headers: { "Content-Type": "application/json", "User-Agent": BROWSER_UA, "X-Forwarded-For": `10.0.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`, ...headers },
  });
}

function impression(overrides: Record<string, unknown> = {}) {
  const visitorId = (overrides.visitorId as string) ?? randomUUID();
  const test = (overrides.testId as string) ?? testId;
  return {
    id: randomUUID(),
    type: "IMPRESSION",
    testId: test,
    arm: assignArm(test, visitorId, 50),
    visitorId,
    productId: "111",
    variantId: "gid://shopify/ProductVariant/1111",
    occurredAt: new Date().toISOString(),
    ...overrides,
  };
}

const storedEvents = (shopId: string) => prisma.aBTestEvent.findMany({ where: { shopId }, orderBy: { eventId: "asc" } });

beforeAll(async () => {
  app = await startTestApp();
  [shop, otherShop] = await Promise.all([createInstalledShop(prisma), createInstalledShop(prisma)]);
  testId = (await createABTest(prisma, shop.shopId)).id;
  pausedTestId = (await createABTest(prisma, shop.shopId, { productId: "gid://shopify/Product/222", status: "PAUSED" })).id;
  otherShopTestId = (await createABTest(prisma, otherShop.shopId)).id;
}, 120_000);

afterAll(async () => {
  await app?.close();
});

describe("POST /track — transport", () => {
  it("GIVEN a CORS preflight THEN it answers 204 with the CORS headers", async () => {
    const response = await fetch(`${app.url}/track`, { method: "OPTIONS", headers: { Origin: "https://shop.example", "Access-Control-Request-Method": "POST" } });

    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-methods")).toContain("POST");
  });

  it.each([
    { problem: "an unsupported content type", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "a=1", status: 415, code: "unsupported_media_type" },
    { problem: "a missing content type", headers: { "Content-Type": "" }, body: "{}", status: 415, code: "unsupported_media_type" },
    { problem: "invalid JSON", headers: {}, body: "{not json", status: 400, code: "invalid_json" },
    { problem: "an empty body", headers: {}, body: "", status: 400, code: "empty_body" },
    { problem: "a JSON array", headers: {}, body: "[]", status: 400, code: "invalid_request" },
    { problem: "no shop", headers: {}, body: JSON.stringify({ events: [{}] }), status: 400, code: "invalid_request" },
    { problem: "a non-myshopify shop", headers: {}, body: JSON.stringify({ shop: "evil.com", events: [{}] }), status: 400, code: "invalid_request" },
    { problem: "51 events", headers: {}, body: JSON.stringify({ shop: "a.myshopify.com", events: Array.from({ length: 51 }, () => ({})) }), status: 400, code: "invalid_request" },
    { problem: "zero events", headers: {}, body: JSON.stringify({ shop: "a.myshopify.com", events: [] }), status: 400, code: "invalid_request" },
  ])("GIVEN $problem THEN a $status JSON error ($code) with CORS headers", async ({ headers, body, status, code }) => {
    const response = await post(body, headers as Record<string, string>);

    expect(response.status).toBe(status);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect((await response.json()).error).toMatchObject({ code, message: expect.any(String) });
  });

  it("GIVEN bytes that are not UTF-8 THEN 400 invalid_encoding", async () => {
    const response = await post(new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]));

    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe("invalid_encoding");
  });

  it.each([
    ["a declared Content-Length over the limit", false],
    ["a chunked body over the limit", true],
  ])("GIVEN %s THEN 413", async (_case, chunked) => {
    const big = JSON.stringify({ shop: "a.myshopify.com", events: [{ id: "x".repeat(70 * 1024) }] });
    const body = chunked
      ? new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode(big));
            controller.close();
          },
        })
      : big;

    const response = await fetch(`${app.url}/track`, { method: "POST", body, headers: { "Content-Type": "text/plain" }, ...(chunked ? { duplex: "half" } : {}) } as RequestInit);

    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe("payload_too_large");
  });

  it("GIVEN a GET THEN 405", async () => {
    const response = await fetch(`${app.url}/track`);

    expect(response.status).toBe(405);
  });
});

describe("POST /track — events", () => {
  it("GIVEN a batch mixing good, duplicate, foreign-shop, bad-arm, inactive, wrong-product and invalid events THEN the counts are right and only the good ones are stored", async () => {
    const shopA = await createInstalledShop(prisma);
    const test = await createABTest(prisma, shopA.shopId);
    const good1 = impression({ testId: test.id });
    const good2 = { ...impression({ testId: test.id }), type: "ADD_TO_CART", quantity: 2 };
    const badArmVisitor = randomUUID();
    const events = [
      good1,
      good2,
      { ...good1 },
      impression({ testId: otherShopTestId }),
      { ...impression({ testId: test.id, visitorId: badArmVisitor }), arm: assignArm(test.id, badArmVisitor, 50) === "CONTROL" ? "TREATMENT" : "CONTROL" },
      impression({ testId: pausedTestId }),
      impression({ testId: test.id, productId: "999" }),
      { ...impression({ testId: test.id }), type: "CLICK" },
      { ...impression({ testId: test.id }), visitorId: "" },
    ];

    const response = await post(JSON.stringify({ shop: shopA.shopDomain, events }));

    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: 2, duplicates: 1, dropped: 6 });
    const stored = await storedEvents(shopA.shopId);
    expect(stored.map((event) => event.eventId).sort()).toEqual([good1.id, good2.id].sort());
    expect(stored.find((event) => event.eventId === good2.id)).toMatchObject({ eventType: "ADD_TO_CART", quantity: 2, productId: "gid://shopify/Product/111", variantId: "gid://shopify/ProductVariant/1111" });
  });

  it("GIVEN the arm is omitted THEN the server computes it", async () => {
    const shopA = await createInstalledShop(prisma);
    const test = await createABTest(prisma, shopA.shopId, { trafficSplit: 30 });
    const event = { ...impression({ testId: test.id }), arm: undefined };

    const response = await post(JSON.stringify({ shop: shopA.shopDomain, events: [event] }));

    expect(await response.json()).toEqual({ accepted: 1, duplicates: 0, dropped: 0 });
    expect((await storedEvents(shopA.shopId))[0].arm).toBe(assignArm(test.id, event.visitorId, 30));
  });

  it("GIVEN a multi-line order THEN one PURCHASE per tested line is stored with its own revenue", async () => {
    const shopA = await createInstalledShop(prisma);
    const test = await createABTest(prisma, shopA.shopId);
    const visitorId = randomUUID();
    const checkoutEventId = randomUUID();
    const line = (lineIndex: number, revenue: string, quantity: number) => ({
      ...impression({ testId: test.id, visitorId }),
      id: checkoutEventId,
      type: "PURCHASE",
      lineIndex,
      revenue,
      quantity,
      currency: "EUR",
      orderId: "gid://shopify/Order/5001",
    });

    const response = await post(JSON.stringify({ shop: shopA.shopDomain, events: [line(0, "19.99", 1), line(2, "40.00", 2)] }));

    expect(await response.json()).toEqual({ accepted: 2, duplicates: 0, dropped: 0 });
    const stored = await storedEvents(shopA.shopId);
    expect(stored.map((event) => [event.eventId, event.revenue?.toString(), event.quantity, event.orderId])).toEqual([
      [`${checkoutEventId}:0`, "19.99", 1, "gid://shopify/Order/5001"],
      [`${checkoutEventId}:2`, "40", 2, "gid://shopify/Order/5001"],
    ]);
  });

  it.each([
    ["no order id", { orderId: undefined }],
    ["no revenue", { revenue: undefined }],
    ["no currency", { currency: undefined }],
    ["a negative revenue", { revenue: "-1.00" }],
  ])("GIVEN a PURCHASE with %s THEN it is dropped as invalid", async (_case, overrides) => {
    const event = { ...impression(), type: "PURCHASE", revenue: "1.00", currency: "EUR", orderId: "1", lineIndex: 0, ...overrides };

    const response = await post(JSON.stringify({ shop: shop.shopDomain, events: [event] }));

    expect(await response.json()).toEqual({ accepted: 0, duplicates: 0, dropped: 1 });
  });

  it("GIVEN the same request twice THEN the second stores nothing new", async () => {
    const body = JSON.stringify({ shop: shop.shopDomain, events: [impression(), impression(), impression()] });

    const first = await (await post(body)).json();
    const before = await prisma.aBTestEvent.count({ where: { shopId: shop.shopId } });
    const second = await (await post(body)).json();

    expect(first).toEqual({ accepted: 3, duplicates: 0, dropped: 0 });
    expect(second).toEqual({ accepted: 0, duplicates: 3, dropped: 0 });
    expect(await prisma.aBTestEvent.count({ where: { shopId: shop.shopId } })).toBe(before);
  });

  it("GIVEN one event sent on its own as text/plain THEN it is accepted", async () => {
    const event = impression();

    const response = await post(JSON.stringify({ shop: shop.shopDomain, ...event }), { "Content-Type": "text/plain;charset=UTF-8" });

    expect(await response.json()).toEqual({ accepted: 1, duplicates: 0, dropped: 0 });
    expect(await prisma.aBTestEvent.count({ where: { shopId: shop.shopId, eventId: event.id } })).toBe(1);
  });

  it.each([
    ["Googlebot/2.1 (+http://www.google.com/bot.html)"],
    ["Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)"],
    ["HeadlessChrome/120.0.0.0"],
  ])("GIVEN the bot user agent %j THEN it answers 2xx quietly and stores nothing", async (userAgent) => {
    const event = impression();

    const response = await post(JSON.stringify({ shop: shop.shopDomain, events: [event] }), { "User-Agent": userAgent });

    expect(response.status).toBe(202);
    expect(await prisma.aBTestEvent.count({ where: { eventId: event.id } })).toBe(0);
  });

  it("GIVEN an unknown or disabled shop THEN its events are dropped and nothing is stored", async () => {
    const disabled = await createInstalledShop(prisma);
    const test = await createABTest(prisma, disabled.shopId);
    await prisma.shopCredential.update({ where: { id: disabled.shopId }, data: { status: "DISABLED" } });

    const unknown = await (await post(JSON.stringify({ shop: "nobody-here.myshopify.com", events: [impression()] }))).json();
    const off = await (await post(JSON.stringify({ shop: disabled.shopDomain, events: [impression({ testId: test.id })] }))).json();

    expect(unknown).toEqual({ accepted: 0, duplicates: 0, dropped: 1 });
    expect(off).toEqual({ accepted: 0, duplicates: 0, dropped: 1 });
    expect(await prisma.aBTestEvent.count({ where: { shopId: disabled.shopId } })).toBe(0);
  });

  it("GIVEN client timestamps far in the past or the future THEN they are clamped to [now − 24 h, now]", async () => {
    const shopA = await createInstalledShop(prisma);
    const test = await createABTest(prisma, shopA.shopId);
    const before = Date.now();

    await post(JSON.stringify({ shop: shopA.shopDomain, events: [impression({ testId: test.id, occurredAt: "2000-01-01T00:00:00Z" }), impression({ testId: test.id, occurredAt: "2099-01-01T00:00:00Z" })] }));

    const times = (await storedEvents(shopA.shopId)).map((event) => event.occurredAt.getTime()).sort();
    expect(times[0]).toBeGreaterThanOrEqual(before - 24 * 3600_000);
    expect(times[0]).toBeLessThan(before - 23 * 3600_000);
    expect(times[1]).toBeLessThanOrEqual(Date.now());
    expect(times[1]).toBeGreaterThanOrEqual(before);
  });

  it("GIVEN one visitor flooding THEN the request past the visitor's burst is refused whole with 429 and nothing of it is stored", async () => {
    const shopA = await createInstalledShop(prisma);
    const test = await createABTest(prisma, shopA.shopId);
    const visitorId = randomUUID();
    const batch = () => JSON.stringify({ shop: shopA.shopDomain, events: Array.from({ length: 50 }, () => impression({ testId: test.id, visitorId })) });

    const responses = [];
    for (let i = 0; i < 3; i++) responses.push(await post(batch()));

    expect(responses.map((response) => response.status)).toEqual([202, 202, 429]);
    expect(Number(responses[2].headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await responses[2].json()).error.code).toBe("rate_limited");
    expect(await prisma.aBTestEvent.count({ where: { shopId: shopA.shopId } })).toBe(100);
  });

  it("GIVEN 40 concurrent requests THEN every acknowledged event is stored exactly once", async () => {
    const shopA = await createInstalledShop(prisma);
    const test = await createABTest(prisma, shopA.shopId);
    const bodies = Array.from({ length: 40 }, () => JSON.stringify({ shop: shopA.shopDomain, events: Array.from({ length: 5 }, () => impression({ testId: test.id })) }));

    const results = await Promise.all(bodies.map(async (body) => (await post(body)).json()));

    expect(results.every((result) => result.accepted === 5)).toBe(true);
    expect(await prisma.aBTestEvent.count({ where: { shopId: shopA.shopId } })).toBe(200);
  });
});

describe("POST /track — input bounds (DESIGN §4) on an ACTIVE test", () => {
  const purchase = (overrides: Record<string, unknown> = {}) => ({
    ...impression({ testId: (overrides.testId as string | undefined) ?? testId }),
    type: "PURCHASE",
    quantity: 1,
    revenue: "19.99",
    currency: "EUR",
    orderId: "gid://shopify/Order/77",
    lineIndex: 0,
    ...overrides,
  });
  const FIELDS = ["id", "type", "testId", "arm", "visitorId", "productId", "variantId", "revenue", "currency", "orderId", "occurredAt"] as const;
  const CONTROLS = [["NUL", "\u0000"], ["newline", "\n"], ["escape", "\u001b"], ["unit separator", "\u001f"], ["DEL", "\u007f"]] as const;

  it.each(FIELDS.flatMap((field) => CONTROLS.map(([name, character]) => ({ field, name, character }))))(
    "GIVEN a $name in $field next to a valid event THEN the bad one is dropped as invalid and the other is stored",
    async ({ field, character }) => {
      const shopA = await createInstalledShop(prisma);
      const test = await createABTest(prisma, shopA.shopId);
      const bad = purchase({ testId: test.id });
      (bad as Record<string, unknown>)[field] = `${String(bad[field])}${character}`;
      const good = purchase({ testId: test.id, orderId: "gid://shopify/Order/78" });
      const invalidBefore = getTrackingDeps().drops.get("invalid") ?? 0;

      const response = await post(JSON.stringify({ shop: shopA.shopDomain, events: [bad, good] }));

      expect(response.status).toBe(202);
      expect(await response.json()).toEqual({ accepted: 1, duplicates: 0, dropped: 1 });
      expect(getTrackingDeps().drops.get("invalid")).toBe(invalidBefore + 1);
      expect((await storedEvents(shopA.shopId)).map((event) => event.eventId)).toEqual([`${good.id}:0`]);
    },
  );

  it.each(CONTROLS)("GIVEN a %s in the shop THEN 400 invalid_request", async (_name, character) => {
    const response = await post(JSON.stringify({ shop: `${shop.shopDomain}${character}`, events: [purchase()] }));

    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe("invalid_request");
  });

  it.each([
    ["quantity 0", { quantity: 0 }],
    ["quantity 1,001", { quantity: 1001 }],
    ["quantity 1.5", { quantity: 1.5 }],
    ["quantity 2^31", { quantity: 2 ** 31 }],
    ["revenue \"9999999999.995\" (rounded up past the column before)", { revenue: "9999999999.995" }],
    ["revenue \"1000000.01\"", { revenue: "1000000.01" }],
    ["revenue \"1000000.005\" (rounds past the bound)", { revenue: "1000000.005" }],
    ["revenue 1000000.01 as a number", { revenue: 1000000.01 }],
    ["revenue 1e21 as a number", { revenue: 1e21 }],
    ["revenue \"1e3\"", { revenue: "1e3" }],
    ["revenue with 5 decimals", { revenue: "1.00001" }],
    ["lineIndex 1,000", { lineIndex: 1000 }],
    ["a 21-digit order id", { orderId: "1".repeat(21) }],
    ["a 129-character event id", { id: "x".repeat(129) }],
  ])("GIVEN a purchase with %s THEN it is dropped as invalid before the writer", async (_case, overrides) => {
    const event = purchase(overrides);

    const response = await post(JSON.stringify({ shop: shop.shopDomain, events: [event] }));

    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: 0, duplicates: 0, dropped: 1 });
  });

  it.each([
    [{ quantity: 1000, revenue: "1000000.00" }, 1000, "1000000.00"],
    [{ quantity: 1, revenue: "1000000.004" }, 1, "1000000.00"],
    [{ quantity: 1, revenue: "0.125" }, 1, "0.13"],
    [{ quantity: 1, revenue: 19.999 }, 1, "20.00"],
    [{ quantity: 1, revenue: "0" }, 1, "0.00"],
  ])("GIVEN a purchase at the bounds %j THEN it is stored with quantity %i and revenue %s", async (overrides, quantity, revenue) => {
    const event = purchase(overrides);

    const response = await post(JSON.stringify({ shop: shop.shopDomain, events: [event] }));

    expect(await response.json()).toEqual({ accepted: 1, duplicates: 0, dropped: 0 });
    const stored = await prisma.aBTestEvent.findFirstOrThrow({ where: { shopId: shop.shopId, eventId: `${event.id}:0` } });
    expect([stored.quantity, stored.revenue?.toFixed(2)]).toEqual([quantity, revenue]);
  });
});

describe("POST /track — rate limits keyed on the socket, per shop, whole requests", () => {
  /** Runs `body` with some of the process's /track dependencies replaced, then puts them back. */
  async function withTracking(overrides: Partial<TrackingDeps>, body: () => Promise<void>) {
    const deps = getTrackingDeps();
    const saved = { ipLimiter: deps.ipLimiter, shopLimiter: deps.shopLimiter, visitorLimiter: deps.visitorLimiter, addressPolicy: deps.addressPolicy };
    Object.assign(deps, overrides);
    try {
      await body();
    } finally {
      Object.assign(deps, saved);
    }
  }
  const loopbackProxy = () => {
    const parsed = parseTrustedProxies("127.0.0.1, ::1");
    if (!parsed.ok) throw new Error(parsed.message);
    return { onVercel: false, trustedProxies: parsed.list };
  };
  const ample = () => createRateLimiter({ ratePerSecond: 1000, burst: 100_000 });
  const batchFor = (target: InstalledShop, test: string, count: number) => JSON.stringify({ shop: target.shopDomain, events: Array.from({ length: count }, () => impression({ testId: test })) });

  // "/track/" misses the server's fast path and goes through Express and the Remix route.
  it.each(["/track", "/track/"])("GIVEN no trusted proxy WHEN a client rotates X-Forwarded-For on %s THEN its requests still share the socket's budget and are refused", async (path) => {
    const shopA = await createInstalledShop(prisma);
    const test = await createABTest(prisma, shopA.shopId);
    await withTracking({ ipLimiter: createRateLimiter({ ratePerSecond: 0.001, burst: 10 }), shopLimiter: ample(), addressPolicy: undefined }, async () => {
      const statuses = [];
      for (let i = 0; i < 30; i++) {
        const response = await post(batchFor(shopA, test.id, 1), { "X-Forwarded-For": `198.51.100.${i}`, "X-Real-IP": `198.51.100.${i}`, "X-Vercel-Forwarded-For": `198.51.100.${i}` }, path);
        await response.arrayBuffer();
        statuses.push(response.status);
      }

      expect(statuses.filter((status) => status === 202)).toHaveLength(10);
      expect(statuses.filter((status) => status === 429)).toHaveLength(20);
    });
  });

  it("GIVEN a trusted proxy WHEN an attacker names a victim's address in X-Forwarded-For THEN the attacker's own hop is charged and the victim is still served", async () => {
    const shopA = await createInstalledShop(prisma);
    const test = await createABTest(prisma, shopA.shopId);
    await withTracking({ ipLimiter: createRateLimiter({ ratePerSecond: 0.001, burst: 5 }), shopLimiter: ample(), addressPolicy: loopbackProxy() }, async () => {
      const victim = "203.0.113.7";
      const attacker = "198.51.100.66";
      // What the proxy forwards: the client's own header, then the address the proxy saw.
      const attacks = [];
      for (let i = 0; i < 8; i++) attacks.push((await post(batchFor(shopA, test.id, 1), { "X-Forwarded-For": `${victim}, ${attacker}` })).status);
      const victimResponse = await post(batchFor(shopA, test.id, 1), { "X-Forwarded-For": victim });

      expect(attacks).toEqual([202, 202, 202, 202, 202, 429, 429, 429]);
      expect(victimResponse.status).toBe(202);
      expect(await victimResponse.json()).toEqual({ accepted: 1, duplicates: 0, dropped: 0 });
    });
  });

  it("GIVEN a budget with room for only part of a batch THEN the whole request is refused with 429 + Retry-After and none of it is stored", async () => {
    const shopA = await createInstalledShop(prisma);
    const test = await createABTest(prisma, shopA.shopId);
    await withTracking({ ipLimiter: createRateLimiter({ ratePerSecond: 1, burst: 60 }), shopLimiter: ample(), addressPolicy: undefined }, async () => {
      const first = await post(batchFor(shopA, test.id, 50));
      const second = await post(batchFor(shopA, test.id, 50));

      expect(first.status).toBe(202);
      expect(await first.json()).toEqual({ accepted: 50, duplicates: 0, dropped: 0 });
      expect(second.status).toBe(429);
      expect(Number(second.headers.get("retry-after"))).toBeGreaterThanOrEqual(30);
      expect(second.headers.get("access-control-allow-origin")).toBe("*");
      expect((await second.json()).error).toMatchObject({ code: "rate_limited", message: expect.any(String) });
      expect(await prisma.aBTestEvent.count({ where: { shopId: shopA.shopId } })).toBe(50);
    });
  });

  it("GIVEN one shop flooding past its shop budget THEN it gets 429 while another shop's requests are still accepted", async () => {
    const [flooding, quiet] = await Promise.all([createInstalledShop(prisma), createInstalledShop(prisma)]);
    const [floodTest, quietTest] = await Promise.all([createABTest(prisma, flooding.shopId), createABTest(prisma, quiet.shopId)]);
    await withTracking({ ipLimiter: ample(), shopLimiter: createRateLimiter({ ratePerSecond: 1, burst: 150 }), addressPolicy: loopbackProxy() }, async () => {
      const flood = [];
      for (let i = 0; i < 5; i++) flood.push((await post(batchFor(flooding, floodTest.id, 50), { "X-Forwarded-For": `198.51.100.${i}` })).status);
      const quietResponse = await post(batchFor(quiet, quietTest.id, 50), { "X-Forwarded-For": "203.0.113.9" });

      expect(flood).toEqual([202, 202, 202, 429, 429]);
      expect(quietResponse.status).toBe(202);
      expect(await quietResponse.json()).toEqual({ accepted: 50, duplicates: 0, dropped: 0 });
      expect(await prisma.aBTestEvent.count({ where: { shopId: flooding.shopId } })).toBe(150);
      expect(await prisma.aBTestEvent.count({ where: { shopId: quiet.shopId } })).toBe(50);
    });
  });
});

describe("POST /track — through the Remix route (how Vercel serves it)", () => {
  const routeArgs = (request: Request) => ({ request, params: {}, context: {} });

  it("GIVEN a valid event THEN the route's action stores it and answers 202 with CORS headers", async () => {
    const { action } = await import("../../app/routes/track");
    const event = impression();
    const request = new Request("http://127.0.0.1/track", {
      method: "POST",
      body: JSON.stringify({ shop: shop.shopDomain, events: [event] }),
      headers: { "Content-Type": "text/plain", "User-Agent": BROWSER_UA },
    });

    const response = await action(routeArgs(request));

    expect(response.status).toBe(202);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(await response.json()).toEqual({ accepted: 1, duplicates: 0, dropped: 0 });
    expect(await prisma.aBTestEvent.count({ where: { eventId: event.id } })).toBe(1);
  });

  it("GIVEN a preflight or an oversize body THEN the route answers 204 and 413", async () => {
    const { action, loader } = await import("../../app/routes/track");
    const preflight = await loader(routeArgs(new Request("http://127.0.0.1/track", { method: "OPTIONS" })));
    const oversize = await action(routeArgs(new Request("http://127.0.0.1/track", { method: "POST", body: "x".repeat(70_000), headers: { "Content-Type": "application/json" } })));

    expect(preflight.status).toBe(204);
    expect(oversize.status).toBe(413);
  });
});
