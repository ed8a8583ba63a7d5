// Every GraphQL operation the app sends to the Admin API lives in this file, so one test can validate
// all of them against the pinned schema (tests/shopify/admin-operations.test.ts).
// Field facts from the pinned schema (ADMIN_API_VERSION, admin-api-version.ts): ProductVariant.price is a Money string; Media has no url
// (MediaImage.image.url); webPixel settings travel as a JSON string.

export interface AdminOperation<TData, TVariables = Record<string, never>> {
  name: string;
  source: string;
  /** Type carrier only; never set. */
  readonly __types?: { data: TData; variables: TVariables };
}

function defineOperation<TData, TVariables = Record<string, never>>(source: string): AdminOperation<TData, TVariables> {
  const name = /\b(?:query|mutation)\s+(\w+)/.exec(source)?.[1];
  if (!name) throw new Error("Admin operations must be named");
  return { name, source };
}

export interface ShopInfo {
  id: string;
  name: string;
  myshopifyDomain: string;
  primaryDomain: { host: string; url: string };
  ianaTimezone: string;
  currencyCode: string;
}

export const SHOP_INFO = defineOperation<{ shop: ShopInfo }>(`#graphql
  query ShopInfo {
    shop {
      id
      name
      myshopifyDomain
      primaryDomain { host url }
      ianaTimezone
      currencyCode
    }
  }
`);

export const CURRENT_APP_INSTALLATION = defineOperation<{ currentAppInstallation: { id: string } }>(`#graphql
  query CurrentAppInstallation {
    currentAppInstallation { id }
  }
`);

export interface MetafieldsSetInput {
  ownerId: string;
  namespace: string;
  key: string;
  type: string;
  value: string;
}

export interface UserError {
  field: string[] | null;
  message: string;
  code: string | null;
}

export const METAFIELDS_SET = defineOperation<
  { metafieldsSet: { metafields: { id: string; key: string; namespace: string }[]; userErrors: UserError[] } },
  { metafields: MetafieldsSetInput[] }
>(`#graphql
  mutation MetafieldsSet($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      metafields { id key namespace }
      userErrors { field message code }
    }
  }
`);

export interface WebPixel {
  id: string;
  /** A JSON string, as the Admin API returns it. */
  settings: string;
}

/** Answers `webPixel: null` plus a "No web pixel was found" error when the app has none. */
export const WEB_PIXEL = defineOperation<{ webPixel: WebPixel | null }>(`#graphql
  query WebPixel {
    webPixel { id settings }
  }
`);

export const WEB_PIXEL_CREATE = defineOperation<
  { webPixelCreate: { webPixel: WebPixel | null; userErrors: UserError[] } },
  { webPixel: { settings: string } }
>(`#graphql
  mutation WebPixelCreate($webPixel: WebPixelInput!) {
    webPixelCreate(webPixel: $webPixel) {
      webPixel { id settings }
      userErrors { field message code }
    }
  }
`);

export const WEB_PIXEL_UPDATE = defineOperation<
  { webPixelUpdate: { webPixel: WebPixel | null; userErrors: UserError[] } },
  { id: string; webPixel: { settings: string } }
>(`#graphql
  mutation WebPixelUpdate($id: ID!, $webPixel: WebPixelInput!) {
    webPixelUpdate(id: $id, webPixel: $webPixel) {
      webPixel { id settings }
      userErrors { field message code }
    }
  }
`);

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface MediaNode {
  id: string;
  mediaContentType: string;
  image?: { url: string; altText: string | null; width: number | null; height: number | null } | null;
}

export interface VariantNode {
  id: string;
  title: string;
  sku: string | null;
  price: string;
  media: { nodes: { id: string }[] };
}

export interface VariantConnection {
  pageInfo: PageInfo;
  nodes: VariantNode[];
}

export interface ProductNode {
  id: string;
  title: string;
  handle: string;
  status: string;
  media: { pageInfo: PageInfo; nodes: MediaNode[] };
  variants: VariantConnection;
}

