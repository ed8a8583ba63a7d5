// `npm run dev:local` serves the app from source through Vite. Vite must hand the browser its modules and
// nothing else: no server-only module, no verbatim source, no file outside app/ and node_modules/; and
// the hot-reload websocket rides on the app's own loopback port instead of port 24678 of every interface.
import fs from "node:fs";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppServer, type AppServer } from "../../scripts/lib/app-server";
import { isServerSourceRequest } from "../../scripts/lib/refuse-server-source";

const ROOT = process.cwd();
let app: AppServer;
let listeningBefore: Set<string>;

/** This process's listening TCP sockets as "address:port" (hex, as /proc/net/tcp{,6} spell them). */
function ownListeningSockets(): Set<string> {
  const ownInodes = new Set(
    fs
      .readdirSync("/proc/self/fd")
      .map((fd) => {
        try {
          return fs.readlinkSync(`/proc/self/fd/${fd}`).match(/^socket:\[(\d+)\]$/)?.[1];
        } catch {
          return undefined; // the fd closed while listing
        }
      })
      .filter(Boolean),
  );
  const sockets = new Set<string>();
  for (const table of ["/proc/self/net/tcp", "/proc/self/net/tcp6"]) {
    for (const line of fs.readFileSync(table, "utf8").split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length > 9 && fields[3] === "0A" && ownInodes.has(fields[9])) sockets.add(fields[1]);
    }
  }
  return sockets;
}

const isLoopback = (socket: string) => /^[0-9A-F]{6}7F:/.test(socket) || socket.startsWith("00000000000000000000000001000000:") || /^0000000000000000FFFF0000[0-9A-F]{6}7F:/.test(socket);

beforeAll(async () => {
  listeningBefore = ownListeningSockets();
  // As scripts/dev-local.ts starts it: development mode with hot reload.
  app = await startAppServer({ mode: "development", port: 0, hmr: true });
  await fetch(`${app.url}/@vite/client`);
}, 120_000);

afterAll(async () => {
  await app?.close();
});

describe("dev server: no server source", () => {
  it.each([
    "/app/env.server.ts",
    "/app/db.server.ts",
    "/app/entry.server.tsx",
    "/app/shopify.server.ts?import",
    "/app/env.server.ts?raw",
    "/app/services/shopify/secret-box.ts",
    "/app/services/tracking/handle-track-request.ts?import",
    "/app/services/tracking/track-input.ts?import&raw",
    "/app/routes/app.settings.tsx?raw",
    "/app/lib/days.ts?raw",
    "/app/%65nv.server.ts",
    "/app/%2565nv.server.ts",
    "/app//services/../env.server.ts",
    `/@fs${ROOT}/app/env.server.ts`,
    `/@fs${ROOT}/app/services/shopify/secret-box.ts?raw`,
    `/@fs${ROOT}/package.json`,
    "/@fs/etc/passwd",
    "/@id/app/env.server.ts",
    "/.env",
    "/.env.example",
    "/.data/objects/x",
    "/package.json",
    "/prisma/schema.prisma",
    "/scripts/dev-local.ts",
    "/tests/support/shops.ts",
    "/vite.config.ts",
    "/app/%2e%2e/package.json",
  ])("GIVEN GET %s THEN 403/404 and no source", async (path) => {
    const response = await fetch(`${app.url}${path}`, { redirect: "manual" });
    const body = await response.text();

    expect([403, 404]).toContain(response.status);
    expect(body).not.toMatch(/\b(import|export|require)\b|root:x:0/);
  });

  it.each([
    ["Vite's client", "/@vite/client"],
    ["the root route", "/app/root.tsx"],
    ["a component", "/app/components/status-badge.tsx"],
    ["a client library module", "/app/lib/days.ts"],
  ])("GIVEN %s THEN it is still served to the browser", async (_what, path) => {
    const response = await fetch(`${app.url}${path}`);

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/javascript/);
  });

  it("GIVEN a route module THEN the browser gets it without its loader and action", async () => {
    const response = await fetch(`${app.url}/app/routes/app.settings.tsx`);
    const body = await response.text();

    expect(response.status).toBe(200);
    expect(body).toContain("Pixel and storefront");
    for (const serverOnly of ["authenticateShop", "activateWebPixel", "getPixelSettingsPage", "env.server", "db.server"]) expect(body).not.toContain(serverOnly);
  });

  it.each([
    ["/app/tests/new", false],
    ["/track?raw", false],
    ["/node_modules/zod/package.json?raw", false],
    ["/app/components/status-badge.tsx?import", false],
    ["/app/lib/days.ts?inline", true],
    ["/app/%E0%A4%A.ts", true],
    ["/@fs/elsewhere/app/services/x.ts", false],
  ])("GIVEN %s THEN refused: %s", (url, refused) => {
    expect(isServerSourceRequest(url, ROOT)).toBe(refused);
  });
});

describe("dev server: hot reload", () => {
  it("GIVEN hot reload on THEN every socket the server listens on is loopback, and none is Vite's port 24678", () => {
    const opened = [...ownListeningSockets()].filter((socket) => !listeningBefore.has(socket));

    expect(opened.length).toBeGreaterThan(0);
    expect(opened.filter((socket) => !isLoopback(socket))).toEqual([]);
    expect(opened.filter((socket) => socket.endsWith(`:${(24678).toString(16).toUpperCase()}`))).toEqual([]);
  });

  it("GIVEN a hot-reload websocket handshake on the app's own port THEN it is accepted", async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(app.port, "127.0.0.1", () => {
        socket.write(
          [
            "GET / HTTP/1.1",
            `Host: 127.0.0.1:${app.port}`,
            "Upgrade: websocket",
            "Connection: Upgrade",
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
            "Sec-WebSocket-Version: 13",
            "Sec-WebSocket-Protocol: vite-hmr",
            "",
            "",
          ].join("\r\n"),
        );
      });
      socket.setEncoding("latin1");
      socket.once("data", (chunk: string) => {
        resolve(chunk);
        socket.destroy();
      });
      socket.once("error", reject);
      setTimeout(() => reject(new Error("no handshake answer")), 10_000).unref();
    });

    expect(answer).toMatch(/^HTTP\/1\.1 101 /);
  });
});
