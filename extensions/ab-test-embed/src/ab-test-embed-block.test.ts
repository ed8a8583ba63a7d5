// The block's Liquid, rendered by liquidjs with stand-ins for Shopify's globals (see
// tests/storefront/render-embed-block.ts for how the engine is kept to Shopify's filters).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { StorefrontConfig, StorefrontTest } from "../../../app/lib/storefront-contract";
import { EMBED_EXTENSION_DIR, readEmbedBlockSchema, renderEmbedBlock } from "../../../tests/storefront/render-embed-block";
import { buildEmbedSnippet } from "./build-embed-script";
import { CONFIG_ELEMENT_ID, parseEmbedConfig } from "./embed-config";

const PRODUCT = { id: 7001, handle: "linen-shirt", title: "Linen shirt" };

function testFor(product: string, id: string, alt = "Front"): StorefrontTest {
  return {
    id,
    product,
    split: 50,
    control: [{ media: "31001", url: "//shop.example/cdn/shop/files/a.jpg?v=1", alt, width: 1000, height: 1000 }],
    treatment: [{ media: "31004", url: "//shop.example/cdn/shop/files/b.jpg?v=1", alt: "Model", width: 1200, height: 900 }],
  };
}

const CONFIG: StorefrontConfig = { v: 1, tests: [testFor("700", "cm4short"), testFor("7001", "cm4mine"), testFor("70010", "cm4longer")] };

/** The text of the config element as the HTML parser sees it: script data ends at the first `</script`. */
function readConfigElement(html: string): string {
  const opening = `<script type="application/json" id="${CONFIG_ELEMENT_ID}">`;
  const start = html.indexOf(opening);
  if (start < 0) throw new Error("no config element");
  const content = html.slice(start + opening.length);
  return content.slice(0, content.search(/<\/script/i));
}

describe("the ab-test-embed block", () => {
  it.each([
    { name: "no product (not a product page)", context: { product: null, configValue: CONFIG } },
    { name: "no config metafield", context: { product: PRODUCT } },
    { name: "a config without a test for this product", context: { product: PRODUCT, configValue: { v: 1, tests: [testFor("700", "a"), testFor("70010", "b")] } } },
    { name: "a config with no tests", context: { product: PRODUCT, configValue: { v: 1, tests: [] } } },
    { name: "a config of an unknown version", context: { product: PRODUCT, configValue: { v: 2, tests: [testFor("7001", "cm4mine")] } } },
    { name: "a config that is not an object", context: { product: PRODUCT, configValue: "broken" } },
  ])("GIVEN $name WHEN rendered THEN it renders nothing", async ({ context }) => {
    expect((await renderEmbedBlock(context)).trim()).toBe("");
  });

  it("GIVEN tests for several products WHEN rendered on this product's page THEN only this product's test is on the page", async () => {
    const html = await renderEmbedBlock({ product: PRODUCT, configValue: CONFIG });

    const config = JSON.parse(readConfigElement(html));
    expect(config).toEqual({ test: testFor("7001", "cm4mine"), root: '[id^="MainProduct-"]', gallery: '[id^="MediaGallery-"]', modal: ".product-media-modal__content", timeout: 1500 });
    expect(html).not.toContain("cm4short");
    expect(html).not.toContain("cm4longer");
    expect(parseEmbedConfig(readConfigElement(html))?.test.id).toBe("cm4mine");
  });

  it("GIVEN a test whose product id is a number THEN it matches the product too", async () => {
    const html = await renderEmbedBlock({ product: PRODUCT, configValue: { v: 1, tests: [{ ...testFor("7001", "cm4numeric"), product: 7001 }] } });

    expect(JSON.parse(readConfigElement(html)).test.id).toBe("cm4numeric");
  });

  it("GIVEN a test WHEN rendered THEN a style hides only the gallery and modal while html has abt-hide, and the bundled script follows", async () => {
    const html = await renderEmbedBlock({ product: PRODUCT, configValue: CONFIG });

    expect(html).toContain(
      '<style>html.abt-hide :is([id^="MainProduct-"]) :is([id^="MediaGallery-"],.product-media-modal__content){visibility:hidden!important;opacity:0!important}</style>',
    );
    expect(html).not.toMatch(/display\s*:\s*none/);
    expect(html.indexOf(CONFIG_ELEMENT_ID)).toBeLessThan(html.indexOf("<script>"));
    const snippet = await buildEmbedSnippet();
    expect(html).toContain(snippet.slice(snippet.indexOf("<script>"), snippet.indexOf("{% raw %}")) + snippet.slice(snippet.indexOf("{% raw %}") + 9, snippet.indexOf("{% endraw %}")));
  });

  it.each([
    ["</script><script>alert(1)</script>"],
    ["<!--<script>"],
    ["</SCRIPT >"],
  ])("GIVEN an alt text %j THEN it cannot end the config element early and survives intact", async (alt) => {
    const test = testFor("7001", "cm4mine", alt);
    const html = await renderEmbedBlock({ product: PRODUCT, configValue: { v: 1, tests: [test] } });

    const text = readConfigElement(html);
    expect(text).not.toContain("<");
    expect(JSON.parse(text).test).toEqual(test);
  });

  it("GIVEN merchant selectors and timeout THEN they are used, with characters that could leave the style element removed", async () => {
    const html = await renderEmbedBlock({
      product: PRODUCT,
      configValue: CONFIG,
      settings: { product_root_selector: "#product</style><script>", gallery_selector: ".gallery{}", modal_content_selector: ".zoom", reveal_timeout_ms: 2500 },
    });

    expect(html).toContain("<style>html.abt-hide :is(#product/style>script>) :is(.gallery,.zoom){");
    expect(JSON.parse(readConfigElement(html))).toMatchObject({ root: "#product/style>script>", gallery: ".gallery", modal: ".zoom", timeout: 2500 });
  });

  it("GIVEN blank selector settings THEN Dawn's selectors are used", async () => {
    const html = await renderEmbedBlock({ product: PRODUCT, configValue: CONFIG, settings: { product_root_selector: "", gallery_selector: "", modal_content_selector: "" } });

    expect(JSON.parse(readConfigElement(html))).toMatchObject({ root: '[id^="MainProduct-"]', gallery: '[id^="MediaGallery-"]', modal: ".product-media-modal__content" });
  });
});

