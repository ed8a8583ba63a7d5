// Issue #9 item 8, over HTTP against the app server tests use: an oversize /track body closes the
// connection on both transports, every response carries nosniff and every document frame-ancestors,
// and the cron route refuses other methods in the error shape.
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import type { AppServer } from "../../scripts/lib/app-server";
import { getObjectStore } from "../../app/storage.server";
import { startTestApp } from "../support/app-server";
import { createInstalledShop, type InstalledShop } from "../support/shops";
import { adminRequest } from "../support/shopify-requests";

let app: AppServer;
let shop: InstalledShop;
let exportId: string;

beforeAll(async () => {
  [app, shop] = await Promise.all([startTestApp(), createInstalledShop(prisma)]);
  const csvKey = `statistics-exports/${shop.shopId}/2026-11-23/statistics.csv`;
  await getObjectStore().put(csvKey, "date,shop\n", { contentType: "text/csv" });
  exportId = (await prisma.statisticsExport.create({ data: { shopId: shop.shopId, date: new Date("2026-11-23"), status: "COMPLETED", csvKey, jsonKey: csvKey.replace(".csv", ".json"), rowCount: 0 } })).id;
  // The first request through Remix loads the server build through Vite; keep that out of the timings.
  await fetch(`${app.url}/track/`, { method: "OPTIONS" });
}, 120_000);

afterAll(async () => {
  await app?.close();
});

interface RawExchange {
  head: string;
  body: string;
  /** How the server left the connection once the response was read. */
  ending: "end" | "reset" | "open";
}

/** One request on a fresh keep-alive socket, written by hand so nothing (fetch, undici) hides the transport. */
function rawRequest(path: string, bodyBytes: number, options: { chunked?: boolean } = {}): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(app.port, "127.0.0.1");
    let received = "";
    let settled = false;
    const finish = (ending: RawExchange["ending"]) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const split = received.indexOf("\r\n\r\n");
      if (split < 0) return reject(new Error(`no response before ${ending}: ${JSON.stringify(received)}`));
      resolve({ head: received.slice(0, split), body: received.slice(split + 4), ending });
    };
    // A connection the server still keeps open a second after answering is "open" (the keep-alive defect).
    let timer = setTimeout(() => finish("open"), 30_000);
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      if (!received) {
        clearTimeout(timer);
        timer = setTimeout(() => finish("open"), 1000);
      }
      received += chunk;
    });
    socket.on("end", () => finish("end"));
    socket.on("error", (error: NodeJS.ErrnoException) => (error.code === "ECONNRESET" || error.code === "EPIPE" ? finish("reset") : reject(error)));
    socket.on("connect", () => {
      const framing = options.chunked ? "Transfer-Encoding: chunked" : `Content-Length: ${bodyBytes}`;
      socket.write([`POST ${path} HTTP/1.1`, `Host: 127.0.0.1:${app.port}`, "Connection: keep-alive", "Content-Type: application/json", framing, "", ""].join("\r\n"));
      const body = Buffer.alloc(bodyBytes, "x");
      // Write errors surface as the socket's "error" event.
      socket.write(options.chunked ? Buffer.concat([Buffer.from(`${bodyBytes.toString(16)}\r\n`), body, Buffer.from("\r\n0\r\n\r\n")]) : body, () => {});
    });
  });
}

describe("413 on /track closes the connection", () => {
  it.each([
    { transport: "the app server's own /track handler", path: "/track", chunked: false },
    { transport: "the app server's own /track handler", path: "/track", chunked: true },
    { transport: "the Remix route (as on Vercel)", path: "/track/", chunked: false },
    { transport: "the Remix route (as on Vercel)", path: "/track/", chunked: true },
  ])("GIVEN an oversize body (chunked: $chunked) to $transport on a keep-alive socket THEN 413 with Connection: close, the socket ends cleanly and a new connection works", async ({ path, chunked }) => {
    const exchange = await rawRequest(path, 70 * 1024, { chunked });

    expect(exchange.head).toMatch(/^HTTP\/1\.1 413 /);
    expect(exchange.head).toMatch(/\r\nconnection: close\r\n/i);
    expect(exchange.head).not.toMatch(/keep-alive/i);
    expect(exchange.body).toContain("payload_too_large");
    expect(exchange.ending).toBe("end");

    const next = await fetch(`${app.url}${path}`, { method: "OPTIONS" });
    expect(next.status).toBe(204);
  });

  it("GIVEN a small malformed body to the Remix route THEN the connection stays reusable (only 413 closes)", async () => {
    const exchange = await rawRequest("/track/", 2);

    expect(exchange.head).toMatch(/^HTTP\/1\.1 400 /);
    expect(exchange.head).not.toMatch(/\r\nconnection: close\r\n/i);
    expect(exchange.ending).toBe("open");
  });
});

