// Catalog fields: products, variants and their image media, with Shopify's pagination, search and sort
// semantics; and the one catalog write the app makes, productReorderMedia, asynchronous as on Shopify.
import { GraphQLError, type GraphQLResolveInfo } from "graphql";
import type { FakeImage, FakeProduct, FakeVariant } from "./catalog";
import { MAX_PAGE_SIZE, numericIdOf, paginate, type ConnectionArgs, type SortKey } from "./connection";
import {
  assertGlobalId,
  countOf,
  imageUrlOf,
  reportSearchWarnings,
  requireScopes,
  toMediaImageSource,
  toProductSource,
  toVariantSource,
  type MediaImageSource,
  type ProductSource,
  type RequestContext,
  type TypeResolvers,
  type VariantSource,
} from "./request-context";
import { compileSearchQuery, type SearchField } from "./search-query";
import { allocateGid, findMetafield, type FakeJob } from "./shop-state";

interface SearchArgs extends ConnectionArgs {
  query?: string | null;
  sortKey?: string | null;
}

interface MetafieldArgs {
  namespace?: string | null;
  key: string;
}

const READ_PRODUCTS = ["read_products"];
const WRITE_PRODUCTS = ["write_products"];

const totalInventoryOf = (product: FakeProduct): number => product.variants.reduce((sum, v) => sum + v.inventoryQuantity, 0);
const publishedAtOf = (product: FakeProduct): string | null => (product.status === "ACTIVE" ? product.createdAt : null);

type SortValues<R> = Readonly<Record<string, (record: R) => string | number>>;

function sortKeyBy<R>(values: SortValues<R>, sortKey: string, idOf: (record: R) => string): (record: R) => SortKey {
  const valueOf = values[sortKey];
  if (!valueOf) throw new GraphQLError(`fake-shopify does not implement sortKey ${sortKey} here`);
  return (record) => ({ value: valueOf(record), id: numericIdOf(idOf(record)) });
}

const PRODUCT_SORT_VALUES: SortValues<FakeProduct> = {
  ID: (p) => numericIdOf(p.id),
  RELEVANCE: (p) => numericIdOf(p.id),
  TITLE: (p) => p.title.toLowerCase(),
  CREATED_AT: (p) => p.createdAt,
  UPDATED_AT: (p) => p.updatedAt,
  PUBLISHED_AT: (p) => publishedAtOf(p) ?? "",
  VENDOR: (p) => p.vendor.toLowerCase(),
  PRODUCT_TYPE: (p) => p.productType.toLowerCase(),
  INVENTORY_TOTAL: totalInventoryOf,
};

interface VariantRecord {
  variant: FakeVariant;
  product: FakeProduct;
}

interface MediaRecord {
  image: FakeImage;
  position: number;
}

const VARIANT_SORT_VALUES: SortValues<VariantRecord> = {
  ID: ({ variant }) => numericIdOf(variant.id),
  RELEVANCE: ({ variant }) => numericIdOf(variant.id),
  POSITION: ({ variant, product }) => product.variants.indexOf(variant),
  SKU: ({ variant }) => variant.sku ?? "",
  TITLE: ({ variant }) => variant.title.toLowerCase(),
  NAME: ({ variant }) => variant.title.toLowerCase(),
  FULL_TITLE: ({ variant, product }) => `${product.title} - ${variant.title}`.toLowerCase(),
  INVENTORY_QUANTITY: ({ variant }) => variant.inventoryQuantity,
};

const MEDIA_SORT_VALUES: SortValues<MediaRecord> = {
  POSITION: ({ position }) => position,
  ID: ({ image }) => numericIdOf(image.id),
};

const PRODUCT_SEARCH_FIELDS: Readonly<Record<string, SearchField<FakeProduct>>> = {
  title: { kind: "text", read: (p) => p.title },
  handle: { kind: "exact", read: (p) => p.handle },
  status: { kind: "exact", read: (p) => p.status },
  vendor: { kind: "exact", read: (p) => p.vendor },
  product_type: { kind: "exact", read: (p) => p.productType },
  tag: { kind: "exact", read: (p) => p.tags },
  sku: { kind: "exact", read: (p) => p.variants.flatMap((v) => (v.sku ? [v.sku] : [])) },
  id: { kind: "number", read: (p) => numericIdOf(p.id) },
  inventory_total: { kind: "number", read: totalInventoryOf },
};

