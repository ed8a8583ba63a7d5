// The catalog walk against the fake Admin API: pages of products with all their variants and media,
// follow-up queries for products that have more than a page carries, and the page fetched ahead.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAdminClient, type AdminClient } from "../../app/services/shopify/admin-client";
import { BulkOperationPendingError, fetchCatalogPages, type CatalogProduct, type CatalogReadOptions } from "../../app/services/statistics-export/product-fetcher.service";
import { BULK_CATALOG, BULK_OPERATION_RUN_QUERY } from "../../app/services/shopify/admin-operations";
import { generateCatalog } from "../fake-shopify/catalog";
import { startFakeAdminApi, type FakeAdminApi } from "../fake-shopify/fake-admin-api";
import { uniqueShopDomain } from "../support/shops";

let fake: FakeAdminApi;

beforeAll(async () => {
  fake = await startFakeAdminApi({ costLimits: { maximumAvailable: 1_000_000, restoreRate: 1_000_000 } });
});
afterAll(() => fake.close());

function addShop(catalog = generateCatalog({ products: 23, variantsPerProduct: 25, imagesPerProduct: 20, seed: 31 })) {
  const domain = uniqueShopDomain("catalog");
  fake.addShop({ domain, accessToken: `token-${domain}`, products: catalog });
  return { domain, catalog, admin: createAdminClient({ shop: domain, accessToken: `token-${domain}` }, { origin: fake.origin, maxTries: 1 }) };
}

async function walk(admin: AdminClient): Promise<CatalogProduct[][]> {
  const pages: CatalogProduct[][] = [];
  for await (const page of fetchCatalogPages(admin)) pages.push(page);
  return pages;
}

describe("fetchCatalogPages", () => {
  it("GIVEN products with more variants and images than a page carries THEN every one comes back, in pages of products in id order, within the query cost limit", async () => {
    const { domain, catalog, admin } = addShop();

    const pages = await walk(admin);

    expect(pages.map((page) => page.length)).toEqual([10, 10, 3]);
    expect(pages.flat().map((product) => ({ id: product.id, variants: product.variants.map((variant) => [variant.id, variant.mediaIds]), images: product.images.map((image) => image.mediaId) }))).toEqual(
      catalog.map((product) => ({
        id: product.id,
        variants: product.variants.map((variant) => [variant.id, variant.mediaId ? [variant.mediaId] : []]),
        images: product.media.map((image) => image.id),
      })),
    );
    const operations = fake.requests.filter((request) => request.shop === domain).map((request) => request.operationName);
    expect(operations.filter((name) => name === "ProductsPage")).toHaveLength(3);
    expect(operations.filter((name) => name === "ProductVariantsPage")).toHaveLength(catalog.length);
    expect(operations.filter((name) => name === "ProductMediaPage")).toHaveLength(catalog.filter((product) => product.media.length > 15).length);
    expect(fake.rejectedQueries.filter((rejected) => rejected.shop === domain)).toEqual([]);
  });

  it("GIVEN the page fetched ahead fails THEN the walk throws its error, and a caller that stopped earlier is left with nothing unhandled", async () => {
    const { admin } = addShop(generateCatalog({ products: 25, variantsPerProduct: 1, seed: 32 }));
    let calls = 0;
    const failingAfterFirst: AdminClient = { shop: admin.shop, request: (operation, variables) => (calls++ === 0 ? admin.request(operation, variables) : Promise.reject(new Error("page 2 failed"))) };

    await expect(walk(failingAfterFirst)).rejects.toThrow("page 2 failed");
    calls = 0;
    for await (const page of fetchCatalogPages(failingAfterFirst)) {
      expect(page).toHaveLength(10);
      break;
    }
    // An unhandled rejection of the abandoned prefetch would surface here and fail the run.
    await new Promise((resolve) => setTimeout(resolve, 50));
  });
});

describe("fetchCatalogPages through a bulk operation", () => {
  const operationsOf = (domain: string) => fake.requests.filter((request) => request.shop === domain).map((request) => request.operationName);

  it("GIVEN a shop at the bulk threshold THEN one bulk operation's JSONL gives the same products, in the same pages, as paged reads", async () => {
    const { domain, admin } = addShop();
    const paged = await walk(admin);

    const pages: CatalogProduct[][] = [];
    for await (const page of fetchCatalogPages(admin, { bulkThreshold: 575, bulkPollMs: 5 })) pages.push(page);

    expect(pages).toEqual(paged);
    const operations = operationsOf(domain).slice(operationsOf(domain).indexOf("ProductVariantsCount"));
    expect(operations.filter((name) => name === "BulkOperationRunQuery")).toHaveLength(1);
    expect(operations.filter((name) => name === "ProductsPage" || name === "ProductVariantsPage")).toEqual([]);
    expect(fake.rejectedQueries.filter((rejected) => rejected.shop === domain)).toEqual([]);
  });

  it("GIVEN a shop below the threshold THEN it is paged as before", async () => {
    const { domain, admin } = addShop(generateCatalog({ products: 3, variantsPerProduct: 2, seed: 33 }));

    await walkWith(admin, { bulkThreshold: 7, bulkPollMs: 5 });

    expect(operationsOf(domain)).toEqual(["ProductVariantsCount", "ProductsPage"]);
  });

  it("GIVEN the bulk operation fails on Shopify THEN the walk throws with its errorCode", async () => {
    const { domain, admin } = addShop(generateCatalog({ products: 3, variantsPerProduct: 2, seed: 34 }));
    fake.getShop(domain).bulkFailures.push("INTERNAL_SERVER_ERROR");

    await expect(walkWith(admin, { bulkThreshold: 1, bulkPollMs: 5 })).rejects.toThrow(/ended FAILED \(errorCode INTERNAL_SERVER_ERROR\)/);
  });

  it("GIVEN a slow bulk operation and a deadline THEN the walk stops with the operation's id, and a later walk from that checkpoint finishes it without starting another", async () => {
    const { domain, admin } = addShop(generateCatalog({ products: 12, variantsPerProduct: 3, seed: 35 }));
    fake.getShop(domain).bulkDurationMs = 300;
    const checkpoints: string[] = [];

    const pending = await walkWith(admin, { bulkThreshold: 1, bulkPollMs: 20, waitUntil: Date.now() + 60, onBulkOperation: (id) => void checkpoints.push(id) }).catch((error: unknown) => error);
    expect(pending).toBeInstanceOf(BulkOperationPendingError);
    const operationId = (pending as BulkOperationPendingError).operationId;
    expect(checkpoints).toEqual([operationId]);
    // Shopify allows one bulk query per shop at a time: a second is refused while this one runs.
    const second = await admin.request(BULK_OPERATION_RUN_QUERY, { query: BULK_CATALOG.source });
    expect(second.bulkOperationRunQuery?.userErrors.map((error) => error.code)).toEqual(["OPERATION_IN_PROGRESS"]);

    const pages = await walkWith(admin, { bulkThreshold: 1, bulkPollMs: 20, bulkOperationId: operationId });

    expect(pages.flat().map((product) => product.id)).toEqual(fake.getShop(domain).products.map((product) => product.id));
    expect(operationsOf(domain).filter((name) => name === "BulkOperationRunQuery")).toHaveLength(2);
    expect(fake.getShop(domain).bulkOperations.map((operation) => operation.status)).toEqual(["COMPLETED"]);
  });
});

async function walkWith(admin: AdminClient, options: CatalogReadOptions): Promise<CatalogProduct[][]> {
  const pages: CatalogProduct[][] = [];
  for await (const page of fetchCatalogPages(admin, options)) pages.push(page);
  return pages;
}
