// The theme app embed in real Chromium, on a Dawn-like product page served from loopback: what each
// arm's visitor sees (slides, thumbnails, zoom modal), the cookies it leaves for the web pixel, that
// a treatment visitor never sees a frame of the control images, and that the gallery is always
// revealed, whatever goes wrong.
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assignArm, type Arm } from "../../app/lib/assignment";
import { COOKIE_MAX_AGE_SECONDS, decodeExposures, encodeExposures, EXPOSURE_COOKIE, VISITOR_COOKIE, type StorefrontConfig } from "../../app/lib/storefront-contract";
import { CART_ATTRIBUTE } from "../../app/services/orders/cart-attribute-names";
import { renderFlashProbe, type FlashProbeReport } from "./flash-probe";
import {
  MODAL_WIDTHS,
  SLIDE_SIZES,
  SLIDE_WIDTHS,
  startStorefrontFixture,
  THUMBNAIL_WIDTHS,
  type FixtureProduct,
  type StorefrontFixture,
  type StorefrontFixtureOptions,
} from "./fixture-server";

const CHROMIUM_PATH = "/usr/bin/chromium";
const HAS_CHROMIUM = existsSync(CHROMIUM_PATH);
const SCREENSHOT_DIR = "test-results/storefront";
const TEST_ID = "cm4embedtest01";
const SPLIT = 50;
const GALLERY_IMAGES = '[id^="MainProduct-"] [id^="MediaGallery-"] img';

const PRODUCT: FixtureProduct = {
  id: "7001",
  handle: "linen-shirt",
  title: "Linen shirt",
  // The video sits between images: a swap by position instead of media id would hit its poster.
  media: [
    { type: "image", media: "31001", file: "control-1", width: 1000, height: 1000, alt: "Shirt, front" },
    { type: "image", media: "31002", file: "control-2", width: 1000, height: 1250, alt: "Shirt, back" },
    { type: "video", media: "31009", poster: "video-poster", width: 1920, height: 1080 },
    { type: "image", media: "31003", file: "control-3", width: 1000, height: 1000, alt: "Shirt, collar" },
  ],
  variants: [
    { id: "41001", title: "Sand", featuredMedia: "31001" },
    { id: "41002", title: "Navy", featuredMedia: "31003" },
  ],
};
const CONTROL_FILES = ["control-1", "control-2", "control-3"];
const TREATMENT = [
  { media: "31001", file: "treatment-1", width: 1200, height: 900, alt: "Model wearing the shirt" },
  { media: "31002", file: "treatment-2", width: 1000, height: 1000, alt: "Shirt on a hanger </script><b>" },
  { media: "31003", file: "treatment-3", width: 900, height: 1200, alt: "Collar detail" },
];

function buildConfig(fixture: StorefrontFixture, treatmentFile: (file: string) => string = (file) => file): StorefrontConfig {
  const images = PRODUCT.media.filter((media) => media.type === "image");
  return {
    v: 1,
    tests: [
      { id: "cm4othertest99", product: "9999", split: 100, control: [], treatment: [] },
      {
        id: TEST_ID,
        product: PRODUCT.id,
        split: SPLIT,
        control: images.map((media) => ({ media: media.media, url: fixture.imageUrl(media.file), alt: media.alt, width: media.width, height: media.height })),
        // Treatment images are other media of the product, given in the order they replace the control's.
        treatment: TREATMENT.map((image, index) => ({
          media: String(31004 + index),
          url: fixture.imageUrl(treatmentFile(image.file)),
          alt: image.alt,
          width: image.width,
          height: image.height,
        })),
      },
    ],
  };
}

function findVisitorId(arm: Arm): string {
  for (let index = 0; ; index++) {
    const visitorId = `0b7c9a52-4e1f-4d6a-9c3e-${String(index).padStart(12, "0")}`;
    if (assignArm(TEST_ID, visitorId, SPLIT) === arm) return visitorId;
  }
}

interface ImageState {
  /** data-media-id / data-target of the element the image belongs to. */
  tag: string;
  src: string;
  srcset: string;
  currentSrc: string;
  alt: string;
  sizes: string;
  ratio: string;
}

interface GalleryState {
  slides: ImageState[];
  thumbnails: ImageState[];
  modal: ImageState[];
}