const VARIANT_SEARCH_FIELDS: Readonly<Record<string, SearchField<VariantRecord>>> = {
  title: { kind: "text", read: ({ variant }) => variant.title },
  sku: { kind: "exact", read: ({ variant }) => variant.sku },
  id: { kind: "number", read: ({ variant }) => numericIdOf(variant.id) },
  product_id: { kind: "number", read: ({ product }) => numericIdOf(product.id) },
  inventory_quantity: { kind: "number", read: ({ variant }) => variant.inventoryQuantity },
};

const MEDIA_SEARCH_FIELDS: Readonly<Record<string, SearchField<MediaRecord>>> = {
  media_type: { kind: "exact", read: () => "IMAGE" },
  id: { kind: "number", read: ({ image }) => numericIdOf(image.id) },
};

function searchRecords<R>(
  context: RequestContext,
  info: GraphQLResolveInfo,
  records: readonly R[],
  query: string | null | undefined,
  fields: Readonly<Record<string, SearchField<R>>>,
  defaultFields: readonly string[],
): R[] {
  const search = compileSearchQuery(query, fields, defaultFields);
  if (query) reportSearchWarnings(context, info, query, search.warnings);
  return records.filter((record) => search.matches(record));
}

function mediaOfVariant({ variant, product }: VariantRecord): FakeImage[] {
  const image = product.media.find((m) => m.id === variant.mediaId);
  return image ? [image] : [];
}

function toImage(context: RequestContext, image: FakeImage) {
  return { id: image.imageId, url: imageUrlOf(context, image), altText: image.alt, width: image.width, height: image.height };
}

function findCatalogNode(context: RequestContext, id: string, typename: string) {
  assertGlobalId(id);
  const node = context.findNode(id);
  return node?.__typename === typename ? node : null;
}

const queryRootResolvers: TypeResolvers = {
  products: (_root: unknown, args: SearchArgs, context: RequestContext, info: GraphQLResolveInfo) => {
    requireScopes(context, info, READ_PRODUCTS);
    const matches = searchRecords(context, info, context.shop.products, args.query, PRODUCT_SEARCH_FIELDS, ["title"]);
    return paginate(matches, args, sortKeyBy(PRODUCT_SORT_VALUES, args.sortKey ?? "ID", (p) => p.id), toProductSource);
  },
  product: (_root: unknown, args: { id: string }, context: RequestContext, info: GraphQLResolveInfo) => {
    requireScopes(context, info, READ_PRODUCTS);
    return findCatalogNode(context, args.id, "Product");
  },
  productVariant: (_root: unknown, args: { id: string }, context: RequestContext, info: GraphQLResolveInfo) => {
    requireScopes(context, info, READ_PRODUCTS);
    return findCatalogNode(context, args.id, "ProductVariant");
  },
  productVariants: (_root: unknown, args: SearchArgs, context: RequestContext, info: GraphQLResolveInfo) => {
    requireScopes(context, info, READ_PRODUCTS);
    const all = context.shop.products.flatMap((product) => product.variants.map((variant) => ({ variant, product })));
    const matches = searchRecords(context, info, all, args.query, VARIANT_SEARCH_FIELDS, ["title", "sku"]);
    const sortKey = sortKeyBy(VARIANT_SORT_VALUES, args.sortKey ?? "ID", (r) => r.variant.id);
    return paginate(matches, args, sortKey, (r) => toVariantSource(r.variant, r.product));
  },
  productVariantsCount: (_root: unknown, args: { limit?: number | null; query?: string | null }, context: RequestContext, info: GraphQLResolveInfo) => {
    requireScopes(context, info, READ_PRODUCTS);
    const all = context.shop.products.flatMap((product) => product.variants.map((variant) => ({ variant, product })));
    const count = searchRecords(context, info, all, args.query, VARIANT_SEARCH_FIELDS, ["title", "sku"]).length;
    // Shopify counts up to `limit` (default 10,000; null: no limit) and says AT_LEAST past it.
    const limit = args.limit === undefined ? 10_000 : args.limit;
    return limit !== null && count > limit ? { count: limit, precision: "AT_LEAST" } : countOf(count);
  },
  node: (_root: unknown, args: { id: string }, context: RequestContext, info: GraphQLResolveInfo) => {
    requireScopes(context, info, READ_PRODUCTS);
    assertGlobalId(args.id);
    return context.findNode(args.id) ?? null;
  },
  nodes: (_root: unknown, args: { ids: string[] }, context: RequestContext, info: GraphQLResolveInfo) => {
    requireScopes(context, info, READ_PRODUCTS);
    if (args.ids.length > MAX_PAGE_SIZE) throw new GraphQLError(`The maximum number of records to return is ${MAX_PAGE_SIZE}.`);
    args.ids.forEach(assertGlobalId);
    return args.ids.map((id) => context.findNode(id) ?? null);
  },
};

