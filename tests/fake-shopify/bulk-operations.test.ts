// The fake's bulk operations, as Shopify runs them: asynchronous statuses, one running query per shop,
// invalid queries refused, and a JSONL result whose nested connections become `__parentId` lines.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAdminClient } from "../../app/services/shopify/admin-client";
import { BULK_CATALOG, BULK_OPERATION, BULK_OPERATION_RUN_QUERY, CURRENT_BULK_QUERY } from "../../app/services/shopify/admin-operations";
import { uniqueShopDomain } from "../support/shops";
import { generateCatalog } from "./catalog";
import { startFakeAdminApi, type FakeAdminApi } from "./fake-admin-api";

let fake: FakeAdminApi;
beforeAll(async () => {
  fake = await startFakeAdminApi();
});
afterAll(() => fake.close());

function addShop(bulkDurationMs = 80) {
  const domain = uniqueShopDomain("bulk");
  const catalog = generateCatalog({ products: 2, variantsPerProduct: 2, imagesPerProduct: 2, seed: 5 });
  fake.addShop({ domain, accessToken: `token-${domain}`, products: catalog, bulkDurationMs });
  return { catalog, admin: createAdminClient({ shop: domain, accessToken: `token-${domain}` }, { origin: fake.origin, maxTries: 1 }) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("fake bulk operations", () => {
  it("GIVEN a bulk query THEN it is CREATED, RUNNING, then COMPLETED with a JSONL url whose child lines carry __parentId", async () => {
    const { admin, catalog } = addShop();

    const started = (await admin.request(BULK_OPERATION_RUN_QUERY, { query: BULK_CATALOG.source })).bulkOperationRunQuery!;
    const id = started.bulkOperation!.id;
    const running = (await admin.request(BULK_OPERATION, { id })).bulkOperation!;
    await sleep(120);
    const done = (await admin.request(BULK_OPERATION, { id })).bulkOperation!;
    const lines = (await (await fetch(done.url!)).text()).trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);

    expect([started.bulkOperation!.status, running.status, done.status]).toEqual(["CREATED", "RUNNING", "COMPLETED"]);
    expect((await admin.request(CURRENT_BULK_QUERY)).currentBulkOperation?.id).toBe(id);
    const [product] = catalog;
    expect(lines[0]).toEqual({ id: product.id, title: product.title, handle: product.handle, status: product.status });
    expect(lines.filter((line) => line.__parentId === product.id).map((line) => line.id)).toEqual([...product.media.map((image) => image.id), ...product.variants.map((variant) => variant.id)]);
    const variantMedia = product.variants.filter((variant) => variant.mediaId).map((variant) => ({ id: variant.mediaId, __parentId: variant.id }));
    expect(variantMedia.length).toBeGreaterThan(0);
    expect(lines.filter((line) => product.variants.some((variant) => variant.id === line.__parentId))).toEqual(variantMedia);
    expect(done.objectCount).toBe(String(lines.length));
  });

  it.each([
    ["a second query while one runs", BULK_CATALOG.source, "OPERATION_IN_PROGRESS", /already in progress: gid:\/\/shopify\/BulkOperation\/\d+/],
    ["an invalid query", "query { products { edges { node { nope } } } }", "INVALID", /Invalid bulk query: Cannot query field "nope"/],
  ])("GIVEN %s THEN it is refused with userErrors %s", async (_name, query, code, message) => {
    const { admin } = addShop(500);
    if (code === "OPERATION_IN_PROGRESS") await admin.request(BULK_OPERATION_RUN_QUERY, { query: BULK_CATALOG.source });

    const refused = (await admin.request(BULK_OPERATION_RUN_QUERY, { query })).bulkOperationRunQuery!;

    expect(refused.bulkOperation).toBeNull();
    expect(refused.userErrors.map((error) => error.code)).toEqual([code]);
    expect(refused.userErrors[0].message).toMatch(message);
  });
});
