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

export const ADMIN_OPERATIONS = [SHOP_INFO, CURRENT_APP_INSTALLATION, METAFIELDS_SET, WEB_PIXEL, WEB_PIXEL_CREATE, WEB_PIXEL_UPDATE] as const;
