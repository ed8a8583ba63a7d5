// The shop itself and what the app writes to it: its web pixel and its metafields.
import { createHash } from "node:crypto";
import { GraphQLError, type GraphQLResolveInfo } from "graphql";
import { requireScopes, type RequestContext, type TypeResolvers } from "./request-context";
import { allocateGid, findMetafield, resolveNamespace, type ShopState, type StoredMetafield } from "./shop-state";

interface UserError {
  field: string[];
  message: string;
  code: string;
}

interface MetafieldArgs {
  namespace?: string | null;
  key: string;
}

interface MetafieldsSetInput {
  ownerId: string;
  namespace?: string | null;
  key: string;
  type?: string | null;
  value: string;
  compareDigest?: string | null;
}

const PIXEL_WRITE_SCOPES = ["write_pixels", "read_customer_events"];
const MAX_METAFIELDS_PER_SET = 25;
// shopify.dev "Metafield limits": json 128 KB, id and url 2 KB, every other type 64 KB.
const METAFIELD_SIZE_LIMITS: Readonly<Record<string, number>> = { json: 128 * 1024, id: 2048, url: 2048 };
const DEFAULT_METAFIELD_SIZE_LIMIT = 64 * 1024;

const digestOf = (value: string): string => createHash("sha256").update(value).digest("hex");

function noPixelError(): GraphQLError {
  return new GraphQLError("No web pixel was found for this app.");
}

type ParsedSettings = { settings: Record<string, unknown>; error?: undefined } | { settings?: undefined; error: UserError };

// The JSON scalar arrives as an object (variables) or as a JSON string (how Shopify's docs send it).
function parsePixelSettings(shop: ShopState, raw: unknown): ParsedSettings {
  const field = ["webPixel", "settings"];
  let settings: unknown = raw;
  if (typeof raw === "string") {
    try {
      settings = JSON.parse(raw);
    } catch {
      return { error: { field, message: "The provided settings is not a valid JSON.", code: "INVALID_CONFIGURATION_JSON" } };
    }
  }
  const invalid = (message: string): ParsedSettings => ({ error: { field, message, code: "INVALID_SETTINGS" } });
  if (settings === null || typeof settings !== "object" || Array.isArray(settings)) return invalid("Settings must be a JSON object.");
  const entries = Object.entries(settings);
  const definition = shop.pixelSettingsFields;
  if (!definition) return { settings: Object.fromEntries(entries) };
  for (const [name, value] of entries) {
    const type = definition[name];
    if (!type) return invalid(`Setting '${name}' is not defined by the web pixel extension.`);
    if (typeof value !== "string") return invalid(`Setting '${name}' must be a string.`);
    if (type === "single_line_text_field" && /[\r\n]/.test(value)) return invalid(`Setting '${name}' must be a single line.`);
  }
  const missing = Object.keys(definition).filter((name) => !(name in settings));
  if (missing.length > 0) return invalid(`Missing settings: ${missing.join(", ")}.`);
  return { settings: Object.fromEntries(entries) };
}

function ownerExists(context: RequestContext, ownerId: string): boolean {
  const { shop } = context;
  return ownerId === shop.appInstallationId || ownerId === shop.shopId || context.findNode(ownerId) !== undefined;
}

function validateMetafield(context: RequestContext, input: MetafieldsSetInput, index: number): UserError | null {
  const field = (name: string) => ["metafields", String(index), name];
  const existing = findMetafield(context.shop, input.ownerId, input.namespace, input.key);
  if (!ownerExists(context, input.ownerId)) return { field: field("ownerId"), message: "Owner does not exist.", code: "INVALID" };
  const type = input.type ?? existing?.type;
  if (!type) return { field: field("type"), message: "Type can't be blank.", code: "BLANK" };
  const limit = METAFIELD_SIZE_LIMITS[type] ?? DEFAULT_METAFIELD_SIZE_LIMIT;
  const size = Buffer.byteLength(input.value, "utf8");
  if (size > limit) return { field: field("value"), message: `Value is too long: ${size} bytes, the limit for ${type} is ${limit}.`, code: "TOO_LONG" };
  if (type === "json") {
    try {
      JSON.parse(input.value);
    } catch {
      return { field: field("value"), message: "Value is invalid JSON.", code: "INVALID_VALUE" };
    }
  }
  // compareDigest: absent = no guarantee; null = "must not exist yet"; a string = "must still be this value".
  if (input.compareDigest !== undefined && (existing?.compareDigest ?? null) !== input.compareDigest) {
    return { field: field("compareDigest"), message: "The resource has been updated since it was loaded.", code: "STALE_OBJECT" };
  }
  return null;
}