// A page carries its products' variants, so the export can process the catalog page by page.
// Sizes keep it under Shopify's 1,000-point single-query cost limit:
// 10 × (1 + (2 + 15 × 2) + (2 + 10 × (1 + 2 + 3))) + 2 = 952.
export const PRODUCTS_PAGE = defineOperation<
  { products: { pageInfo: PageInfo; nodes: ProductNode[] } },
  { after: string | null; query?: string | null }
>(`#graphql
  query ProductsPage($after: String, $query: String) {
    products(first: 10, after: $after, sortKey: ID, query: $query) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id
        title
        handle
        status
        media(first: 15) {
          pageInfo { hasNextPage endCursor }
          nodes {
            id
            mediaContentType
            ... on MediaImage { image { url altText width height } }
          }
        }
        variants(first: 10) {
          pageInfo { hasNextPage endCursor }
          nodes { id title sku price media(first: 3) { nodes { id } } }
        }
      }
    }
  }
`);

/** The rest of a product's media when it has more than PRODUCTS_PAGE fetched. */
export const PRODUCT_MEDIA_PAGE = defineOperation<
  { product: { media: { pageInfo: PageInfo; nodes: MediaNode[] } } | null },
  { id: string; after: string | null }
>(`#graphql
  query ProductMediaPage($id: ID!, $after: String) {
    product(id: $id) {
      media(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes {
          id
          mediaContentType
          ... on MediaImage { image { url altText width height } }
        }
      }
    }
  }
`);

/** The rest of a product's variants when it has more than PRODUCTS_PAGE fetched: 1 + 2 + 150 × 6 = 903 points. */
export const PRODUCT_VARIANTS_PAGE = defineOperation<{ product: { variants: VariantConnection } | null }, { id: string; after: string | null }>(`#graphql
  query ProductVariantsPage($id: ID!, $after: String) {
    product(id: $id) {
      variants(first: 150, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { id title sku price media(first: 3) { nodes { id } } }
      }
    }
  }
`);

export interface ProductSummary {
  id: string;
  title: string;
  featuredMedia: { preview: { image: { url: string } | null } | null } | null;
  mediaCount: { count: number } | null;
}

/** The create-test product picker: a searchable, light list (20 × (1 + 1 + 1 + 1 + 1) + 2 points). */
export const PRODUCT_SEARCH = defineOperation<{ products: { nodes: ProductSummary[] } }, { query: string | null }>(`#graphql
  query ProductSearch($query: String) {
    products(first: 20, query: $query, sortKey: TITLE) {
      nodes {
        id
        title
        featuredMedia { preview { image { url } } }
        mediaCount { count }
      }
    }
  }
`);

export const PRODUCT_MEDIA = defineOperation<
  { product: { id: string; title: string; media: { nodes: MediaNode[] } } | null },
  { id: string }
>(`#graphql
  query ProductMedia($id: ID!) {
    product(id: $id) {
      id
      title
      media(first: 50) {
        nodes {
          id
          mediaContentType
          ... on MediaImage { image { url altText width height } }
        }
      }
    }
  }
`);

/** Every media id of a product, in display order (Shopify allows 250 media per product: one page). */
export const PRODUCT_MEDIA_ORDER = defineOperation<
  { product: { id: string; media: { pageInfo: PageInfo; nodes: { id: string }[] } } | null },
  { id: string; after: string | null }
>(`#graphql
  query ProductMediaOrder($id: ID!, $after: String) {
    product(id: $id) {
      id
      media(first: 250, after: $after, sortKey: POSITION) {
        pageInfo { hasNextPage endCursor }
        nodes { id }
      }
    }
  }
`);

export interface MediaUserError {
  field: string[] | null;
  message: string;
  code: string | null;
}

export interface MoveInput {
  id: string;
  /** UnsignedInt64: a string of base-10 digits, applied after the moves before it. */
  newPosition: string;
}

export interface AdminJob {
  id: string;
  done: boolean;
}

