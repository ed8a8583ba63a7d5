// Cross-shop session tokens, over HTTP through the real app: a session token is accepted only when it
// verifies under the credential of the shop its own `dest` names. A PRIVATE merchant knows its own
// API secret; a token it signs for another shop, or a genuine token sent with another shop named in
// the header or `?shop=`, is answered 401 by every admin loader and action — as a document request,
// a single-fetch `.data` request and a `?_data=` request — and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { resetEnvCache } from "../../app/env.server";
import { getObjectStore } from "../../app/storage.server";
import type { AppServer } from "../../scripts/lib/app-server";
import { generateCatalog } from "../fake-shopify/catalog";
import { startFakeAdminApi, type FakeAdminApi } from "../fake-shopify/fake-admin-api";
import { createABTest } from "../support/ab-tests";
import { startTestApp } from "../support/app-server";
import { createInstalledShop, type InstalledShop } from "../support/shops";
import { embeddedQuery, sessionToken } from "../support/shopify-requests";

// authenticate.admin answers 410 to bots, and Node's fetch reads as one.
const BROWSER_UA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15";
const SECRET_NAME = "Victim's secret test";

interface Victim extends InstalledShop {
  testId: string;
  /** A completed test whose treatment images are kept: "keep" and "restore" would both reorder the product. */
  completedTestId: string;
  exportId: string;
  productId: string;
  mediaId: string;
}

let app: AppServer;
let fake: FakeAdminApi;
let attacker: InstalledShop;
let publicAttacker: InstalledShop;
const victims: Record<"PUBLIC" | "PRIVATE", Victim> = {} as never;

async function createVictim(mode: "PUBLIC" | "PRIVATE"): Promise<Victim> {
  const shop = await createInstalledShop(prisma, { mode });
  const catalog = generateCatalog({ products: 1, seed: mode === "PUBLIC" ? 7 : 8 });
  fake.addShop({ domain: shop.shopDomain, accessToken: shop.accessToken, products: catalog });
  const test = await prisma.aBTest.update({ where: { id: (await createABTest(prisma, shop.shopId, { productId: catalog[0].id })).id }, data: { name: SECRET_NAME } });
  const date = "2026-11-23";
  const exported = await prisma.statisticsExport.create({
    data: { shopId: shop.shopId, date: new Date(date), status: "COMPLETED", csvKey: `statistics-exports/${shop.shopId}/${date}/statistics.csv`, jsonKey: `statistics-exports/${shop.shopId}/${date}/statistics.json`, rowCount: 1 },
  });
  const media = catalog[0].media.map((image) => ({ mediaId: image.id, url: `https://cdn.example/${image.fileName}.png` }));
  const completed = await prisma.aBTest.create({
    data: { shopId: shop.shopId, productId: catalog[0].id, name: SECRET_NAME, status: "COMPLETED", controlImages: media, treatmentImages: [...media].reverse(), startedAt: new Date(Date.now() - 20 * 86_400_000), endedAt: new Date() },
  });
  const ids = media.map((image) => image.mediaId);
  await prisma.aBTestMediaOrder.create({ data: { testId: completed.id, shopId: shop.shopId, productId: catalog[0].id, previousMediaIds: [...ids].reverse(), keptMediaIds: ids, keptAt: new Date() } });
  await getObjectStore().put(exported.csvKey!, `date,shop,testName\n${date},${shop.shopDomain},${SECRET_NAME}\n`);
  await getObjectStore().put(exported.jsonKey!, JSON.stringify({ shop: shop.shopDomain, rows: [{ testName: SECRET_NAME }] }));
  return { ...shop, testId: test.id, completedTestId: completed.id, exportId: exported.id, productId: catalog[0].id, mediaId: catalog[0].media[0]?.id ?? "gid://shopify/MediaImage/1" };
}

// Remix logs a warning for every `?_data=` request of a single-fetch app; these tests send them on purpose.
const consoleError = console.error;
beforeAll(() => {
  console.error = (...args: unknown[]) => {
    if (!String(args[0]).includes("should not be making ?_data requests")) consoleError(...args);
  };
  return () => {
    console.error = consoleError;
  };
});

