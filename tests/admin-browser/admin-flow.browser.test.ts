// The merchant's walk through the embedded admin in real Chromium, against the real app (Remix through
// Vite), real Postgres and the fake Admin API: create a test from the product picker, start it, read
// its results once visitors have come, pause it, complete it, keep the winning treatment's images and
// restore the original order, and download a daily export as CSV.
// The Shopify admin around the iframe is played by ./embedded-admin.ts (App Bridge stand-in, signed
// session tokens, nothing fetched from the internet). Every page is screenshotted to
// test-results/admin/ and must log no console error and pass the accessibility smoke check.
import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import type { Arm, Prisma } from "@prisma/client";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { resetEnvCache } from "../../app/env.server";
import { formatDay } from "../../app/lib/days";
import type { StorefrontConfig } from "../../app/lib/storefront-contract";
import { CSV_COLUMNS } from "../../app/services/statistics-export/export-formatter.service";
import { exportShopDay } from "../../app/services/statistics-export/statistics-export-orchestrator.service";
import { getObjectStore } from "../../app/storage.server";
import type { AppServer } from "../../scripts/lib/app-server";
import { generateCatalog, type FakeProduct } from "../fake-shopify/catalog";
import { startFakeAdminApi, type FakeAdminApi } from "../fake-shopify/fake-admin-api";
import { exportDeps } from "../support/export-fixtures";
import { createInstalledShop, type InstalledShop } from "../support/shops";
import { findAccessibilityProblems } from "./accessibility-smoke";
import { startDevAppServer } from "./dev-app-server";
import { APP_BRIDGE_URL, CHROMIUM_ARGS, embedInAdmin, embeddedUrl, MERCHANT_USER_AGENT, POLARIS_FONTS_URL, type EmbeddedAdmin } from "./embedded-admin";

const CHROMIUM_PATH = "/usr/bin/chromium";
const SCREENSHOT_DIR = "test-results/admin";
const DAY_MS = 24 * 3600_000;
// Skipped only on a developer machine without Chromium; under CI a missing browser must fail.
const describeInChromium = existsSync(CHROMIUM_PATH) || process.env.CI ? describe : describe.skip;

interface Visit {
  page: Page;
  admin: EmbeddedAdmin;
  /** Console errors and uncaught exceptions, each prefixed with the page's path. */
  errors: string[];
  /** Accessibility problems found on each screenshotted page. */
  accessibility: string[];
  /** Screenshots the page under `name` and runs the accessibility check on it. */
  capture(name: string): Promise<void>;
}