function readGalleryState(page: Page): Promise<GalleryState> {
  return page.evaluate(() => {
    const read = (img: HTMLImageElement): ImageState => {
      const tagged = img.closest("[data-media-id],[data-target]")!;
      const container = img.closest<HTMLElement>("[style*='--ratio']");
      return {
        tag: tagged.closest("li")?.getAttribute("data-media-id") ?? tagged.getAttribute("data-target") ?? tagged.getAttribute("data-media-id") ?? "",
        src: img.getAttribute("src") ?? "",
        srcset: img.getAttribute("srcset") ?? "",
        currentSrc: img.currentSrc,
        alt: img.alt,
        sizes: img.getAttribute("sizes") ?? "",
        ratio: container?.style.getPropertyValue("--ratio").trim() ?? "",
      };
    };
    const all = (selector: string) => [...document.querySelectorAll<HTMLImageElement>(selector)].map(read);
    return {
      slides: all(".product__media-list img"),
      thumbnails: all(".thumbnail-list img"),
      modal: all(".product-media-modal__content img"),
    };
  });
}

interface OpenedPage {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions. */
  errors: string[];
  warnings: string[];
  probe: () => Promise<FlashProbeReport>;
}

// CI installs Chromium (.ci/run), so there a missing browser fails instead of skipping.
const describeInChromium = HAS_CHROMIUM || process.env.CI ? describe : describe.skip;
const title = HAS_CHROMIUM
  ? "theme app embed in Chromium"
  : `theme app embed in Chromium — SKIPPED: ${CHROMIUM_PATH} not found (apt-get install -y chromium)`;

