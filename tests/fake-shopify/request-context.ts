// What every resolver of one GraphQL request sees: the shop, the fake's origin (for image urls) and a
// lookup of catalog records by gid, built lazily per request so a test may edit a shop's products
// between requests without the fake serving a stale index.
import { GraphQLError, responsePathAsArray, type GraphQLResolveInfo } from "graphql";
import type { FakeImage, FakeProduct, FakeVariant } from "./catalog";
import type { SearchWarning } from "./search-query";
import { hasScope, type ShopState } from "./shop-state";

// Resolvers return these wrappers rather than the bare seed records: a variant needs its product
// (displayName, product), and `__typename` is how graphql-js resolves the Node and Media interfaces.
export interface ProductSource {
  readonly __typename: "Product";
  readonly product: FakeProduct;
}

export interface VariantSource {
  readonly __typename: "ProductVariant";
  readonly variant: FakeVariant;
  readonly product: FakeProduct;
}

export interface MediaImageSource {
  readonly __typename: "MediaImage";
  readonly image: FakeImage;
  readonly product: FakeProduct;
}

export type CatalogNode = ProductSource | VariantSource | MediaImageSource;

/** Shopify reports ignored search terms in `extensions.search`. */
export interface SearchReport {
  path: (string | number)[];
  query: string;
  warnings: SearchWarning[];
}

export interface RequestContext {
  readonly shop: ShopState;
  readonly origin: string;
  readonly searchReports: SearchReport[];
  findNode(id: string): CatalogNode | undefined;
}

export const toProductSource = (product: FakeProduct): ProductSource => ({ __typename: "Product", product });
export const toVariantSource = (variant: FakeVariant, product: FakeProduct): VariantSource => ({ __typename: "ProductVariant", variant, product });
export const toMediaImageSource = (image: FakeImage, product: FakeProduct): MediaImageSource => ({ __typename: "MediaImage", image, product });

export function createRequestContext(shop: ShopState, origin: string): RequestContext {
  let index: Map<string, CatalogNode> | undefined;
  const buildIndex = (): Map<string, CatalogNode> => {
    const nodes = new Map<string, CatalogNode>();
    for (const product of shop.products) {
      nodes.set(product.id, toProductSource(product));
      for (const variant of product.variants) nodes.set(variant.id, toVariantSource(variant, product));
      for (const image of product.media) nodes.set(image.id, toMediaImageSource(image, product));
    }
    return nodes;
  };
  return {
    shop,
    origin,
    searchReports: [],
    findNode(id) {
      index ??= buildIndex();
      return index.get(id);
    },
  };
}

export function imageUrlOf(context: RequestContext, image: FakeImage): string {
  return `${context.origin}/cdn/${context.shop.domain}/files/${encodeURIComponent(image.fileName)}.png?v=1`;
}

/** Shopify's ACCESS_DENIED error; it names every scope the field needs, not only the missing ones. */
export function requireScopes(context: RequestContext, info: GraphQLResolveInfo, scopes: readonly string[]): void {
  if (scopes.every((scope) => hasScope(context.shop, scope))) return;
  const requiredAccess = `${scopes.map((scope) => `\`${scope}\` access scope`).join(". Also: ")}.`;
  throw new GraphQLError(`Access denied for ${info.fieldName} field. Required access: ${requiredAccess}`, {
    extensions: { code: "ACCESS_DENIED", documentation: "https://shopify.dev/api/usage/access-scopes", requiredAccess },
  });
}

export function reportSearchWarnings(context: RequestContext, info: GraphQLResolveInfo, query: string, warnings: SearchWarning[]): void {
  if (warnings.length > 0) context.searchReports.push({ path: responsePathAsArray(info.path), query, warnings });
}

/** Shopify refuses ids that are not `gid://shopify/Type/N` before looking anything up. */
export function assertGlobalId(id: string): void {
  if (!/^gid:\/\/shopify\/\w+\/\d+$/.test(id)) throw new GraphQLError(`Invalid global id '${id}'`);
}

/** Resolver signature; `args: never` lets each resolver declare its own (schema-validated) args type. */
export type FieldResolver<Source> = (source: Source, args: never, context: RequestContext, info: GraphQLResolveInfo) => unknown;
export type TypeResolvers<Source = never> = Readonly<Record<string, FieldResolver<Source>>>;

export const countOf = (count: number) => ({ count, precision: "EXACT" });
