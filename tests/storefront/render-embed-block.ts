// Renders the theme app embed's block as Shopify would, with liquidjs and a context standing in for
// Shopify's globals. liquidjs has filters Shopify lacks and lacks Shopify's own: the engine keeps
// only filters both have, plus minimal stand-ins for the Shopify ones the block uses, so a filter
// that would fail on a real storefront fails here too.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Liquid, type TagToken, type TopLevelToken } from "liquidjs";

export const EMBED_EXTENSION_DIR = fileURLToPath(new URL("../../extensions/ab-test-embed/", import.meta.url));
export const EMBED_BLOCK_PATH = `${EMBED_EXTENSION_DIR}blocks/ab-test-embed.liquid`;

/** Standard Liquid filters Shopify's storefront renderer also has (shopify.dev/docs/api/liquid/filters). */
const SHOPIFY_STANDARD_FILTERS = new Set([
  "abs", "append", "at_least", "at_most", "base64_decode", "base64_encode", "capitalize", "ceil", "compact", "concat",
  "date", "default", "divided_by", "downcase", "escape", "escape_once", "first", "floor", "hmac_sha256", "join", "last",
  "lstrip", "map", "minus", "modulo", "newline_to_br", "plus", "prepend", "remove", "remove_first", "remove_last",
  "replace", "replace_first", "replace_last", "reverse", "round", "rstrip", "sha256", "size", "slice", "sort",
  "sort_natural", "split", "strip", "strip_html", "strip_newlines", "sum", "times", "truncate", "truncatewords", "uniq",
  "upcase", "url_decode", "url_encode", "where",
]);

export interface EmbedBlockSettings {
  product_root_selector: string;
  gallery_selector: string;
  modal_content_selector: string;
  reveal_timeout_ms: number;
}

interface SchemaSetting {
  type: string;
  id?: string;
  default?: unknown;
  label?: string;
  info?: string;
  content?: string;
}

export interface EmbedBlockSchema {
  name: string;
  target: string;
  enabled_on?: { templates?: string[] };
  settings: SchemaSetting[];
}

/** What the block reads from Shopify's globals. */
export interface EmbedRenderContext {
  /** The `product` object; absent on pages that are not product pages. */
  product?: { id: number; handle: string; title: string } | null;
  /** `app.metafields.ab_image_tests.config.value`; undefined when the metafield does not exist. */
  configValue?: unknown;
  shop?: { permanent_domain: string };
  settings?: Partial<EmbedBlockSettings>;
}

export function readEmbedBlockSchema(): EmbedBlockSchema {
  const source = readFileSync(EMBED_BLOCK_PATH, "utf8");
  const match = /{%-?\s*schema\s*-?%}([\s\S]*?){%-?\s*endschema\s*-?%}/.exec(source);
  if (!match) throw new Error(`${EMBED_BLOCK_PATH} has no {% schema %}`);
  return JSON.parse(match[1]) as EmbedBlockSchema;
}

/** The settings as a merchant gets them on enabling the embed: the schema's defaults. */
export function readDefaultEmbedSettings(): EmbedBlockSettings {
  const settings: Record<string, unknown> = {};
  for (const setting of readEmbedBlockSchema().settings) if (setting.id) settings[setting.id] = setting.default;
  return settings as unknown as EmbedBlockSettings;
}

function createShopifyLikeEngine(): Liquid {
  const engine = new Liquid({ root: [`${EMBED_EXTENSION_DIR}snippets`], extname: ".liquid", strictFilters: true, cache: false });
  for (const name of Object.keys(engine.filters)) if (!SHOPIFY_STANDARD_FILTERS.has(name)) delete engine.filters[name];
  // Shopify's `json` serialises a value as JSON. Whether it also escapes `<` is not documented, so
  // this stand-in does not: the block must not depend on it.
  engine.registerFilter("json", (value: unknown) => JSON.stringify(value ?? null));
  // Shopify reads {% schema %} at upload and renders nothing in its place.
  engine.registerTag("schema", {
    parse(_token: TagToken, remainingTokens: TopLevelToken[]) {
      while (remainingTokens.length) if ((remainingTokens.shift() as TagToken).name === "endschema") return;
      throw new Error("{% schema %} without {% endschema %}");
    },
    render: () => "",
  });
  return engine;
}

export async function renderEmbedBlock(context: EmbedRenderContext): Promise<string> {
  const metafields = context.configValue === undefined ? {} : { ab_image_tests: { config: { type: "json", value: context.configValue } } };
  return createShopifyLikeEngine().parseAndRender(readFileSync(EMBED_BLOCK_PATH, "utf8"), {
    product: context.product ?? null,
    shop: context.shop ?? { permanent_domain: "demo.myshopify.com" },
    app: { metafields },
    block: { id: "ab-test-embed", type: "app", settings: { ...readDefaultEmbedSettings(), ...context.settings } },
    request: { page_type: context.product ? "product" : "index", design_mode: false },
  });
}