// Asynchronous: Shopify answers with a job and moves the media when the job runs; poll JOB for `done`.
// `userErrors` is deprecated on this payload in favour of `mediaUserErrors`.
export const PRODUCT_REORDER_MEDIA = defineOperation<
  { productReorderMedia: { job: AdminJob | null; mediaUserErrors: MediaUserError[] } | null },
  { id: string; moves: MoveInput[] }
>(`#graphql
  mutation ProductReorderMedia($id: ID!, $moves: [MoveInput!]!) {
    productReorderMedia(id: $id, moves: $moves) {
      job { id done }
      mediaUserErrors { field message code }
    }
  }
`);

export const JOB = defineOperation<{ job: AdminJob | null }, { id: string }>(`#graphql
  query Job($id: ID!) {
    job(id: $id) { id done }
  }
`);

/** How many variants the shop has, up to `limit` (precision AT_LEAST past it): picks paged or bulk reads. */
export const PRODUCT_VARIANTS_COUNT = defineOperation<{ productVariantsCount: { count: number; precision: string } | null }, { limit: number }>(`#graphql
  query ProductVariantsCount($limit: Int) {
    productVariantsCount(limit: $limit) { count precision }
  }
`);

// The catalog as one bulk operation: the same fields as PRODUCTS_PAGE without page sizes (a bulk query
// is not cost-limited). Its JSONL result has a line per product, then (groupObjects) the product's
// media and variants as lines with `__parentId`, and a variant's media after it.
export const BULK_CATALOG = defineOperation<never>(`#graphql
  query BulkCatalog {
    products(sortKey: ID) {
      edges {
        node {
          id
          title
          handle
          status
          media {
            edges {
              node {
                id
                mediaContentType
                ... on MediaImage { image { url altText width height } }
              }
            }
          }
          variants {
            edges {
              node {
                id
                title
                sku
                price
                media(first: 3) { edges { node { id } } }
              }
            }
          }
        }
      }
    }
  }
`);

export type BulkOperationStatus = "CANCELED" | "CANCELING" | "COMPLETED" | "CREATED" | "EXPIRED" | "FAILED" | "RUNNING";

export interface BulkOperation {
  id: string;
  status: BulkOperationStatus;
  errorCode: string | null;
  objectCount: string;
  url: string | null;
  partialDataUrl: string | null;
  query: string;
}

export const BULK_OPERATION_RUN_QUERY = defineOperation<
  { bulkOperationRunQuery: { bulkOperation: BulkOperation | null; userErrors: UserError[] } | null },
  { query: string }
>(`#graphql
  mutation BulkOperationRunQuery($query: String!) {
    bulkOperationRunQuery(query: $query, groupObjects: true) {
      bulkOperation { id status errorCode objectCount url partialDataUrl query }
      userErrors { field message code }
    }
  }
`);

export const BULK_OPERATION = defineOperation<{ bulkOperation: BulkOperation | null }, { id: string }>(`#graphql
  query BulkOperation($id: ID!) {
    bulkOperation(id: $id) { id status errorCode objectCount url partialDataUrl query }
  }
`);

/** The app's latest bulk query on the shop: one may already be running (a previous attempt's). */
export const CURRENT_BULK_QUERY = defineOperation<{ currentBulkOperation: BulkOperation | null }>(`#graphql
  query CurrentBulkQuery {
    currentBulkOperation(type: QUERY) { id status errorCode objectCount url partialDataUrl query }
  }
`);

export const ADMIN_OPERATIONS = [PRODUCT_VARIANTS_COUNT, BULK_CATALOG, BULK_OPERATION_RUN_QUERY, BULK_OPERATION, CURRENT_BULK_QUERY, PRODUCT_SEARCH, PRODUCT_MEDIA, PRODUCTS_PAGE, PRODUCT_MEDIA_PAGE, PRODUCT_VARIANTS_PAGE, SHOP_INFO, CURRENT_APP_INSTALLATION, METAFIELDS_SET, WEB_PIXEL, WEB_PIXEL_CREATE, WEB_PIXEL_UPDATE, PRODUCT_MEDIA_ORDER, PRODUCT_REORDER_MEDIA, JOB] as const;
