// The shop's catalog for an export, page by page: each page is a run of products in ascending id order
// with all their image media and variants (no cap: large catalogs are exported in full), so the export
// processes a page and lets it go instead of holding the whole catalog. Throttling and retries are the
// admin client's job. A shop with many variants is read with one bulk operation instead of paged
// queries (Shopify's per-query cost budget makes paging a 10k-variant catalog take minutes): its JSONL
// result is streamed line by line into the same pages, so both paths give identical products.
import { createReadStream, createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { pipeline } from "node:stream/promises";
import { setTimeout as delay } from "node:timers/promises";
import type { AdminClient } from "../shopify/admin-client";
import {
  BULK_CATALOG,
  BULK_OPERATION,
  BULK_OPERATION_RUN_QUERY,
  CURRENT_BULK_QUERY,
  PRODUCT_MEDIA_PAGE,
  PRODUCT_VARIANTS_COUNT,
  PRODUCT_VARIANTS_PAGE,
  PRODUCTS_PAGE,
  type BulkOperation,
  type MediaNode,
  type PageInfo,
  type ProductNode,
  type VariantNode,
} from "../shopify/admin-operations";
import { createSpoolDirectory } from "./spool-directory";

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

/** Shops with at least this many variants are read with a bulk operation (paged reads below it). */
export const DEFAULT_BULK_THRESHOLD = 2_000;
/** Products per page handed on from a bulk result (as PRODUCTS_PAGE carries). */
const BULK_PAGE_PRODUCTS = 10;

export interface CatalogReadOptions {
  /** Variants from which the bulk path is taken; undefined: always paged (no count query). */
  bulkThreshold?: number;
  /** How often a running bulk operation is polled (ms). */
  bulkPollMs?: number;
  /** A bulk operation an earlier attempt started (its checkpoint): followed instead of starting another. */
  bulkOperationId?: string | null;
  /** Called with a bulk operation's id as soon as it is known, so the caller can checkpoint it. */
  onBulkOperation?(id: string): Promise<void> | void;
  /** Stop waiting for a running bulk operation at this time (epoch ms): BulkOperationPendingError. */
  waitUntil?: number;
}

/** The bulk operation is still running when the caller's time is up; continue later from `operationId`. */
export class BulkOperationPendingError extends Error {
  constructor(readonly operationId: string) {
    super(`bulk operation ${operationId} still running`);
    this.name = "BulkOperationPendingError";
  }
}

const isRunning = (operation: BulkOperation) => operation.status === "CREATED" || operation.status === "RUNNING";
// Shopify may store the query reformatted: compare without comments and whitespace.
const normalizeQuery = (query: string) => query.replace(/#[^\n]*/g, "").replace(/\s+/g, "");

async function readBulkOperation(admin: AdminClient, id: string): Promise<BulkOperation | null> {
  return (await admin.request(BULK_OPERATION, { id })).bulkOperation;
}

/** Starts the catalog's bulk query, or takes over the one an earlier attempt left running. */
async function startBulkCatalog(admin: AdminClient, options: CatalogReadOptions): Promise<BulkOperation> {
  if (options.bulkOperationId) {
    const previous = await readBulkOperation(admin, options.bulkOperationId);
    if (previous && (isRunning(previous) || previous.status === "COMPLETED")) return previous;
  }
  const current = (await admin.request(CURRENT_BULK_QUERY)).currentBulkOperation;
  if (current && isRunning(current) && normalizeQuery(current.query) === normalizeQuery(BULK_CATALOG.source)) return current;
  const payload = (await admin.request(BULK_OPERATION_RUN_QUERY, { query: BULK_CATALOG.source })).bulkOperationRunQuery;
  if (!payload?.bulkOperation) {
    const reasons = payload?.userErrors.map((error) => `${error.code ?? "ERROR"}: ${error.message}`).join("; ");
    throw new Error(`bulkOperationRunQuery refused: ${reasons || "no operation"}`);
  }
  return payload.bulkOperation;
}

/** Runs (or follows) the catalog's bulk operation to its end; its result url (null: no products). */
async function awaitBulkCatalog(admin: AdminClient, options: CatalogReadOptions): Promise<string | null> {
  let operation = await startBulkCatalog(admin, options);
  await options.onBulkOperation?.(operation.id);
  while (isRunning(operation)) {
    if (options.waitUntil !== undefined && Date.now() >= options.waitUntil) throw new BulkOperationPendingError(operation.id);
    await delay(options.bulkPollMs ?? 1_000);
    const next = await readBulkOperation(admin, operation.id);
    if (!next) throw new Error(`bulk operation ${operation.id} disappeared`);
    operation = next;
  }
  if (operation.status !== "COMPLETED") {
    throw new Error(`bulk operation ${operation.id} ended ${operation.status}${operation.errorCode ? ` (errorCode ${operation.errorCode})` : ""}`);
  }
  return operation.url;
}

interface BulkLine extends Partial<MediaNode>, Partial<Omit<VariantNode, "media">> {
  id: string;
  handle?: string;
  __parentId?: string;
}

/** Products from a bulk result, streamed: a product's lines follow it (groupObjects), so one is held at a time. */
async function* readBulkProducts(url: string): AsyncGenerator<CatalogProduct> {
  // The result is downloaded to a file first, then read: the export backs up images between products, so
  // reading straight from the response held it open for minutes and the server ended it midway
  // ("terminated", seen on a 100k-variant catalog). The file lives in a swept spool directory.
  const directory = await createSpoolDirectory("bulk-catalog-");
  try {
    const file = path.join(directory, "result.jsonl");
    const response = await fetch(url);
    if (!response.ok || !response.body) throw new Error(`bulk result download failed: HTTP ${response.status}`);
    await pipeline(Readable.fromWeb(response.body as WebReadableStream), createWriteStream(file));
    yield* readBulkLines(createReadStream(file));
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

async function* readBulkLines(input: NodeJS.ReadableStream): AsyncGenerator<CatalogProduct> {
  let product: CatalogProduct | null = null;
  const variants = new Map<string, CatalogVariant>();
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    if (!text) continue;
    const line = JSON.parse(text) as BulkLine;
    if (!line.__parentId) {
      if (product) yield product;
      product = { id: line.id, title: line.title ?? "", handle: line.handle ?? "", images: [], variants: [] };
      variants.clear();
    } else if (product && line.__parentId === product.id) {
      if (line.id.startsWith("gid://shopify/ProductVariant/")) {
        const variant: CatalogVariant = { id: line.id, title: line.title ?? "", sku: line.sku ?? null, price: line.price ?? "", mediaIds: [] };
        variants.set(variant.id, variant);
        product.variants.push(variant);
      } else {
        product.images.push(...toImages([line as MediaNode]));
      }
    } else {
      const variant = variants.get(line.__parentId);
      if (!variant) throw new Error(`bulk result line out of order: parent ${line.__parentId} of ${line.id} not seen`);
      variant.mediaIds.push(line.id);
    }
  }
  if (product) yield product;
}

async function* fetchCatalogInBulk(admin: AdminClient, options: CatalogReadOptions): AsyncGenerator<CatalogProduct[]> {
  const url = await awaitBulkCatalog(admin, options);
  if (!url) return;
  let page: CatalogProduct[] = [];
  for await (const product of readBulkProducts(url)) {
    page.push(product);
    if (page.length === BULK_PAGE_PRODUCTS) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}

async function shouldReadInBulk(admin: AdminClient, options: CatalogReadOptions): Promise<boolean> {
  if (options.bulkOperationId) return true;
  const threshold = options.bulkThreshold;
  if (threshold === undefined) return false;
  const { productVariantsCount } = await admin.request(PRODUCT_VARIANTS_COUNT, { limit: threshold });
  return (productVariantsCount?.count ?? 0) >= threshold;
}

/**
 * Pages of products (Admin API order: ascending id), through a bulk operation when the shop has at
 * least `bulkThreshold` variants. Paged reads: the next page is requested while the caller works on
 * the current one; at most two pages are in memory.
 */
export async function* fetchCatalogPages(admin: AdminClient, options: CatalogReadOptions = {}): AsyncGenerator<CatalogProduct[]> {
  if (await shouldReadInBulk(admin, options)) {
    yield* fetchCatalogInBulk(admin, options);
    return;
  }
  yield* fetchPagedCatalog(admin);
}

/**
 * Pages of products (Admin API order: ascending id). The next page is requested while the caller works
 * on the current one, so the API's latency overlaps the image backup; at most two pages are in memory.
 */
async function* fetchPagedCatalog(admin: AdminClient): AsyncGenerator<CatalogProduct[]> {
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