describeInChromium("the merchant's walk through the embedded admin (real Chromium, real app, real Postgres)", () => {
  let browser: Browser;
  let app: AppServer;
  let fake: FakeAdminApi;
  let shop: InstalledShop;
  let catalog: FakeProduct[];
  let product: FakeProduct;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    [app, fake, shop] = await Promise.all([startDevAppServer(), startFakeAdminApi(), createInstalledShop(prisma)]);
    // The app reads its environment on the first request it serves, which has not happened yet: its
    // own URL (absolute redirects after a form post go there) and the fake Admin API's origin.
    process.env.SHOPIFY_APP_URL = app.url;
    process.env.SHOPIFY_ADMIN_API_ORIGIN = fake.origin;
    resetEnvCache();
    await prisma.shopCredential.update({ where: { id: shop.shopId }, data: { currencyCode: "EUR" } });
    catalog = generateCatalog({ products: 12, variantsPerProduct: 2, imagesPerProduct: 3, seed: 21 });
    fake.addShop({ domain: shop.shopDomain, accessToken: shop.accessToken, currencyCode: "EUR", products: catalog });
    product = catalog.find((candidate) => candidate.status === "ACTIVE" && candidate.media.length === 3)!;
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await app?.close();
    await fake?.close();
  });

  async function visit(): Promise<Visit> {
    // Reduced motion: Polaris Viz then draws its lines at once, so screenshots show the finished chart.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, userAgent: MERCHANT_USER_AGENT, reducedMotion: "reduce", acceptDownloads: true });
    contexts.push(context);
    const admin = await embedInAdmin(context, shop);
    const page = await context.newPage();
    const errors: string[] = [];
    const accessibility: string[] = [];
    const where = () => new URL(page.url()).pathname;
    page.on("console", (message) => message.type() === "error" && errors.push(`${where()}: ${message.text()}`));
    page.on("pageerror", (error) => errors.push(`${where()}: ${error.message}`));
    return {
      page,
      admin,
      errors,
      accessibility,
      async capture(name) {
        await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}.png`, fullPage: true });
        accessibility.push(...(await findAccessibilityProblems(page)).map((problem) => `${name}: ${problem}`));
      },
    };
  }

  /** Opens `path` as the admin does (a document request with a fresh id_token) and waits for React to take over. */
  async function openInAdmin(page: Page, path: string) {
    await page.goto(await embeddedUrl(app.url, path, shop), { waitUntil: "load" });
    await waitForHydration(page);
  }

  // Before hydration a click on a link is a plain document navigation, which carries no session token.
  async function waitForHydration(page: Page) {
    await page.waitForFunction(() => {
      const heading = document.querySelector(".Polaris-Page h1");
      return heading !== null && Object.keys(heading).some((key) => key.startsWith("__reactFiber$"));
    });
  }

  const navigate = (page: Page, label: string) => page.locator("ui-nav-menu").getByRole("link", { name: label, exact: true }).click();
  const heading = (page: Page, text: string) => expect.poll(() => page.locator(".Polaris-Page h1").textContent()).toBe(text);
  // The badge's text follows a visually hidden tone label ("Success", "Attention"), hence the suffix.
  const statusBadge = async (page: Page) => (await page.locator(".Polaris-Page-Header__TitleWrapper .Polaris-Badge").textContent())?.match(/(Draft|Active|Paused|Completed)$/)?.[1];
  const storefrontTestIds = () => {
    const metafield = fake.getShop(shop.shopDomain).metafields.find((candidate) => candidate.namespace === "ab_image_tests" && candidate.key === "config");
    return metafield ? (JSON.parse(metafield.value) as StorefrontConfig).tests.map((test) => test.id) : null;
  };

  async function confirm(page: Page, action: string, expectedBadge: string) {
    await page.getByRole("button", { name: action, exact: true }).click();
    await page.getByRole("button", { name: `Yes, ${action.toLowerCase()}`, exact: true }).click();
    await expect.poll(() => statusBadge(page)).toBe(expectedBadge);
  }

  /**
   * `days` of visitors to `testId` on `productId`: each sees the product once; some add to cart; some
   * buy. `arm(index)` is the arm the storefront assigned, `buys(index, arm)` whether that visitor
   * orders (one line at 49.90). The test is dated as started `days` ago (the results count the days run).
   */
  async function seedVisitors(
    testId: string,
    { visitors, days, productId = product.id, arm, buys }: { visitors: number; days: number; productId?: string; arm: (index: number) => Arm; buys: (index: number, arm: Arm) => boolean },
  ) {
    const now = Date.now();
    const events: Prisma.ABTestEventCreateManyInput[] = [];
    const counts = { CONTROL: { visitors: 0, orders: 0 }, TREATMENT: { visitors: 0, orders: 0 } };
    const variants = catalog.find((candidate) => candidate.id === productId)!.variants;
    for (let index = 0; index < visitors; index++) {
      const visitorId = `7a1c0e52-${testId.slice(-4)}-4f7e-9c3a-${String(index).padStart(12, "0")}`;
      const assigned = arm(index);
      const seenAt = new Date(now - DAY_MS * (days - 1) - 3600_000 + (index / visitors) * DAY_MS * (days - 1));
      const base = { shopId: shop.shopId, testId, arm: assigned, productId, variantId: variants[index % variants.length].id, visitorId, occurredAt: seenAt, createdAt: seenAt };
      counts[assigned].visitors++;
      events.push({ ...base, eventType: "IMPRESSION", eventId: `view-${testId}-${index}` });
      if (index % 9 === 0 || (assigned === "TREATMENT" && index % 9 === 4)) events.push({ ...base, eventType: "ADD_TO_CART", eventId: `cart-${testId}-${index}` });
      if (buys(index, assigned)) {
        counts[assigned].orders++;
        const orderId = `gid://shopify/Order/${900_000 + index}-${testId}`;
        events.push({ ...base, eventType: "PURCHASE", eventId: `order-${testId}-${index}:0`, orderId, quantity: 1, revenue: "49.90", currency: "EUR" });
      }
    }
    await prisma.aBTestEvent.createMany({ data: events });
    await prisma.aBTest.update({ where: { id: testId }, data: { startedAt: new Date(now - DAY_MS * days) } });
    return counts;
  }

  /** The results page's verdict block: the dates line, then the headlines. */
  const pageText = async (page: Page) => (await page.locator(".Polaris-Page").textContent()) ?? "";

  it("GIVEN an installed shop with products WHEN the merchant creates a test, starts it, reads its results, pauses and completes it, keeps the treatment images and restores the original order THEN every step shows in the admin, in Shopify and on the storefront config", async () => {
    const { page, admin, errors, accessibility, capture } = await visit();

    // The dashboard of a shop without tests.
    await openInAdmin(page, "/app");
    await heading(page, "Image tests");
    await expect.poll(() => page.getByText("No test is running").isVisible()).toBe(true);
    await capture("01-dashboard-empty");

    // Create test: search the catalog, pick the product, tick two images in a new order, name it, 40%.
    await page.locator(".Polaris-Page-Header__PrimaryActionWrapper").getByRole("link", { name: "Create test" }).click();
    await heading(page, "Create test");
    await capture("02-create-test-picker");
    const searchWord = product.title.split(" ").at(-1)!;
    await page.getByLabel("Search products").fill(searchWord);
    await page.getByRole("button", { name: "Search", exact: true }).click();
    const matching = catalog.filter((candidate) => candidate.title.includes(searchWord)).map((candidate) => candidate.title).sort();
    const productLinks = page.locator(".Polaris-Layout__Section", { has: page.getByRole("heading", { name: "1. Product" }) }).getByRole("link");
    await expect.poll(() => productLinks.allTextContents()).toEqual(matching);
    await productLinks.getByText(product.title, { exact: true }).click();
    await expect.poll(() => page.getByText(`2. Treatment images for ${product.title}`).isVisible()).toBe(true);
    expect(await productLinks.allTextContents()).toEqual(matching);
    const useBoxes = page.locator(".Polaris-Checkbox input");
    await expect.poll(() => useBoxes.count()).toBe(3);
    await useBoxes.nth(2).check({ force: true });
    await useBoxes.nth(0).check({ force: true });
    await expect.poll(() => page.getByText("Treatment image 2").isVisible()).toBe(true);
    await page.getByLabel("Test name").fill("Back view first");
    const slider = page.getByRole("slider");
    await slider.focus();
    for (let step = 0; step < 10; step++) await slider.press("ArrowLeft");
    await expect.poll(() => page.getByText("Visitors shown the treatment: 40%").isVisible()).toBe(true);
    await capture("03-create-test-form");
    await page.getByRole("button", { name: "Save as draft" }).click();

    // The draft's page.
    await page.waitForURL((url) => /^\/app\/tests\/(?!new$)[^/]+$/.test(url.pathname));
    await heading(page, "Back view first");
    const testId = new URL(page.url()).pathname.split("/").at(-1)!;
    const draft = await prisma.aBTest.findUniqueOrThrow({ where: { id: testId } });
    expect(draft).toMatchObject({ shopId: shop.shopId, productId: product.id, status: "DRAFT", trafficSplit: 40 });
    expect((draft.treatmentImages as { mediaId: string }[]).map((image) => image.mediaId)).toEqual([product.media[2].id, product.media[0].id]);
    expect(await statusBadge(page)).toBe("Draft");
    // A draft says what it is: not started, no "not enough data" and no days to wait.
    await expect.poll(() => page.getByText("This test hasn't started yet: no visitor has seen the treatment images.", { exact: false }).isVisible()).toBe(true);
    expect(await page.getByText("Not started yet.", { exact: true }).isVisible()).toBe(true);
    expect(await pageText(page)).not.toMatch(/Not enough data|more days?|chance to beat/);
    expect(storefrontTestIds()).toBeNull();
    await capture("04-test-draft");

    // Start: the storefront config now carries the test.
    await confirm(page, "Start test", "Active");
    expect(storefrontTestIds()).toEqual([testId]);
    await capture("05-test-active");

    // Two weeks of visitors come, two in every five to the treatment (exactly the 40% configured, so
    // the sample-ratio check has nothing to flag); the treatment converts about four times as often.
    const seeded = await seedVisitors(testId, {
      visitors: 6000,
      days: 14,
      arm: (index) => (index % 5 < 2 ? "TREATMENT" : "CONTROL"),
      buys: (index, arm) => index % 31 === 0 || (arm === "TREATMENT" && [7, 14, 21].includes(index % 31)),
    });
    await openInAdmin(page, `/app/tests/${testId}`);
    const visitorsRow = page.locator(".Polaris-DataTable__TableRow", { hasText: /^Visitors/ });
    await expect.poll(() => visitorsRow.locator("td, th").allTextContents()).toEqual(["Visitors", String(seeded.CONTROL.visitors), String(seeded.TREATMENT.visitors)]);
    const ordersRow = page.locator(".Polaris-DataTable__TableRow", { hasText: /^Orders/ });
    expect(await ordersRow.locator("td, th").allTextContents()).toEqual(["Orders", String(seeded.CONTROL.orders), String(seeded.TREATMENT.orders)]);
    // Money in the shop's currency; every order is one line at 49.90.
    const euros = (orders: number) => `€${(orders * 49.9).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    const revenueRow = page.locator(".Polaris-DataTable__TableRow", { hasText: /^Revenue(?! per)/ });
    expect(await revenueRow.locator("td, th").allTextContents()).toEqual(["Revenue", euros(seeded.CONTROL.orders), euros(seeded.TREATMENT.orders)]);
    // A significant result: verdict, always-valid interval and chance agree, and the header shows the split that happened.
    await expect.poll(() => page.getByText("Treatment wins: it converts better than control (95% confidence, valid however often you check).").isVisible()).toBe(true);
    await expect.poll(() => page.getByText(/^Treatment has an? [>\d.]+% chance to beat control$/).isVisible()).toBe(true);
    const conversion = (await page.getByText(/^Conversion rate: .* with treatment vs .* with control/).textContent()) ?? "";
    const [, lower, upper] = /95% CI ([-+][\d.]+)% to ([-+][\d.]+)%/.exec(conversion)!;
    expect([Number(lower) > 0, Number(upper) > Number(lower)]).toEqual([true, true]);
    expect(await page.locator(".Polaris-DataTable thead th").allTextContents()).toEqual(["", "Control (60.0% of visitors; set to 60%)", "Treatment (40.0% of visitors; set to 40%)"]);
    expect(await pageText(page)).toMatch(/Started \d{4}-\d{2}-\d{2} · running for 14 days\./);
    await expect.poll(() => page.locator("svg[role=table]").count()).toBe(1);
    await capture("06-test-results");

    // The dashboard lists it as running with its visitors; the merchant goes back to it from there.
    await navigate(page, "Image tests");
    await heading(page, "Image tests");
    const runningTest = page.getByRole("link", { name: "Back view first", exact: true });
    await expect.poll(() => page.getByText(`${seeded.CONTROL.visitors + seeded.TREATMENT.visitors} visitors`, { exact: false }).isVisible()).toBe(true);
    await capture("07-dashboard-running");
    await runningTest.click();
    await heading(page, "Back view first");

    // Pause, then complete: the storefront config drops the test each time.
    await confirm(page, "Pause", "Paused");
    expect(storefrontTestIds()).toEqual([]);
    await expect.poll(async () => /Started \d{4}-\d{2}-\d{2} · paused · 14 days since the start\./.test(await pageText(page))).toBe(true);
    expect(await pageText(page)).not.toMatch(/about \d+ more days?/);
    await capture("08-test-paused");
    await confirm(page, "Complete", "Completed");
    expect(storefrontTestIds()).toEqual([]);
    expect(await prisma.aBTest.findUniqueOrThrow({ where: { id: testId }, select: { status: true } })).toEqual({ status: "COMPLETED" });
    await expect.poll(async () => /Started \d{4}-\d{2}-\d{2} · ended \d{4}-\d{2}-\d{2} · ran 14 days\./.test(await pageText(page))).toBe(true);
    expect(await page.getByText("Treatment wins", { exact: false }).first().isVisible()).toBe(true);
    await capture("09-test-completed");

    // Keep the winner: Shopify's media order becomes the treatment's (its images first, the other after),
    // the page offers to restore; restoring puts the original order back.
    const mediaOrderInShopify = () => fake.getShop(shop.shopDomain).products.find((candidate) => candidate.id === product.id)!.media.map((media) => media.id);
    const original = product.media.map((media) => media.id);
    expect(mediaOrderInShopify()).toEqual(original);
    await page.getByRole("button", { name: "Keep treatment images", exact: true }).click();
    await page.getByRole("button", { name: "Yes, keep treatment images", exact: true }).click();
    await expect.poll(() => page.getByText("The product now shows the treatment's images first, in the treatment's order.").isVisible()).toBe(true);
    expect(mediaOrderInShopify()).toEqual([original[2], original[0], original[1]]);
    expect(await prisma.aBTestMediaOrder.findUniqueOrThrow({ where: { testId } })).toMatchObject({ previousMediaIds: original, restoredAt: null });
    await expect.poll(() => page.getByText(/^Treatment images kept on \d{4}-\d{2}-\d{2}: the product shows them first\.$/).isVisible()).toBe(true);
    expect(storefrontTestIds()).toEqual([]);
    await capture("16-treatment-images-kept");
    // It survives a reload: the page still offers the restore, not a second keep.
    await openInAdmin(page, `/app/tests/${testId}`);
    await expect.poll(() => page.getByRole("button", { name: "Restore original order", exact: true }).isVisible()).toBe(true);
    expect(await page.getByRole("button", { name: "Keep treatment images", exact: true }).count()).toBe(0);
    await page.getByRole("button", { name: "Restore original order", exact: true }).click();
    await page.getByRole("button", { name: "Yes, restore original order", exact: true }).click();
    await expect.poll(() => page.getByText("The product's original image order is back.").isVisible()).toBe(true);
    expect(mediaOrderInShopify()).toEqual(original);
    await expect.poll(() => page.getByText(/^Original image order restored on \d{4}-\d{2}-\d{2}\.$/).isVisible()).toBe(true);
    await capture("17-original-order-restored");

    // Back on the dashboard the test is listed as completed; the other sections open too.
    await navigate(page, "Image tests");
    await heading(page, "Image tests");
    await expect.poll(() => page.getByText("Drafts and completed tests").isVisible()).toBe(true);
    await capture("10-dashboard");
    await navigate(page, "Pixel and storefront");
    await heading(page, "Pixel and storefront");
    await capture("11-settings");

    expect(errors).toEqual([]);
    expect(accessibility).toEqual([]);
    expect(admin.blocked).toEqual([]);
    expect(new Set(admin.stubbed.map((url) => url.split("?")[0]))).toEqual(new Set([APP_BRIDGE_URL, POLARIS_FONTS_URL]));
  });

  it("GIVEN a paused test short of data and a test whose visitors are not split as configured WHEN the merchant opens them THEN each page says what it is and names no winner", async () => {
    const { page, admin, errors, accessibility, capture } = await visit();
    const [pausedProduct, brokenProduct] = catalog.filter((candidate) => candidate.id !== product.id);
    const testRow = (productId: string, status: "PAUSED" | "ACTIVE", name: string) =>
      prisma.aBTest.create({
        data: {
          shopId: shop.shopId,
          productId,
          name,
          status,
          trafficSplit: 50,
          // No thumbnails: the page would fetch their URLs, and nothing outside the machine is reachable.
          controlImages: [],
          treatmentImages: [],
        },
      });

    // Paused on day 3½ with 3 and 5 orders: it names the missing minimums and promises no days.
    const paused = await testRow(pausedProduct.id, "PAUSED", "Paused early");
    await seedVisitors(paused.id, { visitors: 400, days: 3.5, productId: pausedProduct.id, arm: (index) => (index % 2 ? "TREATMENT" : "CONTROL"), buys: (index, arm) => (arm === "CONTROL" ? index < 6 : index < 10) });
    await openInAdmin(page, `/app/tests/${paused.id}`);
    await heading(page, "Paused early");
    await expect
      .poll(() => page.getByText("The test is paused before it had enough data to pick a winner: it needs 27 more orders in control, 25 more orders in treatment; 4 more days of running. Resume it to collect them.").isVisible())
      .toBe(true);
    expect(await pageText(page)).not.toMatch(/about \d+ more days?|wins:/);
    await capture("14-test-paused-short");

    // 70% of visitors in control at a 50% split, treatment converting far better: no verdict, no chance, no lift.
    const broken = await testRow(brokenProduct.id, "ACTIVE", "Broken split");
    await seedVisitors(broken.id, { visitors: 2000, days: 10, productId: brokenProduct.id, arm: (index) => (index % 10 < 3 ? "TREATMENT" : "CONTROL"), buys: (index, arm) => index % 20 === 5 || (arm === "TREATMENT" && index % 20 === 1) });
    await openInAdmin(page, `/app/tests/${broken.id}`);
    await heading(page, "Broken split");
    await expect.poll(() => page.getByText("Visitors are not split as configured").isVisible()).toBe(true);
    expect(await page.getByText("Traffic split problem: 30.0% of visitors saw the treatment, but the test sends 50%.", { exact: false }).isVisible()).toBe(true);
    expect(await page.getByText("The app embed is off on some product templates", { exact: false }).isVisible()).toBe(true);
    expect(await page.locator(".Polaris-DataTable thead th").allTextContents()).toEqual(["", "Control (70.0% of visitors; set to 50%)", "Treatment (30.0% of visitors; set to 50%)"]);
    expect(await pageText(page)).not.toMatch(/chance to beat|95% CI|wins:/);
    await capture("15-test-sample-ratio-mismatch");

    expect(errors).toEqual([]);
    expect(accessibility).toEqual([]);
    expect(admin.blocked).toEqual([]);
  });

  it("GIVEN a completed daily export WHEN the merchant clicks its CSV link THEN the browser downloads the file and it starts with the CSV header", async () => {
    // Exported here, in the test's process, which is also the app's: the same database and the same
    // object store (DATA_DIR), so the app finds the files the export wrote.
    const day = formatDay(new Date(Date.now() - DAY_MS));
    const exported = await exportShopDay(exportDeps(prisma, fake, getObjectStore(), new Date()), shop.shopId, day, { force: true });
    expect(exported.status).toBe("COMPLETED");
    const { page, admin, errors, accessibility, capture } = await visit();

    await openInAdmin(page, "/app");
    await navigate(page, "Exports");
    await heading(page, "Daily exports");
    const row = page.locator(".Polaris-DataTable__TableRow", { hasText: day });
    await expect.poll(() => row.count()).toBe(1);
    await capture("12-exports");
    const [download] = await Promise.all([page.waitForEvent("download"), row.getByRole("button", { name: `Download statistics-${day}.csv` }).click()]);

    expect(download.suggestedFilename()).toBe(`statistics-${day}.csv`);
    const csv = await readFile(await download.path(), "utf8");
    expect(csv.split("\r\n")[0]).toBe(CSV_COLUMNS.join(","));
    expect(errors).toEqual([]);
    expect(accessibility).toEqual([]);
    expect(admin.blocked).toEqual([]);
  });

  it("GIVEN the login page outside the admin WHEN a merchant submits a bad shop domain THEN the error shows beside the field", async () => {
    const { page, admin, errors, accessibility, capture } = await visit();

    await page.goto(`${app.url}/auth/login`, { waitUntil: "load" });
    await waitForHydration(page);
    await page.getByLabel("Shop domain").fill("not a shop!");
    await page.getByRole("button", { name: "Log in" }).click();
    await expect.poll(() => page.locator(".Polaris-InlineError").textContent()).toBe("Enter a valid shop domain.");
    expect(await page.getByLabel("Shop domain").inputValue()).toBe("not a shop!");
    await capture("13-login-error");

    expect(errors).toEqual([]);
    expect(accessibility).toEqual([]);
    expect(admin.blocked).toEqual([]);
  });
});
