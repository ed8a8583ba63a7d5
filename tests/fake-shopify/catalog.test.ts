import { describe, expect, it } from "vitest";
import { generateCatalog } from "./catalog";

describe("generateCatalog", () => {
  const catalog = generateCatalog({ products: 80, variantsPerProduct: 4, imagesPerProduct: 3, seed: 9, titlePrefix: "Demo " });

  it("GIVEN the same options WHEN generating twice THEN the catalogs are identical", () => {
    expect(generateCatalog({ products: 80, variantsPerProduct: 4, imagesPerProduct: 3, seed: 9, titlePrefix: "Demo " })).toEqual(catalog);
  });

  it("GIVEN two seeds WHEN generating THEN their ids do not overlap", () => {
    const other = generateCatalog({ products: 80, seed: 10 });
    const ids = (c: typeof catalog) => c.flatMap((p) => [p.id, ...p.variants.map((v) => v.id), ...p.media.map((m) => m.id)]);
    expect(ids(catalog).filter((id) => ids(other).includes(id))).toEqual([]);
  });

  it("GIVEN a catalog WHEN inspecting ids, handles and file names THEN each is unique and ids are Shopify gids", () => {
    const all = catalog.flatMap((p) => [p.id, ...p.variants.map((v) => v.id), ...p.media.map((m) => m.id), ...p.media.map((m) => m.imageId)]);
    expect(new Set(all).size).toBe(all.length);
    expect(all.every((id) => /^gid:\/\/shopify\/(Product|ProductVariant|MediaImage|ProductImage)\/\d+$/.test(id))).toBe(true);
    expect(new Set(catalog.map((p) => p.handle)).size).toBe(catalog.length);
    const fileNames = catalog.flatMap((p) => p.media.map((m) => m.fileName));
    expect(new Set(fileNames).size).toBe(fileNames.length);
  });

  it.each([
    ["products without images", () => catalog.filter((p) => p.media.length === 0).length],
    ["variants without an image", () => catalog.flatMap((p) => p.variants).filter((v) => v.mediaId === null).length],
    ["variants with an image", () => catalog.flatMap((p) => p.variants).filter((v) => v.mediaId !== null).length],
    ["draft or archived products", () => catalog.filter((p) => p.status !== "ACTIVE").length],
  ])("GIVEN a catalog WHEN counting %s THEN there are some", (_case, count) => {
    expect(count()).toBeGreaterThan(0);
  });

  it("GIVEN a catalog WHEN checking each variant THEN its image is one of its own product's media and its price a decimal string", () => {
    for (const product of catalog) {
      expect(product.title.startsWith("Demo ")).toBe(true);
      for (const variant of product.variants) {
        if (variant.mediaId !== null) expect(product.media.map((m) => m.id)).toContain(variant.mediaId);
        expect(variant.price).toMatch(/^\d+\.\d{2}$/);
      }
    }
  });
});
