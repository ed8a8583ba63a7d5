// api/track.ts, the function Vercel serves /track with (no Remix in the path), over HTTP on node:http as
// Vercel's Node launcher calls it: (req, res) against the real database.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import track from "../../api/track";
import prisma from "../../app/db.server";
import { createABTest } from "../support/ab-tests";
import { createInstalledShop, type InstalledShop } from "../support/shops";

const BROWSER_UA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15";
let server: http.Server;
let url: string;
let shop: InstalledShop;
let testId: string;

beforeAll(async () => {
  server = http.createServer((request, response) => void track(request, response));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/track`;
  shop = await createInstalledShop(prisma);
  testId = (await createABTest(prisma, shop.shopId)).id;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const impression = () => ({ id: randomUUID(), type: "IMPRESSION", testId, visitorId: randomUUID(), productId: "111", occurredAt: new Date().toISOString() });
const post = (events: unknown[]) =>
  fetch(url, { method: "POST", headers: { "Content-Type": "text/plain", "User-Agent": BROWSER_UA }, body: JSON.stringify({ shop: shop.shopDomain, events }) });

describe("api/track.ts (Vercel's /track function)", () => {
  it("GIVEN an ACTIVE test WHEN concurrent pixel batches arrive THEN each is answered 202 after its events are stored", async () => {
    const batches = Array.from({ length: 20 }, () => [impression(), impression()]);

    const responses = await Promise.all(batches.map(post));

    expect(responses.map((response) => response.status)).toEqual(batches.map(() => 202));
    expect(await Promise.all(responses.map((response) => response.json()))).toEqual(batches.map(() => ({ accepted: 2, duplicates: 0, dropped: 0 })));
    expect(responses[0].headers.get("x-content-type-options")).toBe("nosniff");
    expect(responses[0].headers.get("access-control-allow-origin")).toBe("*");
    const ids = batches.flat().map((event) => event.id);
    expect(await prisma.aBTestEvent.count({ where: { shopId: shop.shopId, eventId: { in: ids } } })).toBe(ids.length);
  });

  it.each([
    ["OPTIONS (CORS preflight)", "OPTIONS", 204],
    ["GET", "GET", 405],
  ])("GIVEN %s THEN %i", async (_case, method, status) => {
    const response = await fetch(url, { method });

    expect(response.status).toBe(status);
    expect(response.headers.get("access-control-allow-methods")).toBe("POST, OPTIONS");
  });

  it("GIVEN a body that is not JSON THEN 400 in the error shape", async () => {
    const response = await fetch(url, { method: "POST", headers: { "User-Agent": BROWSER_UA }, body: "{not json" });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
  });
});
