// Every GraphQL operation the app sends to the Admin API lives in this file, so one test can validate
// all of them against the pinned schema (tests/shopify/admin-operations.test.ts).
// Field facts from the 2026-10 schema: ProductVariant.price is a Money string; Media has no url
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

export const ADMIN_OPERATIONS = [SHOP_INFO] as const;
