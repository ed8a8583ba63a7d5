// Bundles the pixel as Shopify's CLI would and runs the result in a bare V8 context, through the
// package's real register() → `shopify.extend`, to prove the shipped file works on its own.
import type { ExtensionApi } from "@shopify/web-pixels-extension";
import { builtinModules } from "node:module";
import vm from "node:vm";
import { describe, expect, it, vi } from "vitest";
import { encodeExposures, EXPOSURE_COOKIE, VISITOR_COOKIE } from "../../../app/lib/storefront-contract";
import { bundlePixel, type BundleOptions } from "../build";
import { createFakePixelApi } from "./fake-pixel-api";
import { buildProductViewedEvent, SHOP_DOMAIN } from "./pixel-event-fixtures";

/** Our own budget; Shopify rejects web pixel bundles above 128 KB. */
const MAX_BUNDLE_BYTES = 20 * 1024;
const NODE_BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

describe("pixel bundle", () => {
  it.each<[string, BundleOptions]>([
    ["iife, es2020", { format: "iife", target: "es2020" }],
    ["esm, es2020", { format: "esm", target: "es2020" }],
    ["iife, es6 (the Shopify CLI's target)", { format: "iife", target: "es6" }],
  ])("GIVEN src/index.ts WHEN bundled minified for the browser as %s THEN it builds under 20 KB with no Node built-ins", async (_label, options) => {
    const bundle = await bundlePixel(options);

    expect(bundle.bytes).toBeGreaterThan(0);
    expect(bundle.bytes).toBeLessThan(MAX_BUNDLE_BYTES);
    expect(bundle.inputs.filter((input) => NODE_BUILTINS.has(input) || input.startsWith("node:"))).toEqual([]);
    expect(bundle.inputs.some((input) => input.endsWith("app/lib/storefront-contract.ts"))).toBe(true);
    expect(bundle.code).not.toMatch(/\brequire\(|\bprocess\.|\bBuffer\b/);
  });

  it("GIVEN the iife bundle WHEN run in a bare context with Shopify's extend() THEN a product view reaches /track", async () => {
    const bundle = await bundlePixel({ format: "iife", target: "es6" });
    let extend: ((api: ExtensionApi) => void) | undefined;
    const fetch = vi.fn(async () => ({ ok: true, status: 202 }));
    const sandbox = {
      shopify: {
        extend: (extensionPoint: string, callback: (api: ExtensionApi) => void) => {
          expect(extensionPoint).toBe("WebPixel::Render");
          extend = callback;
        },
      },
      fetch,
      setTimeout,
      console,
    };

    vm.runInNewContext(bundle.code, sandbox);
    const pixel = createFakePixelApi({
      cookies: { [VISITOR_COOKIE]: "v-1", [EXPOSURE_COOKIE]: encodeExposures([{ product: "111", testId: "test-a", arm: "TREATMENT" }]) },
    });
    extend?.(pixel.api);
    pixel.emit("product_viewed", buildProductViewedEvent("evt-bundle", { productId: "111", variantId: "4001" }));

    await vi.waitFor(() => expect(fetch).toHaveBeenCalledTimes(1));
    const [url, init] = fetch.mock.calls[0] as unknown as [string, { body: string; keepalive: boolean }];
    expect(url).toBe("https://app.example.com/track");
    expect(init.keepalive).toBe(true);
    expect(JSON.parse(init.body)).toMatchObject({ shop: SHOP_DOMAIN, events: [{ id: "evt-bundle", type: "IMPRESSION", arm: "TREATMENT", productId: "111" }] });
  });
});