beforeAll(async () => {
  fake = await startFakeAdminApi();
  process.env.SHOPIFY_ADMIN_API_ORIGIN = fake.origin;
  resetEnvCache();
  [attacker, publicAttacker] = await Promise.all([createInstalledShop(prisma, { mode: "PRIVATE" }), createInstalledShop(prisma)]);
  for (const shop of [attacker, publicAttacker]) fake.addShop({ domain: shop.shopDomain, accessToken: shop.accessToken, products: generateCatalog({ products: 1, seed: 3 }) });
  [victims.PUBLIC, victims.PRIVATE] = await Promise.all([createVictim("PUBLIC"), createVictim("PRIVATE")]);
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
  await fake?.close();
});

interface Route {
  name: string;
  method: "GET" | "POST";
  path: (victim: Victim) => string;
  /** Remix route id, for `?_data=`. */
  routeId: string;
  /** A resource route: fetched as is (no `.data`, no `?_data=`). */
  resource?: boolean;
  /** Index routes take `?index` on `.data` and `?_data=` requests. */
  index?: boolean;
  body?: (victim: Victim) => URLSearchParams;
}

const ROUTES: Route[] = [
  { name: "app layout + dashboard", method: "GET", path: () => "/app", routeId: "routes/app._index", index: true },
  { name: "test detail", method: "GET", path: (v) => `/app/tests/${v.testId}`, routeId: "routes/app.tests.$testId" },
  { name: "new test", method: "GET", path: (v) => `/app/tests/new?productId=${encodeURIComponent(v.productId)}`, routeId: "routes/app.tests.new" },
  { name: "exports list", method: "GET", path: () => "/app/exports", routeId: "routes/app.exports._index", index: true },
  { name: "CSV download", method: "GET", path: (v) => `/app/exports/${v.exportId}/csv`, routeId: "routes/app.exports.$exportId.$format", resource: true },
  { name: "JSON download", method: "GET", path: (v) => `/app/exports/${v.exportId}/json`, routeId: "routes/app.exports.$exportId.$format", resource: true },
  { name: "settings", method: "GET", path: () => "/app/settings", routeId: "routes/app.settings" },
  { name: "complete test", method: "POST", path: (v) => `/app/tests/${v.testId}`, routeId: "routes/app.tests.$testId", body: () => new URLSearchParams({ intent: "complete" }) },
  ...(["keep-treatment", "restore-original"] as const).map(
    (intent): Route => ({ name: intent, method: "POST", path: (v) => `/app/tests/${v.completedTestId}`, routeId: "routes/app.tests.$testId", body: () => new URLSearchParams({ intent, explicit: "true" }) }),
  ),
  {
    name: "create test",
    method: "POST",
    path: () => "/app/tests/new",
    routeId: "routes/app.tests.new",
    body: (v) => new URLSearchParams({ productId: v.productId, name: "Planted", trafficSplit: "50", treatmentMediaIds: v.mediaId }),
  },
  { name: "activate pixel", method: "POST", path: () => "/app/settings", routeId: "routes/app.settings" },
];

type Transport = "document" | "single-fetch" | "_data";
const TRANSPORTS: Transport[] = ["document", "single-fetch", "_data"];

/** The request a browser in the Shopify admin would send for `route` with `token`, naming `claimed`
 * (in `?shop=` for a document, in the shop header for a fetch) when given. */
function send(route: Route, victim: Victim, transport: Transport, token: string, claimed: string | null): Promise<Response> {
  const url = new URL(route.path(victim), app.url);
  const headers: Record<string, string> = { "User-Agent": BROWSER_UA };
  if (transport === "document") {
    for (const [key, value] of embeddedQuery(claimed ?? victim.shopDomain, token)) url.searchParams.set(key, value);
    if (!claimed) url.searchParams.delete("shop");
  } else {
    headers.Authorization = `Bearer ${token}`;
    if (claimed) headers["X-Shopify-Shop-Domain"] = claimed;
    if (!route.resource && transport === "single-fetch") {
      url.pathname = `${url.pathname}.data`;
      if (route.index) url.searchParams.set("index", "");
    }
    if (!route.resource && transport === "_data") {
      url.searchParams.set("_data", route.routeId);
      if (route.index) url.searchParams.set("index", "");
    }
  }
  const body = route.method === "POST" ? (route.body?.(victim) ?? new URLSearchParams()) : undefined;
  return fetch(url, { method: route.method, headers, body, redirect: "manual" });
}