const productResolvers: TypeResolvers<ProductSource> = {
  id: ({ product }) => product.id,
  legacyResourceId: ({ product }) => String(numericIdOf(product.id)),
  title: ({ product }) => product.title,
  handle: ({ product }) => product.handle,
  status: ({ product }) => product.status,
  vendor: ({ product }) => product.vendor,
  productType: ({ product }) => product.productType,
  tags: ({ product }) => product.tags,
  createdAt: ({ product }) => product.createdAt,
  updatedAt: ({ product }) => product.updatedAt,
  publishedAt: ({ product }) => publishedAtOf(product),
  onlineStoreUrl: ({ product }, _args: unknown, context: RequestContext) =>
    product.status === "ACTIVE" ? `https://${context.shop.primaryDomainHost}/products/${product.handle}` : null,
  totalInventory: ({ product }) => totalInventoryOf(product),
  hasOnlyDefaultVariant: ({ product }) => product.variants.length === 1 && product.variants[0].title === "Default Title",
  featuredMedia: ({ product }) => (product.media[0] ? toMediaImageSource(product.media[0], product) : null),
  media: ({ product }, args: SearchArgs, context: RequestContext, info: GraphQLResolveInfo) => {
    const records = product.media.map((image, position) => ({ image, position }));
    const matches = searchRecords(context, info, records, args.query, MEDIA_SEARCH_FIELDS, []);
    const sortKey = sortKeyBy(MEDIA_SORT_VALUES, args.sortKey ?? "POSITION", (r) => r.image.id);
    return paginate(matches, args, sortKey, (r) => toMediaImageSource(r.image, product));
  },
  mediaCount: ({ product }) => countOf(product.media.length),
  variants: ({ product }, args: SearchArgs) => {
    const sortKey = sortKeyBy(VARIANT_SORT_VALUES, args.sortKey ?? "POSITION", (r) => r.variant.id);
    const records = product.variants.map((variant) => ({ variant, product }));
    return paginate(records, args, sortKey, (r) => toVariantSource(r.variant, r.product));
  },
  variantsCount: ({ product }) => countOf(product.variants.length),
  metafield: ({ product }, args: MetafieldArgs, context: RequestContext) => findMetafield(context.shop, product.id, args.namespace, args.key),
};

const productVariantResolvers: TypeResolvers<VariantSource> = {
  id: ({ variant }) => variant.id,
  legacyResourceId: ({ variant }) => String(numericIdOf(variant.id)),
  title: ({ variant }) => variant.title,
  displayName: ({ variant, product }) => `${product.title} - ${variant.title}`,
  sku: ({ variant }) => variant.sku,
  price: ({ variant }) => variant.price,
  compareAtPrice: ({ variant }) => variant.compareAtPrice,
  position: ({ variant, product }) => product.variants.indexOf(variant) + 1,
  inventoryQuantity: ({ variant }) => variant.inventoryQuantity,
  availableForSale: ({ variant, product }) => product.status === "ACTIVE" && variant.inventoryQuantity > 0,
  selectedOptions: ({ variant }) => variant.selectedOptions,
  createdAt: ({ product }) => product.createdAt,
  updatedAt: ({ product }) => product.updatedAt,
  product: ({ product }) => toProductSource(product),
  media: (source, args: ConnectionArgs) =>
    paginate(mediaOfVariant(source), args, (image) => ({ value: 0, id: numericIdOf(image.id) }), (image) => toMediaImageSource(image, source.product)),
  image: (source, _args: unknown, context: RequestContext) => {
    const [image] = mediaOfVariant(source);
    return image ? toImage(context, image) : null;
  },
  metafield: ({ variant }, args: MetafieldArgs, context: RequestContext) => findMetafield(context.shop, variant.id, args.namespace, args.key),
};

