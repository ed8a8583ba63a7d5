// End to end on the storefront: a visitor in each arm sees that arm's images (theme app embed), the
// exposure cookie is set, and the web pixel's POST reaches the real /track and is stored with the arm.
// The pixel runs in the page through a harness that plays Shopify's part (`shopify.extend`, the
// analytics bus, `browser.cookie`), with the bundle Shopify would build from src/index.ts.
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { assignArm, type Arm } from "../../app/lib/assignment";
import { buildStorefrontConfig } from "../../app/lib/storefront-config";
import { EXPOSURE_COOKIE, VISITOR_COOKIE } from "../../app/lib/storefront-contract";
import { bundlePixel } from "../../extensions/ab-test-pixel/build";
import { buildProductViewedEvent } from "../../extensions/ab-test-pixel/src/pixel-event-fixtures";
import type { AppServer } from "../../scripts/lib/app-server";
import { startTestApp } from "../support/app-server";
import { createInstalledShop, type InstalledShop } from "../support/shops";
import { startStorefrontFixture, type FixtureProduct, type StorefrontFixture } from "./fixture-server";

const CHROMIUM_PATH = "/usr/bin/chromium";
const SCREENSHOT_DIR = "test-results/storefront";
const SHOPPER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const describeInChromium = existsSync(CHROMIUM_PATH) || process.env.CI ? describe : describe.skip;

const PRODUCT: FixtureProduct = {
  id: "8001",
  handle: "canvas-tote",
  title: "Canvas tote",
  media: [
    { type: "image", media: "51001", file: "tote-control-1", width: 1000, height: 1000, alt: "Tote, front" },
    { type: "image", media: "51002", file: "tote-control-2", width: 1000, height: 1000, alt: "Tote, side" },
  ],
  variants: [{ id: "61001", title: "Natural", featuredMedia: "51001" }],
};

function pixelHarness(bundle: string, appUrl: string, shop: string): string {
  const init = { data: { shop: { myshopifyDomain: shop } }, customerPrivacy: { analyticsProcessingAllowed: true, marketingAllowed: false, preferencesProcessingAllowed: false, saleOfDataAllowed: false } };
  return `<script>
window.__pixel = { handlers: {} };
self.shopify = { extend: function (_point, render) { window.__pixel.render = render; } };
</script>
<script>${bundle.replace(/<\/script/gi, "<\\/script")}</script>
<script>
(function () {
  var pixel = window.__pixel;
  function readCookie(name) {
    var found = document.cookie.split("; ").filter(function (pair) { return pair.indexOf(name + "=") === 0; })[0];
    return Promise.resolve(found ? found.slice(name.length + 1) : "");
  }
  pixel.render({
    analytics: { subscribe: function (name, handler) { (pixel.handlers[name] = pixel.handlers[name] || []).push(handler); } },
    browser: { cookie: { get: readCookie, set: function () { return Promise.resolve(""); } } },
    settings: { app_url: ${JSON.stringify(appUrl)}, enabled: "true", debug: "false" },
    init: ${JSON.stringify(init)},
    customerPrivacy: { subscribe: function () {} },
  });
  pixel.emit = function (name, event) { (pixel.handlers[name] || []).forEach(function (handler) { handler(event); }); };
})();
</script>`;
}

describeInChromium("storefront → pixel → /track (real Chromium, real app, real Postgres)", () => {
  let browser: Browser;
  let app: AppServer;
  let fixture: StorefrontFixture;
  let shop: InstalledShop;
  let testId: string;

  beforeAll(async () => {
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    [app, shop] = await Promise.all([startTestApp(), createInstalledShop(prisma)]);
    fixture = await startStorefrontFixture({ product: PRODUCT, config: null });
    const images = (files: string[]) => files.map((file, index) => ({ mediaId: `gid://shopify/MediaImage/${51001 + index}`, url: fixture.imageUrl(file), width: 1000, height: 1000 }));
    const test = await prisma.aBTest.create({
      data: {
        shopId: shop.shopId,
        productId: `gid://shopify/Product/${PRODUCT.id}`,
        name: "Lifestyle tote",
        status: "ACTIVE",
        trafficSplit: 50,
        controlImages: images(["tote-control-1", "tote-control-2"]),
        treatmentImages: images(["tote-treatment-1", "tote-treatment-2"]),
        startedAt: new Date(),
      },
    });
    testId = test.id;
    const { config } = buildStorefrontConfig([{ ...test, controlImages: images(["tote-control-1", "tote-control-2"]), treatmentImages: images(["tote-treatment-1", "tote-treatment-2"]) }]);
    const { code } = await bundlePixel({ format: "iife", target: "es2020" });
    fixture.update({ config, bodyHtml: pixelHarness(code, app.url, shop.shopDomain) });
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await fixture?.close();
    await app?.close();
  });

  function visitorIn(arm: Arm): string {
    for (let index = 0; ; index++) {
      const visitorId = `5d2f8e10-7a3b-4c1d-8e9f-${String(index).padStart(12, "0")}`;
      if (assignArm(testId, visitorId, 50) === arm) return visitorId;
    }
  }

  it.each(["CONTROL", "TREATMENT"] as const)("GIVEN a %s visitor THEN the page shows that arm's images and the pixel's impression is stored with that arm", async (arm) => {
    const visitorId = visitorIn(arm);
    // Headless Chromium says "HeadlessChrome", which /track rightly drops as a bot: be a shopper's browser.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, userAgent: SHOPPER_UA });
    await context.addCookies([{ name: VISITOR_COOKIE, value: visitorId, domain: "127.0.0.1", path: "/" }]);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
    page.on("pageerror", (error) => errors.push(error.message));

    await page.goto(fixture.productUrl, { waitUntil: "load" });
    await page.waitForFunction(() => !document.documentElement.classList.contains("abt-hide"));
    const firstSlide = await page.locator('[id^="MediaGallery-"] img').first().getAttribute("src");
    const exposure = (await context.cookies()).find((cookie) => cookie.name === EXPOSURE_COOKIE);
    const event = buildProductViewedEvent(`view-${arm}-${visitorId}`, { productId: `gid://shopify/Product/${PRODUCT.id}`, variantId: `gid://shopify/ProductVariant/${PRODUCT.variants[0].id}` });
    const responded = page.waitForResponse((response) => response.url() === `${app.url}/track`);
    await page.evaluate((payload) => (window as unknown as { __pixel: { emit(name: string, event: unknown): void } }).__pixel.emit("product_viewed", payload), JSON.parse(JSON.stringify(event)));
    // Chromium does not expose keepalive responses' bodies to the driver: the table is the check.
    const response = await responded;
    await page.screenshot({ path: `${SCREENSHOT_DIR}/storefront-${arm.toLowerCase()}.png` });
    await context.close();

    expect(firstSlide).toContain(arm === "TREATMENT" ? "tote-treatment-1" : "tote-control-1");
    expect(decodeURIComponent(exposure?.value ?? "")).toBe(`${PRODUCT.id}:${testId}:${arm === "TREATMENT" ? "T" : "C"}`);
    expect(response.status()).toBe(202);
    const stored = await prisma.aBTestEvent.findMany({ where: { shopId: shop.shopId, visitorId } });
    expect(stored.map((row) => [row.eventType, row.arm, row.testId, row.productId, row.variantId])).toEqual([
      ["IMPRESSION", arm, testId, `gid://shopify/Product/${PRODUCT.id}`, `gid://shopify/ProductVariant/${PRODUCT.variants[0].id}`],
    ]);
    expect(errors).toEqual([]);
  });
});