async function victimState(victim: Victim) {
  const [tests, test, exported, mediaOrders] = await Promise.all([
    prisma.aBTest.count({ where: { shopId: victim.shopId } }),
    prisma.aBTest.findUniqueOrThrow({ where: { id: victim.testId }, select: { status: true, endedAt: true, updatedAt: true } }),
    prisma.statisticsExport.findUniqueOrThrow({ where: { id: victim.exportId } }),
    prisma.aBTestMediaOrder.findMany({ where: { shopId: victim.shopId } }),
  ]);
  const { pixel, metafields, products } = fake.getShop(victim.shopDomain);
  const productMedia = products.map((product) => product.media.map((media) => media.id));
  return { tests, test, exported, mediaOrders, productMedia, pixel: JSON.stringify(pixel ?? null), metafields: metafields.length };
}

const forged = (victim: Victim) => sessionToken({ dest: victim.shopDomain, apiKey: attacker.apiKey, apiSecretKey: attacker.apiSecret });
const ATTACKS = [
  { name: "a token for the victim signed with the attacker's PRIVATE secret, naming the attacker's shop", token: forged, claimed: () => attacker.shopDomain },
  { name: "the same forged token naming the victim's shop", token: forged, claimed: (victim: Victim) => victim.shopDomain },
  { name: "the same forged token naming no shop", token: forged, claimed: () => null },
  {
    name: "the PRIVATE attacker's genuine token naming the victim's shop",
    token: () => sessionToken({ dest: attacker.shopDomain, apiKey: attacker.apiKey, apiSecretKey: attacker.apiSecret }),
    claimed: (victim: Victim) => victim.shopDomain,
  },
  {
    name: "a PUBLIC shop's genuine token naming the victim's shop",
    token: () => sessionToken({ dest: publicAttacker.shopDomain, apiKey: publicAttacker.apiKey, apiSecretKey: publicAttacker.apiSecret }),
    claimed: (victim: Victim) => victim.shopDomain,
  },
];

const CASES = (["PUBLIC", "PRIVATE"] as const).flatMap((mode) =>
  ATTACKS.flatMap((attack) => TRANSPORTS.map((transport) => ({ mode, attack, transport }))),
);

describe("session tokens are bound to the credential of their own dest shop", () => {
  it.each(CASES)("GIVEN a $mode victim WHEN $attack.name arrives as a $transport request THEN every admin route answers 401 and nothing changes", async ({ mode, attack, transport }) => {
    const victim = victims[mode];
    const before = await victimState(victim);
    const token = await attack.token(victim);

    const answers = await Promise.all(
      ROUTES.map(async (route) => {
        const response = await send(route, victim, transport, token, attack.claimed(victim));
        return { route: route.name, status: response.status, body: await response.text(), type: response.headers.get("content-type") };
      }),
    );

    expect(answers.map(({ route, status }) => ({ route, status }))).toEqual(ROUTES.map((route) => ({ route: route.name, status: 401 })));
    for (const answer of answers) {
      expect(answer.body).not.toContain(SECRET_NAME);
      expect(answer.body).not.toContain(victim.accessToken);
    }
    for (const answer of answers) {
      // A UI route's document renders its error boundary (Remix lets only redirects escape a page);
      // resource routes and `?_data=` answer the JSON error shape; `.data` carries it turbo-stream encoded.
      if (transport === "_data" || answer.route.includes("download")) expect(JSON.parse(answer.body)).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
      else if (transport === "document") expect(answer.type).toMatch(/^text\/html/);
      else expect(answer.body).toMatch(/shop_mismatch|invalid_session_token/);
    }
    expect(await victimState(victim)).toEqual(before);
  });

  it.each(
    (["PUBLIC", "PRIVATE"] as const).flatMap((mode) => TRANSPORTS.map((transport) => ({ mode, transport }))),
  )("GIVEN the $mode victim's own genuine token as a $transport request THEN its pages answer with its data (the control)", async ({ mode, transport }) => {
    const victim = victims[mode];
    const token = await sessionToken({ dest: victim.shopDomain, apiKey: victim.apiKey, apiSecretKey: victim.apiSecret });

    const answers = await Promise.all(
      ROUTES.filter((candidate) => candidate.method === "GET").map(async (route) => {
        const response = await send(route, victim, transport, token, victim.shopDomain);
        return { route: route.name, status: response.status, body: await response.text() };
      }),
    );

    expect(answers.map(({ route, status }) => ({ route, status }))).toEqual(ROUTES.filter((route) => route.method === "GET").map((route) => ({ route: route.name, status: 200 })));
    // `?_data=` of a naked loader object is an empty body under single fetch; the others carry the data.
    if (transport !== "_data") expect(answers.find((answer) => answer.route === "test detail")?.body).toContain(SECRET_NAME);
  });
});