const mediaImageResolvers: TypeResolvers<MediaImageSource> = {
  id: ({ image }) => image.id,
  alt: ({ image }) => image.alt,
  mediaContentType: () => "IMAGE",
  status: () => "READY",
  fileStatus: () => "READY",
  mimeType: () => "image/png",
  mediaErrors: () => [],
  mediaWarnings: () => [],
  createdAt: ({ product }) => product.createdAt,
  updatedAt: ({ product }) => product.updatedAt,
  image: ({ image }, _args: unknown, context: RequestContext) => toImage(context, image),
  preview: ({ image }, _args: unknown, context: RequestContext) => ({ image: toImage(context, image), status: "READY" }),
};

interface MoveInput {
  id: string;
  /** UnsignedInt64: Shopify takes a string of digits (a JSON number is coerced too). */
  newPosition: string | number;
}

interface MediaUserError {
  field: string[];
  message: string;
  code: string;
}

const reorderRefused = (error: MediaUserError) => ({ job: null, mediaUserErrors: [error], userErrors: [{ field: error.field, message: error.message }] });

function parsePosition(value: string | number, index: number): number {
  const text = String(value);
  if (!/^\d{1,20}$/.test(text)) throw new GraphQLError(`Variable $moves at index ${index}: newPosition '${text}' is not an UnsignedInt64.`, { extensions: { code: "INVALID_VARIABLE" } });
  return Number(text);
}

/** MoveInput semantics: moves apply in order; a position past the end means the end. */
export function applyMoves<T extends { id: string }>(items: readonly T[], moves: readonly { id: string; newPosition: number }[]): T[] {
  const ordered = [...items];
  for (const move of moves) {
    const from = ordered.findIndex((item) => item.id === move.id);
    if (from < 0) continue;
    const [item] = ordered.splice(from, 1);
    ordered.splice(Math.min(move.newPosition, ordered.length), 0, item);
  }
  return ordered;
}

const mutationResolvers: TypeResolvers = {
  productReorderMedia: (_root: unknown, args: { id: string; moves: MoveInput[] }, context: RequestContext, info: GraphQLResolveInfo) => {
    requireScopes(context, info, WRITE_PRODUCTS);
    assertGlobalId(args.id);
    const moves = args.moves.map((move, index) => ({ id: move.id, newPosition: parsePosition(move.newPosition, index) }));
    const node = context.findNode(args.id);
    if (node?.__typename !== "Product") return reorderRefused({ field: ["id"], message: "Product does not exist", code: "PRODUCT_DOES_NOT_EXIST" });
    const { product } = node;
    if (moves.length === 0) return reorderRefused({ field: ["moves"], message: "Moves can't be blank", code: "BLANK" });
    for (const [index, move] of moves.entries()) {
      if (product.media.some((image) => image.id === move.id)) continue;
      const elsewhere = context.findNode(move.id)?.__typename === "MediaImage";
      return reorderRefused(
        elsewhere
          ? { field: ["moves", String(index), "id"], message: `Media id ${move.id} does not exist on the product`, code: "MEDIA_DOES_NOT_EXIST_ON_PRODUCT" }
          : { field: ["moves", String(index), "id"], message: `Media id ${move.id} does not exist`, code: "MEDIA_DOES_NOT_EXIST" },
      );
    }
    const { shop } = context;
    if (shop.jobs.some((job) => !job.done && job.productId === product.id)) {
      return reorderRefused({ field: ["id"], message: "Media cannot be modified. It is currently being modified by another operation.", code: "MEDIA_CANNOT_BE_MODIFIED" });
    }
    // The order changes when the job runs, not now: a client reading the media before `done` sees the old order.
    const job: FakeJob = {
      id: allocateGid(shop, "Job"),
      productId: product.id,
      runsAt: Date.now() + shop.jobDurationMs,
      done: false,
      run: () => {
        product.media = applyMoves(product.media, moves);
        product.updatedAt = new Date().toISOString();
      },
    };
    shop.jobs.push(job);
    return { job, mediaUserErrors: [], userErrors: [] };
  },
};

const jobResolvers: TypeResolvers<FakeJob> = {
  id: (job) => job.id,
  done: (job) => job.done,
  query: (job) => (job.done ? {} : null),
};

export const catalogResolvers = {
  QueryRoot: {
    ...queryRootResolvers,
    job: (_root: unknown, args: { id: string }, context: RequestContext) => {
      assertGlobalId(args.id);
      return context.shop.jobs.find((job) => job.id === args.id) ?? null;
    },
  } satisfies TypeResolvers,
  Mutation: mutationResolvers,
  Job: jobResolvers,
  Product: productResolvers,
  ProductVariant: productVariantResolvers,
  MediaImage: mediaImageResolvers,
};