describe("POST /api/statistics-export/daily", () => {
  it.each(["POST", "PUT", "PATCH", "DELETE"])("GIVEN a %s THEN 405 in the error shape with Allow: GET", async (method) => {
    const response = await fetch(`${app.url}/api/statistics-export/daily`, { method, headers: { Authorization: "Bearer anything" } });

    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET");
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ error: { code: "method_not_allowed", message: expect.any(String) } });
  });
});

// authenticate.admin answers 410 to bots, and Node's fetch reads as one.
const BROWSER_UA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15";
const SHOPLESS_POLICY = "frame-ancestors https://admin.shopify.com https://*.myshopify.com;";

/** An embedded admin path as Shopify opens it (shop, host, session token), on this app server. */
async function embedded(path: string) {
  const signed = await adminRequest(path, shop.shopDomain, shop.apiKey, shop.apiSecret);
  const url = new URL(signed.url);
  return `${url.pathname}${url.search}`;
}

const get = async (path: string | (() => Promise<string>), init: RequestInit = {}) =>
  fetch(`${app.url}${typeof path === "string" ? path : await path()}`, { redirect: "manual", ...init, headers: { "User-Agent": BROWSER_UA, ...init.headers } });

describe("frame-ancestors on every document", () => {
  it.each([
    { page: "the login page", path: "/auth/login", status: 200 },
    { page: "the landing page", path: "/", status: 200 },
    { page: "a missing page", path: "/no-such-page", status: 404 },
  ])("GIVEN $page (no shop) THEN only the Shopify admin may frame it", async ({ path, status }) => {
    const response = await get(path);

    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(response.headers.get("content-security-policy")).toBe(SHOPLESS_POLICY);
  });

  it("GIVEN an embedded page of a shop THEN its own admin (and no other shop) may frame it", async () => {
    const response = await get(() => embedded("/app/exports"));

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const policy = response.headers.get("content-security-policy") ?? "";
    expect(policy).toMatch(/^frame-ancestors /);
    expect(policy.split(/[\s;]+/)).toEqual(expect.arrayContaining([`https://${shop.shopDomain}`, "https://admin.shopify.com"]));
    expect(policy).not.toContain("*.myshopify.com");
  });
});

describe("X-Content-Type-Options: nosniff on every response", () => {
  it.each([
    { what: "a document", request: () => get("/auth/login"), status: 200 },
    { what: "a 404 document", request: () => get("/no-such-page"), status: 404 },
    { what: "a Remix data request", request: () => get("/auth/login.data"), status: 200 },
    { what: "an embedded document", request: () => get(() => embedded("/app/exports")), status: 200 },
    { what: "a CSV download", request: () => get(() => embedded(`/app/exports/${exportId}/csv`)), status: 200 },
    { what: "the health check", request: () => get("/healthz"), status: 200 },
    { what: "a JSON API error", request: () => get("/api/statistics-export/daily"), status: 401 },
    { what: "a 405 from the cron route", request: () => get("/api/statistics-export/daily", { method: "POST" }), status: 405 },
    { what: "a /track preflight", request: () => get("/track", { method: "OPTIONS" }), status: 204 },
    { what: "a /track 400 (node handler)", request: () => get("/track", { method: "POST", body: "{", headers: { "Content-Type": "application/json" } }), status: 400 },
    { what: "a /track 400 (Remix route)", request: () => get("/track/", { method: "POST", body: "{", headers: { "Content-Type": "application/json" } }), status: 400 },
    { what: "a static module served by Vite", request: () => get("/@vite/client"), status: 200 },
  ])("GIVEN $what THEN nosniff", async ({ request, status }) => {
    const response = await request();
    await response.arrayBuffer();

    expect(response.status).toBe(status);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });
});