describeInChromium(title, () => {
  let browser: Browser;
  let fixture: StorefrontFixture;
  let baseOptions: StorefrontFixtureOptions;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    fixture = await startStorefrontFixture({ product: PRODUCT, config: null });
    baseOptions = { product: PRODUCT, config: buildConfig(fixture), streamPauseMs: 0 };
  });

  afterAll(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    await browser?.close();
    await fixture?.close();
  });

  function treatmentUrl(index: number): string {
    return fixture.imageUrl(TREATMENT[index].file);
  }

  /** Loads the product page with the fixture's options for this test and waits for the reveal. */
  async function openProductPage(options: { cookies?: Record<string, string>; fixture?: Partial<StorefrontFixtureOptions> } = {}): Promise<OpenedPage> {
    const probeHtml = renderFlashProbe(GALLERY_IMAGES, CONTROL_FILES);
    const overrides = options.fixture ?? {};
    // Every option is set, so nothing leaks from the previous test's page.
    fixture.update({ embedEnabled: true, embedSettings: {}, transformEmbed: undefined, pictureSlides: false, bodyHtml: "", ...baseOptions, ...overrides, headHtml: probeHtml + (overrides.headHtml ?? "") });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const host = new URL(fixture.origin).hostname;
    await context.addCookies(Object.entries(options.cookies ?? {}).map(([name, value]) => ({ name, value, domain: host, path: "/" })));
    const page = await context.newPage();
    const errors: string[] = [];
    const warnings: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(`${message.text()} (${message.location().url})`);
      if (message.type() === "warning") warnings.push(message.text());
    });
    page.on("pageerror", (error) => errors.push(`uncaught: ${error.message}`));
    await page.goto(fixture.productUrl, { waitUntil: "load" });
    await page.waitForFunction(() => !document.documentElement.classList.contains("abt-hide"));
    // A few frames after the reveal, so the probe has seen the revealed gallery.
    await page.waitForFunction(() => (window as unknown as { __flashProbe: FlashProbeReport }).__flashProbe.firstVisibleAt !== null);
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const probe = () => page.evaluate(() => (window as unknown as { __flashProbe: FlashProbeReport }).__flashProbe);
    return { context, page, errors, warnings, probe };
  }

  async function readCookies(context: BrowserContext) {
    const cookies = await context.cookies();
    return { visitor: cookies.find((cookie) => cookie.name === VISITOR_COOKIE), exposure: cookies.find((cookie) => cookie.name === EXPOSURE_COOKIE) };
  }

  function expectControlImages(state: GalleryState): void {
    const imageSlides = state.slides.filter((slide) => !slide.src.includes("video-poster"));
    expect(imageSlides).toHaveLength(3);
    const images = [...state.slides, ...state.thumbnails, ...state.modal].filter((image) => !image.tag.endsWith("31009"));
    expect(images).toHaveLength(9);
    for (const image of images) {
      expect(image.src).toMatch(/\/files\/control-\d\.png/);
      expect(image.srcset).not.toMatch(/treatment/);
    }
  }

  /** Every copy of control image i shows treatment image i, with the renditions and sizes Dawn had. */
  function expectTreatmentImages(state: GalleryState): void {
    const controlMedia = ["31001", "31002", "31003"];
    controlMedia.forEach((media, index) => {
      const slide = state.slides.find((image) => image.tag === `${fixture.sectionId}-${media}`)!;
      expect(slide.src).toBe(`${treatmentUrl(index)}&width=1946`);
      expect(slide.srcset).toBe(SLIDE_WIDTHS.map((width) => `${treatmentUrl(index)}&width=${width} ${width}w`).join(", "));
      expect(slide.sizes).toBe(SLIDE_SIZES);
      expect(slide.currentSrc).toContain(`/files/${TREATMENT[index].file}.png`);
      expect(slide.alt).toBe(TREATMENT[index].alt);
      expect(Number(slide.ratio)).toBeCloseTo(TREATMENT[index].width / TREATMENT[index].height, 4);

      const thumbnail = state.thumbnails.find((image) => image.tag === `${fixture.sectionId}-${media}`)!;
      expect(thumbnail.src).toBe(`${treatmentUrl(index)}&width=416`);
      expect(thumbnail.srcset).toBe(THUMBNAIL_WIDTHS.map((width) => `${treatmentUrl(index)}&width=${width} ${width}w`).join(", "));
      expect(thumbnail.currentSrc).toContain(`/files/${TREATMENT[index].file}.png`);

      const zoom = state.modal.find((image) => image.tag === media)!;
      expect(zoom.src).toBe(`${treatmentUrl(index)}&width=1445`);
      expect(zoom.srcset).toBe(MODAL_WIDTHS.map((width) => `${treatmentUrl(index)}&width=${width} ${width}w`).join(", "));
    });
    // The video's slide, thumbnail and modal poster are not images of the test.
    const videoCopies = [...state.slides, ...state.thumbnails, ...state.modal].filter((image) => image.tag.endsWith("31009"));
    expect(videoCopies).toHaveLength(3);
    for (const video of videoCopies) {
      expect(video.src).toContain("/files/video-poster.png");
      expect(video.srcset).not.toMatch(/treatment|control/);
    }
    expect(state.slides.find((image) => image.tag.endsWith("31009"))?.ratio).toBe("1.7778");
  }

  it("GIVEN a visitor assigned CONTROL WHEN the product page loads THEN they see the control images everywhere, never hidden, and their exposure is recorded", async () => {
    const { context, page, errors, probe } = await openProductPage({ cookies: { [VISITOR_COOKIE]: findVisitorId("CONTROL") }, fixture: { streamPauseMs: 60 } });

    const state = await readGalleryState(page);
    expectControlImages(state);
    for (const slide of state.slides.filter((image) => !image.src.includes("video-poster"))) expect(slide.currentSrc).toMatch(/\/files\/control-\d\.png/);
    const report = await probe();
    expect(report.framesWithGallery).toBeGreaterThan(0);
    expect(report.framesHidden).toBe(0);
    expect(await page.evaluate(() => document.documentElement.classList.contains("abt-hide"))).toBe(false);
    const { exposure } = await readCookies(context);
    expect(decodeExposures(exposure?.value)).toEqual([{ product: PRODUCT.id, testId: TEST_ID, arm: "CONTROL" }]);
    expect(errors).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/control.png` });
  });

  it("GIVEN a visitor assigned TREATMENT WHEN the page streams in slowly THEN every copy shows the treatment images and no frame ever showed a control image", async () => {
    // Shopify's analytics stand-in, and an early fetch of the first control image (as the preload
    // scanner does): that image is already loaded when its <img> is parsed, the hardest case.
    const headHtml = `<script>window.__published = []; window.Shopify = { analytics: { publish: (name, payload) => window.__published.push({ name, payload }) } };</script>
  <link rel="preload" as="image" imagesrcset="${SLIDE_WIDTHS.map((width) => `${fixture.imageUrl("control-1")}&amp;width=${width} ${width}w`).join(", ")}" imagesizes="${SLIDE_SIZES}">`;
    const visitorId = findVisitorId("TREATMENT");
    const { context, page, errors, probe } = await openProductPage({ cookies: { [VISITOR_COOKIE]: visitorId }, fixture: { streamPauseMs: 150, headHtml } });

    const state = await readGalleryState(page);
    expectTreatmentImages(state);
    const report = await probe();
    expect(report.framesHidden).toBeGreaterThan(0);
    expect(report.violations).toEqual([]);
    const { exposure } = await readCookies(context);
    expect(decodeExposures(exposure?.value)).toEqual([{ product: PRODUCT.id, testId: TEST_ID, arm: "TREATMENT" }]);
    expect(await page.evaluate(() => (window as unknown as { __published: unknown[] }).__published)).toEqual([
      { name: "ab_test_exposure", payload: { testId: TEST_ID, productId: PRODUCT.id, arm: "TREATMENT", visitorId } },
    ]);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/treatment.png` });

    await page.evaluate(() => (window as unknown as { __fixture: { openModal(): void } }).__fixture.openModal());
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>(".product-media-modal__content img[data-media-id]")].every((img) => img.complete && img.currentSrc));
    const modal = (await readGalleryState(page)).modal.filter((image) => !image.tag.endsWith("31009"));
    modal.forEach((image, index) => expect(image.currentSrc).toContain(`/files/${TREATMENT[index].file}.png`));
    await page.screenshot({ path: `${SCREENSHOT_DIR}/treatment-zoom-modal.png` });
    expect(errors).toEqual([]);
  });

  it("GIVEN a first-time visitor WHEN the page loads THEN they get a visitor id cookie, their arm's images, and other products' exposures are kept", async () => {
    const { context, page, errors } = await openProductPage({ cookies: { [EXPOSURE_COOKIE]: "9999:cm4othertest99:T" } });

    const { visitor, exposure } = await readCookies(context);
    expect(visitor?.value).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(visitor).toMatchObject({ path: "/", sameSite: "Lax", httpOnly: false, secure: false });
    expect(visitor!.expires - Date.now() / 1000).toBeGreaterThan(COOKIE_MAX_AGE_SECONDS - 120);
    const arm = assignArm(TEST_ID, visitor!.value, SPLIT);
    expect(decodeExposures(exposure?.value)).toEqual([
      { product: "9999", testId: "cm4othertest99", arm: "TREATMENT" },
      { product: PRODUCT.id, testId: TEST_ID, arm },
    ]);
    const state = await readGalleryState(page);
    if (arm === "TREATMENT") expectTreatmentImages(state);
    else expectControlImages(state);
    expect(errors).toEqual([]);
  });

  it("GIVEN consent to analytics WHEN a visitor loads the product page twice THEN the visitor id and exposures are stored on the cart once (ADR 008)", async () => {
    const headHtml = `<script>window.Shopify = { customerPrivacy: { analyticsProcessingAllowed: () => true } };</script>`;
    const visitorId = findVisitorId("CONTROL");
    fixture.cartUpdates.length = 0;
    const { page, errors } = await openProductPage({ cookies: { [VISITOR_COOKIE]: visitorId }, fixture: { headHtml } });
    await page.waitForFunction(() => localStorage.getItem("abt_cart_sync") !== null);

    const written = (body: URLSearchParams) => [body.get(`attributes[${CART_ATTRIBUTE.visitorId}]`), body.get(`attributes[${CART_ATTRIBUTE.exposures}]`)];
    expect(fixture.cartUpdates.map(written)).toEqual([[visitorId, encodeExposures([{ product: PRODUCT.id, testId: TEST_ID, arm: "CONTROL" }])]]);

    // The next page: same cart, same exposures, so no request.
    await page.reload({ waitUntil: "load" });
    await page.waitForFunction(() => !document.documentElement.classList.contains("abt-hide"));
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 300)));
    expect(fixture.cartUpdates).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it.each([
    ["consent to analytics refused", `<script>window.Shopify = { customerPrivacy: { analyticsProcessingAllowed: () => false } };</script>`],
    ["no Customer Privacy API on the page", ""],
  ])("GIVEN %s WHEN the product page loads THEN nothing is written to the cart", async (_name, headHtml) => {
    fixture.cartUpdates.length = 0;
    const { page, errors } = await openProductPage({ cookies: { [VISITOR_COOKIE]: findVisitorId("TREATMENT") }, fixture: { headHtml } });

    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 300)));
    expect(fixture.cartUpdates).toEqual([]);
    expect(await page.evaluate(() => localStorage.getItem("abt_cart_sync"))).toBeNull();
    expect(errors).toEqual([]);
  });

  it("GIVEN a theme that wraps gallery images in <picture> WHEN a TREATMENT visitor loads the page THEN the <source> points at the treatment image and the browser shows it", async () => {
    const { page, errors, probe } = await openProductPage({ cookies: { [VISITOR_COOKIE]: findVisitorId("TREATMENT") }, fixture: { pictureSlides: true } });

    const sources = await page.evaluate(() =>
      [...document.querySelectorAll(".product__media-list picture")].map((picture) => ({
        source: picture.querySelector("source")!.getAttribute("srcset"),
        currentSrc: picture.querySelector("img")!.currentSrc,
      })),
    );
    expect(sources).toHaveLength(3);
    sources.forEach(({ source, currentSrc }, index) => {
      expect(source).toBe(SLIDE_WIDTHS.map((width) => `${treatmentUrl(index)}&width=${width} ${width}w`).join(", "));
      expect(currentSrc).toContain(`/files/${TREATMENT[index].file}.png`);
    });
    expect((await probe()).violations).toEqual([]);
    expect(errors).toEqual([]);
  });

  it.each([
    { mode: "rerender", how: "replaces the slides, thumbnails and modal with fresh control markup" },
    { mode: "attributes", how: "rewrites the images' attributes in place and publishes variant-change" },
  ])("GIVEN a TREATMENT visitor WHEN a variant change $how THEN the treatment images are applied again without a flash", async ({ mode }) => {
    const { page, errors, probe } = await openProductPage({ cookies: { [VISITOR_COOKIE]: findVisitorId("TREATMENT") } });

    await page.evaluate((changeMode) => (window as unknown as { __fixture: { changeVariant(id: string, mode: string): Promise<void> } }).__fixture.changeVariant("41002", changeMode), mode);
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>(".product__media-list img")].every((img) => img.complete));

    const state = await readGalleryState(page);
    if (mode === "rerender") expect(state.slides[0].tag).toBe(`${fixture.sectionId}-31003`);
    expectTreatmentImages(state);
    expect((await probe()).violations).toEqual([]);
    expect(errors).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/treatment-after-variant-change-${mode}.png` });
  });

  it.each([
    {
      name: "treatment images are missing (404)",
      fixture: (): Partial<StorefrontFixtureOptions> => ({ config: buildConfig(fixture, (file) => `missing-${file}`), embedSettings: { reveal_timeout_ms: 3000 } }),
      revealedWithin: [0, 3000],
      imagesWhenRevealed: null,
      firstSlide: /\/files\/missing-treatment-1\.png/,
      allowedErrors: /Failed to load resource.*404.*\/files\/missing-treatment-\d\.png/,
    },
    {
      name: "a selector setting is invalid, so querySelectorAll throws",
      fixture: (): Partial<StorefrontFixtureOptions> => ({ embedSettings: { gallery_selector: "[[[", reveal_timeout_ms: 3000 } }),
      revealedWithin: [0, 3000],
      imagesWhenRevealed: null,
      firstSlide: /\/files\/control-1\.png/,
      allowedErrors: null,
    },
    {
      name: "Shopify.analytics.publish throws",
      fixture: (): Partial<StorefrontFixtureOptions> => ({
        headHtml: `<script>window.Shopify = { analytics: { publish() { throw new Error("analytics down"); } } };</script>`,
        embedSettings: { reveal_timeout_ms: 3000 },
      }),
      revealedWithin: [0, 3000],
      imagesWhenRevealed: null,
      firstSlide: /\/files\/treatment-1\.png/,
      allowedErrors: null,
    },
    {
      name: "the page stalls mid-gallery longer than the reveal timeout",
      // The section arrives at ~1000 ms, the rest of the gallery at ~2000 ms: the 1200 ms timeout fires in between.
      fixture: (): Partial<StorefrontFixtureOptions> => ({ streamPauseMs: 1000, embedSettings: { reveal_timeout_ms: 1200 } }),
      revealedWithin: [1150, 1900],
      imagesWhenRevealed: 1,
      firstSlide: /\/files\/treatment-1\.png/,
      allowedErrors: null,
    },
  ])("GIVEN a TREATMENT visitor WHEN $name THEN the gallery is revealed", async ({ name, fixture: options, revealedWithin, imagesWhenRevealed, firstSlide, allowedErrors }) => {
    const { page, errors, probe } = await openProductPage({ cookies: { [VISITOR_COOKIE]: findVisitorId("TREATMENT") }, fixture: options() });

    const report = await probe();
    expect(report.firstVisibleAt).toBeGreaterThanOrEqual(revealedWithin[0]);
    expect(report.firstVisibleAt).toBeLessThan(revealedWithin[1]);
    if (imagesWhenRevealed !== null) expect(report.imagesWhenFirstVisible).toBe(imagesWhenRevealed);
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('[id^="MediaGallery-"]')!).visibility)).toBe("visible");
    expect((await readGalleryState(page)).slides[0].src).toMatch(firstSlide);
    expect(errors.filter((error) => !allowedErrors?.test(error))).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/reveal-${name.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}.png` });
  });

  it("GIVEN the page without the embed WHEN it loads THEN the flash probe reports the control images it shows (the probe can see a flash)", async () => {
    const { page, probe } = await openProductPage({ fixture: { embedEnabled: false } });

    expect((await probe()).violations.length).toBeGreaterThan(0);
    expect(await page.evaluate(() => document.getElementById("abt-embed-config"))).toBeNull();
  });
});
