// The shop's whole catalog for an export: every product with its image media and every variant, walked
// page by page (no cap: large catalogs are exported in full). Throttling and retries are the admin
// client's job; this module only pages.
import type { AdminClient } from "../shopify/admin-client";
import { PRODUCT_MEDIA_PAGE, PRODUCT_VARIANTS_PAGE, PRODUCTS_PAGE, type MediaNode, type PageInfo } from "../shopify/admin-operations";

export interface CatalogImage {
  mediaId: string;
  url: string;
  altText: string | null;
  width: number | null;
  height: number | null;
}

export interface CatalogVariant {
  id: string;
  title: string;
  sku: string | null;
  price: string;
  /** The variant's own media, in order (may be empty). */
  mediaIds: string[];
}

export interface CatalogProduct {
  id: string;
  title: string;
  handle: string;
  images: CatalogImage[];
  variants: CatalogVariant[];
}

function toImages(nodes: MediaNode[]): CatalogImage[] {
  return nodes.flatMap((node) =>
    node.image ? [{ mediaId: node.id, url: node.image.url, altText: node.image.altText, width: node.image.width, height: node.image.height }] : [],
  );
}

/** Walks a cursor-paginated connection to its end. */
async function* walk<T>(fetchPage: (after: string | null) => Promise<{ pageInfo: PageInfo; nodes: T[] } | null>): AsyncGenerator<T> {
  for (let after: string | null = null; ; ) {
    const page = await fetchPage(after);
    if (!page) return;
    yield* page.nodes;
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return;
    after = page.pageInfo.endCursor;
  }
}

export async function fetchProductCatalog(admin: AdminClient): Promise<CatalogProduct[]> {
  const products = new Map<string, CatalogProduct>();
  for await (const node of walk(async (after) => (await admin.request(PRODUCTS_PAGE, { after })).products)) {
    const images = toImages(node.media.nodes);
    if (node.media.pageInfo.hasNextPage) {
      const rest = walk(async (after) => (await admin.request(PRODUCT_MEDIA_PAGE, { id: node.id, after: after ?? node.media.pageInfo.endCursor })).product?.media ?? null);
      for await (const media of rest) images.push(...toImages([media]));
    }
    products.set(node.id, { id: node.id, title: node.title, handle: node.handle, images, variants: [] });
  }
  for await (const node of walk(async (after) => (await admin.request(PRODUCT_VARIANTS_PAGE, { after })).productVariants)) {
    // A product created between the two walks is still exported, with what the variant page says of it.
    let product = products.get(node.product.id);
    if (!product) {
      product = { id: node.product.id, title: node.product.title, handle: node.product.handle, images: [], variants: [] };
      products.set(product.id, product);
    }
    // A variant's media are its product's: share the product's id strings instead of keeping a parsed
    // copy per variant (100k variants, ~5 MB).
    const mediaIds = node.media.nodes.map((media) => product.images.find((image) => image.mediaId === media.id)?.mediaId ?? media.id);
    product.variants.push({ id: node.id, title: node.title, sku: node.sku, price: node.price, mediaIds });
  }
  return [...products.values()];
}