describe("the ab-test-embed block schema", () => {
  const schema = readEmbedBlockSchema();

  it("GIVEN the schema THEN it is an app embed in <head>, enabled on product templates only", () => {
    expect(schema.target).toBe("head");
    expect(schema.enabled_on).toEqual({ templates: ["product"] });
  });

  it("GIVEN the settings THEN they default to Dawn's markup and a reveal timeout the range accepts", () => {
    const byId = Object.fromEntries(schema.settings.filter((setting) => setting.id).map((setting) => [setting.id, setting]));

    expect(byId.product_root_selector.default).toBe('[id^="MainProduct-"]');
    expect(byId.gallery_selector.default).toBe('[id^="MediaGallery-"]');
    expect(byId.modal_content_selector.default).toBe(".product-media-modal__content");
    const timeout = byId.reveal_timeout_ms as unknown as { min: number; max: number; step: number; default: number };
    expect(timeout.default).toBe(1500);
    expect(timeout.default).toBeGreaterThanOrEqual(timeout.min);
    expect(timeout.default).toBeLessThanOrEqual(timeout.max);
    expect((timeout.default - timeout.min) % timeout.step).toBe(0);
    // Shopify allows at most 101 steps in a range setting.
    expect((timeout.max - timeout.min) / timeout.step).toBeLessThanOrEqual(100);
  });

  it("GIVEN every translation key in the schema THEN the English schema locale defines it", () => {
    const locale = JSON.parse(readFileSync(`${EMBED_EXTENSION_DIR}locales/en.default.schema.json`, "utf8")) as Record<string, unknown>;
    const keys = JSON.stringify(schema).match(/t:[\w.]+/g) ?? [];

    expect(keys.length).toBeGreaterThan(5);
    for (const key of keys) {
      const value = key
        .slice(2)
        .split(".")
        .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], locale);
      expect(typeof value, key).toBe("string");
    }
  });
});
