// The shop's catalog for an export, page by page: each page is a run of products in ascending id order
// with all their image media and variants (no cap: large catalogs are exported in full), so the export
// processes a page and lets it go instead of holding the whole catalog. Throttling and retries are the
// admin client's job; this module only pages.
import type { AdminClient } from "../shopify/admin-client";
import { PRODUCT_MEDIA_PAGE, PRODUCT_VARIANTS_PAGE, PRODUCTS_PAGE, type MediaNode, type PageInfo, type ProductNode, type VariantNode } from "../shopify/admin-operations";

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

const toVariant = (node: VariantNode): CatalogVariant => ({ id: node.id, title: node.title, sku: node.sku, price: node.price, mediaIds: node.media.nodes.map((media) => media.id) });

/** The rest of a cursor-paginated connection, after the page already in hand. */
async function* walkRest<T>(first: { pageInfo: PageInfo }, fetchPage: (after: string) => Promise<{ pageInfo: PageInfo; nodes: T[] } | null>): AsyncGenerator<T> {
  for (let pageInfo = first.pageInfo; pageInfo.hasNextPage && pageInfo.endCursor; ) {
    const page = await fetchPage(pageInfo.endCursor);
    // Deleted meanwhile: it has left the catalog (its variants with events still get rows from the metrics).
    if (!page) return;
    yield* page.nodes;
    pageInfo = page.pageInfo;
  }
}

async function toProduct(admin: AdminClient, node: ProductNode): Promise<CatalogProduct> {
  const images = toImages(node.media.nodes);
  for await (const media of walkRest(node.media, async (after) => (await admin.request(PRODUCT_MEDIA_PAGE, { id: node.id, after })).product?.media ?? null)) {
    images.push(...toImages([media]));
  }
  const variants = node.variants.nodes.map(toVariant);
  for await (const variant of walkRest(node.variants, async (after) => (await admin.request(PRODUCT_VARIANTS_PAGE, { id: node.id, after })).product?.variants ?? null)) {
    variants.push(toVariant(variant));
  }
  return { id: node.id, title: node.title, handle: node.handle, images, variants };
}

async function fetchPage(admin: AdminClient, after: string | null) {
  const { products } = await admin.request(PRODUCTS_PAGE, { after });
  const page: CatalogProduct[] = [];
  for (const node of products.nodes) page.push(await toProduct(admin, node));
  return { products: page, pageInfo: products.pageInfo };
}

/**
 * Pages of products (Admin API order: ascending id). The next page is requested while the caller works
 * on the current one, so the API's latency overlaps the image backup; at most two pages are in memory.
 */
export async function* fetchCatalogPages(admin: AdminClient): AsyncGenerator<CatalogProduct[]> {
  let next = fetchPage(admin, null);
  for (;;) {
    const { products, pageInfo } = await next;
    const more = pageInfo.hasNextPage && pageInfo.endCursor !== null;
    if (more) {
      next = fetchPage(admin, pageInfo.endCursor);
      // Handled here so a caller that stops early (its own failure) leaves no unhandled rejection;
      // awaiting `next` above still throws the error.
      next.catch(() => {});
    }
    yield products;
    if (!more) return;
  }
}
