// The catalog walk against the fake Admin API: pages of products with all their variants and media,
// follow-up queries for products that have more than a page carries, and the page fetched ahead.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAdminClient, type AdminClient } from "../../app/services/shopify/admin-client";
import { fetchCatalogPages, type CatalogProduct } from "../../app/services/statistics-export/product-fetcher.service";
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
