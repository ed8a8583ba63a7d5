// Authorization: every admin loader and action is scoped to the authenticated shop. Shop A naming
// shop B's test or export gets 404 and changes nothing; lists show only A's records. Each pairing of
// PUBLIC and PRIVATE shops; and A's session token never reaches B by naming B beside it, nor does a
// token for B that A signed with its own (PRIVATE) secret. The same over HTTP: session-token-binding.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loader as settingsLoader, action as settingsAction } from "../../app/routes/app.settings";
import { loader as layoutLoader } from "../../app/routes/app";
import prisma from "../../app/db.server";
import { resetEnvCache } from "../../app/env.server";
import { action as testAction, loader as testLoader } from "../../app/routes/app.tests.$testId";
import { loader as dashboardLoader } from "../../app/routes/app._index";
import { loader as exportsLoader } from "../../app/routes/app.exports._index";
import { loader as downloadLoader } from "../../app/routes/app.exports.$exportId.$format";
import { action as createAction } from "../../app/routes/app.tests.new";
import { generateCatalog } from "../fake-shopify/catalog";
import { startFakeAdminApi, type FakeAdminApi } from "../fake-shopify/fake-admin-api";
import { createABTest } from "../support/ab-tests";
import { createInstalledShop, type InstalledShop } from "../support/shops";
import { adminRequest, respond, sessionToken } from "../support/shopify-requests";

type Mode = "PUBLIC" | "PRIVATE";
const PAIRS: { a: Mode; b: Mode }[] = [
  { a: "PUBLIC", b: "PUBLIC" },
  { a: "PRIVATE", b: "PUBLIC" },
  { a: "PUBLIC", b: "PRIVATE" },
  { a: "PRIVATE", b: "PRIVATE" },
];

let fake: FakeAdminApi;
beforeAll(async () => {
  fake = await startFakeAdminApi();
  process.env.SHOPIFY_ADMIN_API_ORIGIN = fake.origin;
  resetEnvCache();
});
afterAll(() => fake.close());

const call = <A extends LoaderFunctionArgs | ActionFunctionArgs>(run: (args: A) => Promise<unknown>, request: Request, params: Record<string, string> = {}) =>
  respond(() => run({ request, params, context: {} } as A)) as Promise<Response | Record<string, unknown>>;