function storeMetafield(shop: ShopState, input: MetafieldsSetInput): StoredMetafield {
  const now = new Date().toISOString();
  const existing = findMetafield(shop, input.ownerId, input.namespace, input.key);
  const type = input.type ?? existing?.type ?? "";
  const values = {
    type,
    value: input.value,
    jsonValue: type === "json" ? (JSON.parse(input.value) as unknown) : input.value,
    compareDigest: digestOf(input.value),
    updatedAt: now,
  };
  if (existing) return Object.assign(existing, values);
  const created: StoredMetafield = {
    id: allocateGid(shop, "Metafield"),
    ownerId: input.ownerId,
    namespace: resolveNamespace(input.namespace),
    key: input.key,
    createdAt: now,
    ...values,
  };
  shop.metafields.push(created);
  return created;
}

const queryRootResolvers: TypeResolvers = {
  shop: (_root: unknown, _args: unknown, context: RequestContext) => context.shop,
  currentAppInstallation: (_root: unknown, _args: unknown, context: RequestContext) => context.shop,
  webPixel: (_root: unknown, args: { id?: string | null }, context: RequestContext, info: GraphQLResolveInfo) => {
    requireScopes(context, info, ["read_pixels"]);
    const { pixel } = context.shop;
    if (!pixel || (args.id != null && args.id !== pixel.id)) throw noPixelError();
    return pixel;
  },
};

const mutationResolvers: TypeResolvers = {
  webPixelCreate: (_root: unknown, args: { webPixel: { settings: unknown } }, context: RequestContext, info: GraphQLResolveInfo) => {
    requireScopes(context, info, PIXEL_WRITE_SCOPES);
    const { shop } = context;
    if (shop.pixel) return { webPixel: null, userErrors: [{ field: ["webPixel"], message: "Web pixel is taken.", code: "TAKEN" }] };
    const parsed = parsePixelSettings(shop, args.webPixel.settings);
    if (parsed.error) return { webPixel: null, userErrors: [parsed.error] };
    shop.pixel = { id: allocateGid(shop, "WebPixel"), settings: JSON.stringify(parsed.settings) };
    return { webPixel: shop.pixel, userErrors: [] };
  },
  webPixelUpdate: (
    _root: unknown,
    args: { id: string; webPixel: { settings: unknown } },
    context: RequestContext,
    info: GraphQLResolveInfo,
  ) => {
    requireScopes(context, info, PIXEL_WRITE_SCOPES);
    const { shop } = context;
    if (!shop.pixel || shop.pixel.id !== args.id) {
      return { webPixel: null, userErrors: [{ field: ["id"], message: "Web pixel not found.", code: "NOT_FOUND" }] };
    }
    const parsed = parsePixelSettings(shop, args.webPixel.settings);
    if (parsed.error) return { webPixel: null, userErrors: [parsed.error] };
    shop.pixel.settings = JSON.stringify(parsed.settings);
    return { webPixel: shop.pixel, userErrors: [] };
  },
  metafieldsSet: (_root: unknown, args: { metafields: MetafieldsSetInput[] }, context: RequestContext) => {
    const { metafields } = args;
    if (metafields.length > MAX_METAFIELDS_PER_SET) {
      throw new GraphQLError(`The input array size of ${metafields.length} is greater than the maximum allowed of ${MAX_METAFIELDS_PER_SET}.`, {
        extensions: { code: "MAX_INPUT_SIZE_EXCEEDED" },
      });
    }
    // Atomic like Shopify: one invalid metafield and none is written.
    const userErrors = metafields.flatMap((input, index) => validateMetafield(context, input, index) ?? []);
    if (userErrors.length > 0) return { metafields: [], userErrors: userErrors.map((error) => ({ ...error, elementIndex: null })) };
    return { metafields: metafields.map((input) => storeMetafield(context.shop, input)), userErrors: [] };
  },
};

const shopResolvers: TypeResolvers<ShopState> = {
  id: (shop) => shop.shopId,
  name: (shop) => shop.name,
  email: (shop) => shop.email,
  contactEmail: (shop) => shop.email,
  myshopifyDomain: (shop) => shop.domain,
  url: (shop) => `https://${shop.primaryDomainHost}`,
  primaryDomain: (shop) => ({
    id: shop.shopId.replace("/Shop/", "/Domain/"),
    host: shop.primaryDomainHost,
    url: `https://${shop.primaryDomainHost}`,
    sslEnabled: true,
  }),
  ianaTimezone: (shop) => shop.ianaTimezone,
  currencyCode: (shop) => shop.currencyCode,
  metafield: (shop, args: MetafieldArgs) => findMetafield(shop, shop.shopId, args.namespace, args.key),
};

// currentAppInstallation resolves to the ShopState too: the installation is the app's view of it.
const appInstallationResolvers: TypeResolvers<ShopState> = {
  id: (shop) => shop.appInstallationId,
  accessScopes: (shop) => shop.grantedScopes.map((handle) => ({ handle, description: handle.replace(/_/g, " ") })),
  metafield: (shop, args: MetafieldArgs) => findMetafield(shop, shop.appInstallationId, args.namespace, args.key),
};

export const appDataResolvers = {
  QueryRoot: queryRootResolvers,
  Mutation: mutationResolvers,
  Shop: shopResolvers,
  AppInstallation: appInstallationResolvers,
};
