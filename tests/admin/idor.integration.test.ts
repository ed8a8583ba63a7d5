// Authorization: every admin loader and action is scoped to the authenticated shop. Shop A naming
// shop B's test or export gets 404 and changes nothing; lists show only A's records.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
import { adminRequest, respond } from "../support/shopify-requests";

let fake: FakeAdminApi;
let shopA: InstalledShop;
let shopB: InstalledShop;
let testOfB: { id: string };
let exportOfB: { id: string };
const catalogOfB = generateCatalog({ products: 1, seed: 99 });

beforeAll(async () => {
  fake = await startFakeAdminApi();
  process.env.SHOPIFY_ADMIN_API_ORIGIN = fake.origin;
  resetEnvCache();
  [shopA, shopB] = await Promise.all([createInstalledShop(prisma), createInstalledShop(prisma)]);
  fake.addShop({ domain: shopA.shopDomain, accessToken: shopA.accessToken, products: generateCatalog({ products: 2, seed: 1 }) });
  fake.addShop({ domain: shopB.shopDomain, accessToken: shopB.accessToken, products: catalogOfB });
  await createABTest(prisma, shopA.shopId, { productId: "gid://shopify/Product/1" });
  testOfB = await prisma.aBTest.update({ where: { id: (await createABTest(prisma, shopB.shopId)).id }, data: { name: "B's secret test" } });
  exportOfB = await prisma.statisticsExport.create({
    data: { shopId: shopB.shopId, date: new Date("2026-11-23"), status: "COMPLETED", csvKey: `statistics-exports/${shopB.shopId}/2026-11-23/statistics.csv`, jsonKey: `statistics-exports/${shopB.shopId}/2026-11-23/statistics.json`, rowCount: 3 },
  });
});
afterAll(() => fake.close());

const asShopA = (path: string, init?: RequestInit) => adminRequest(path, shopA.shopDomain, shopA.apiKey, shopA.apiSecret).then((request) => new Request(request, init));
const call = <A extends LoaderFunctionArgs | ActionFunctionArgs>(run: (args: A) => Promise<unknown>, request: Request, params: Record<string, string> = {}) =>
  respond(() => run({ request, params, context: {} } as A)) as Promise<Response | Record<string, unknown>>;

async function snapshotOfB() {
  const [test, exported] = await Promise.all([
    prisma.aBTest.findUniqueOrThrow({ where: { id: testOfB.id }, select: { status: true, startedAt: true, endedAt: true, updatedAt: true } }),
    prisma.statisticsExport.findUniqueOrThrow({ where: { id: exportOfB.id } }),
  ]);
  return { test, exported, metafields: fake.getShop(shopB.shopDomain).metafields.length };
}

describe("shop scoping (IDOR)", () => {
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
});