describe.each(PAIRS)("shop scoping (IDOR): $a shop A, $b shop B", ({ a, b }) => {
  let shopA: InstalledShop;
  let shopB: InstalledShop;
  let testOfB: { id: string };
  let completedOfB: { id: string };
  let exportOfB: { id: string };
  const catalogOfB = generateCatalog({ products: 1, seed: 99 });

  beforeAll(async () => {
    [shopA, shopB] = await Promise.all([createInstalledShop(prisma, { mode: a }), createInstalledShop(prisma, { mode: b })]);
    fake.addShop({ domain: shopA.shopDomain, accessToken: shopA.accessToken, products: generateCatalog({ products: 2, seed: 1 }) });
    fake.addShop({ domain: shopB.shopDomain, accessToken: shopB.accessToken, products: catalogOfB });
    await createABTest(prisma, shopA.shopId, { productId: "gid://shopify/Product/1" });
    testOfB = await prisma.aBTest.update({ where: { id: (await createABTest(prisma, shopB.shopId)).id }, data: { name: "B's secret test" } });
    // A completed test of B whose treatment images are kept: both "keep" and "restore" would reorder B's product.
    const mediaOfB = catalogOfB[0].media.map((media) => ({ mediaId: media.id, url: `https://cdn.example/${media.fileName}.png` }));
    completedOfB = await prisma.aBTest.create({
      data: { shopId: shopB.shopId, productId: catalogOfB[0].id, name: "B's finished test", status: "COMPLETED", controlImages: mediaOfB, treatmentImages: [...mediaOfB].reverse(), startedAt: new Date(Date.now() - 20 * 86_400_000), endedAt: new Date() },
    });
    const idsOfB = mediaOfB.map((media) => media.mediaId);
    await prisma.aBTestMediaOrder.create({ data: { testId: completedOfB.id, shopId: shopB.shopId, productId: catalogOfB[0].id, previousMediaIds: [...idsOfB].reverse(), keptMediaIds: idsOfB, keptAt: new Date() } });
    exportOfB = await prisma.statisticsExport.create({
      data: { shopId: shopB.shopId, date: new Date("2026-11-23"), status: "COMPLETED", csvKey: `statistics-exports/${shopB.shopId}/2026-11-23/statistics.csv`, jsonKey: `statistics-exports/${shopB.shopId}/2026-11-23/statistics.json`, rowCount: 3 },
    });
  });

  const asShopA = (path: string, init?: RequestInit) => adminRequest(path, shopA.shopDomain, shopA.apiKey, shopA.apiSecret).then((request) => new Request(request, init));

  async function snapshotOfB() {
    const [test, exported, tests, mediaOrders] = await Promise.all([
      prisma.aBTest.findUniqueOrThrow({ where: { id: testOfB.id }, select: { status: true, startedAt: true, endedAt: true, updatedAt: true } }),
      prisma.statisticsExport.findUniqueOrThrow({ where: { id: exportOfB.id } }),
      prisma.aBTest.count({ where: { shopId: shopB.shopId } }),
      prisma.aBTestMediaOrder.findMany({ where: { shopId: shopB.shopId } }),
    ]);
    const state = fake.getShop(shopB.shopDomain);
    const productMedia = state.products.map((product) => product.media.map((media) => media.id));
    return { test, exported, tests, mediaOrders, productMedia, metafields: state.metafields.length, pixel: JSON.stringify(state.pixel ?? null) };
  }

  it("GIVEN shop A opens shop B's test page THEN 404", async () => {
    const response = await call(testLoader, await asShopA(`/app/tests/${testOfB.id}`), { testId: testOfB.id });

    expect((response as Response).status).toBe(404);
  });

  it.each(["start", "pause", "resume", "complete"])("GIVEN shop A posts %s for shop B's test THEN 404 and nothing changes", async (intent) => {
    const before = await snapshotOfB();
    const request = await asShopA(`/app/tests/${testOfB.id}`, { method: "POST", body: new URLSearchParams({ intent }) });

    const response = await call(testAction, request, { testId: testOfB.id });

    expect((response as Response).status).toBe(404);
    expect(await snapshotOfB()).toEqual(before);
  });

  it.each(["keep-treatment", "restore-original"])("GIVEN shop A posts %s for shop B's completed test THEN 404 and B's product media and records are unchanged", async (intent) => {
    const before = await snapshotOfB();
    const request = await asShopA(`/app/tests/${completedOfB.id}`, { method: "POST", body: new URLSearchParams({ intent, explicit: "true" }) });

    const response = await call(testAction, request, { testId: completedOfB.id });

    expect((response as Response).status).toBe(404);
    expect(await snapshotOfB()).toEqual(before);
    expect(fake.requests.some((sent) => sent.shop === shopB.shopDomain && sent.operationName === "ProductReorderMedia")).toBe(false);
  });

  it.each(["csv", "json"])("GIVEN shop A asks for shop B's export as %s THEN 404", async (format) => {
    const response = await call(downloadLoader, await asShopA(`/app/exports/${exportOfB.id}/${format}`), { exportId: exportOfB.id, format });

    expect((response as Response).status).toBe(404);
  });

  it("GIVEN shop A creates a test on shop B's product THEN it is refused and nothing is created", async () => {
    const before = await prisma.aBTest.count();
    const body = new URLSearchParams({ productId: catalogOfB[0].id, name: "Stolen", trafficSplit: "50" });
    body.append("treatmentMediaIds", catalogOfB[0].media[0]?.id ?? "gid://shopify/MediaImage/1");

    const result = await call(createAction, await asShopA("/app/tests/new", { method: "POST", body }));

    expect(result).toMatchObject({ errors: { productId: expect.any(String) } });
    expect(await prisma.aBTest.count()).toBe(before);
  });

  it("GIVEN shop A's dashboard and export list THEN nothing of shop B appears", async () => {
    const dashboard = (await call(dashboardLoader, await asShopA("/app"))) as { tests: { id: string; name: string }[] };
    const exportsPage = (await call(exportsLoader, await asShopA("/app/exports"))) as { exports: { id: string }[] };

    expect(dashboard.tests.map((test) => test.id)).not.toContain(testOfB.id);
    expect(JSON.stringify(dashboard)).not.toContain("B's secret test");
    expect(exportsPage.exports.map((row) => row.id)).not.toContain(exportOfB.id);
  });

  // A's genuine token with B named beside it (?shop=, or the shop header of a fetch request).
  const claimingB = async (path: string, init: RequestInit = {}) => {
    const token = await sessionToken({ dest: shopA.shopDomain, apiKey: shopA.apiKey, apiSecretKey: shopA.apiSecret });
    const url = new URL(`http://127.0.0.1:3000${path}`);
    url.searchParams.set("shop", shopB.shopDomain);
    return new Request(url, { ...init, headers: { Authorization: `Bearer ${token}`, "X-Shopify-Shop-Domain": shopB.shopDomain } });
  };
  // A token for B that A signed itself: only a PRIVATE merchant knows an app secret to sign with.
  const forgedForB = async (path: string, init: RequestInit = {}) => {
    const token = await sessionToken({ dest: shopB.shopDomain, apiKey: shopA.apiKey, apiSecretKey: shopA.apiSecret });
    return new Request(`http://127.0.0.1:3000${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, "X-Shopify-Shop-Domain": shopA.shopDomain } });
  };
  const ATTEMPTS = [
    { name: "A's token naming shop B", build: claimingB, modes: ["PUBLIC", "PRIVATE"] },
    { name: "a token for B signed with A's secret", build: forgedForB, modes: ["PRIVATE"] },
  ].filter((attempt) => attempt.modes.includes(a));

  it.each(ATTEMPTS)("GIVEN $name THEN every loader and action answers 401 with the error shape and B is unchanged", async ({ build }) => {
    const before = await snapshotOfB();
    const form = () => ({ method: "POST", body: new URLSearchParams({ intent: "complete" }) });
    const calls: [string, () => Promise<Response | Record<string, unknown>>][] = [
      ["layout", async () => call(layoutLoader, await build("/app"))],
      ["dashboard", async () => call(dashboardLoader, await build("/app"))],
      ["test page", async () => call(testLoader, await build(`/app/tests/${testOfB.id}`), { testId: testOfB.id })],
      ["complete test", async () => call(testAction, await build(`/app/tests/${testOfB.id}`, form()), { testId: testOfB.id })],
      ...(["keep-treatment", "restore-original"] as const).map((intent): [string, () => Promise<Response | Record<string, unknown>>] => [
        intent,
        async () => call(testAction, await build(`/app/tests/${completedOfB.id}`, { method: "POST", body: new URLSearchParams({ intent, explicit: "true" }) }), { testId: completedOfB.id }),
      ]),
      ["create test", async () => call(createAction, await build("/app/tests/new", { method: "POST", body: new URLSearchParams({ productId: catalogOfB[0].id, name: "x", trafficSplit: "50" }) }))],
      ["exports", async () => call(exportsLoader, await build("/app/exports"))],
      ["csv", async () => call(downloadLoader, await build(`/app/exports/${exportOfB.id}/csv`), { exportId: exportOfB.id, format: "csv" })],
      ["settings", async () => call(settingsLoader, await build("/app/settings"))],
      ["activate pixel", async () => call(settingsAction, await build("/app/settings", { method: "POST" }))],
    ];

    const answers = [];
    for (const [name, run] of calls) {
      const response = (await run()) as Response;
      answers.push({ name, status: response.status, body: await response.json() });
    }

    expect(answers).toEqual(calls.map(([name]) => ({ name, status: 401, body: { error: { code: expect.any(String), message: expect.any(String) } } })));
    expect(await snapshotOfB()).toEqual(before);
  });
});
