// The embed's runtime: assign the visitor, record the exposure, and for treatment visitors keep the
// gallery hidden (CSS rendered by the block, switched on by HIDE_CLASS) until its images are the
// treatment's, then reveal. Every failure path reveals: a broken test must never hide a gallery.
import { assignArm, type Arm } from "../../../app/lib/assignment";
import { decodeExposures, encodeExposures, EXPOSURE_COOKIE, recordExposure, VISITOR_COOKIE } from "../../../app/lib/storefront-contract";
import { isAnalyticsAllowed, syncCartAttributes, type ShopifyGlobal } from "./cart-attributes";
import { CONFIG_ELEMENT_ID, parseEmbedConfig, type EmbedConfig } from "./embed-config";
import { imageFileKey } from "./image-urls";
import { mapTreatmentByControlMedia } from "./media-map";
import { findProductRoots, swapProductMedia, type SwapScope } from "./swap-images";
import { createVisitorId, formatCookie, isVisitorId, readCookie } from "./visitor-cookies";

/** Class on `<html>` that the block's inline `<style>` keys the hiding on. */
export const HIDE_CLASS = "abt-hide";
/** Custom event for `Shopify.analytics.publish`, which app pixels can subscribe to. */
export const EXPOSURE_EVENT = "ab_test_exposure";

export interface ExposureEventPayload {
  testId: string;
  productId: string;
  arm: Arm;
  visitorId: string;
}

interface StorefrontWindow extends Window {
  /** Dawn's pubsub (assets/pubsub.js), a global once its deferred script ran. */
  subscribe?: (event: string, callback: () => void) => unknown;
  Shopify?: ShopifyGlobal & { analytics?: { publish?: (event: string, payload: ExposureEventPayload) => void } };
}

function warn(error: unknown): void {
  console.warn("[ab-test-embed]", error);
}

function whenDomReady(doc: Document, callback: () => void): void {
  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", callback);
  else callback();
}

/** True once the parser has moved past `element`, i.e. all of its content is in the DOM. */
function isParsed(element: Element, body: HTMLElement | null): boolean {
  for (let node: Node | null = element; node && node !== body; node = node.parentNode) if (node.nextSibling) return true;
  return false;
}

function readVisitorId(win: Window, secure: boolean): string {
  const existing = readCookie(win.document.cookie, VISITOR_COOKIE);
  const visitorId = isVisitorId(existing) ? existing : createVisitorId(win.crypto);
  // Written on every view, so the one-year expiry counts from the last visit.
  win.document.cookie = formatCookie(VISITOR_COOKIE, visitorId, secure);
  return visitorId;
}

function writeExposure(doc: Document, config: EmbedConfig, arm: Arm, secure: boolean): string {
  const exposures = encodeExposures(recordExposure(decodeExposures(readCookie(doc.cookie, EXPOSURE_COOKIE)), { product: config.test.product, testId: config.test.id, arm }));
  doc.cookie = formatCookie(EXPOSURE_COOKIE, exposures, secure);
  return exposures;
}

function publishExposure(win: StorefrontWindow, payload: ExposureEventPayload): void {
  try {
    const analytics = win.Shopify && win.Shopify.analytics;
    if (analytics && typeof analytics.publish === "function") analytics.publish(EXPOSURE_EVENT, payload);
  } catch (error) {
    warn(error);
  }
}

/**
 * Swaps as the parser inserts the gallery, and again whenever the theme inserts media later
 * (Dawn's variant change). Reveals once the gallery is fully parsed and no swapped image still
 * displays its control image. That happens when the control image was already loaded when its
 * `<img>` was parsed (the preload scanner fetched it): under the HTML spec's "pending request" the
 * old image stays painted until the new source has loaded. (Chromium blanks it instead; the wait
 * then ends at the next check, at the latest when the new image loads.) Lazy images are not waited
 * for: the preload scanner does not fetch them early, and offscreen they would not load at all.
 */
function runTreatment(win: StorefrontWindow, config: EmbedConfig, reveal: () => void, isRevealed: () => boolean): void {
  const doc = win.document;
  const treatmentByMedia = mapTreatmentByControlMedia(config.test);
  const scope: SwapScope = { root: config.root, containers: [config.gallery, config.modal], product: config.test.product };
  const treatmentFiles = new Set(config.test.treatment.map((image) => imageFileKey(image.url)));
  // A position whose treatment is its control image is not a control image to wait out.
  const controlFiles = new Set(config.test.control.map((image) => imageFileKey(image.url)).filter((file) => !treatmentFiles.has(file)));
  const failed = new WeakSet<HTMLImageElement>();
  let loading: HTMLImageElement[] = [];
  let domReady = false;

  const showsControl = (img: HTMLImageElement) => img.isConnected && !failed.has(img) && controlFiles.has(imageFileKey(img.currentSrc));
  const galleriesParsed = () => {
    const galleries: Element[] = [];
    for (const root of findProductRoots(doc, scope)) galleries.push(...root.querySelectorAll(config.gallery));
    return galleries.length > 0 && galleries.every((gallery) => isParsed(gallery, doc.body));
  };
  const settle = () => {
    if (isRevealed()) return;
    loading = loading.filter(showsControl);
    if (!loading.length && (domReady || galleriesParsed())) reveal();
  };
  const onFailed = (event: Event) => {
    // The treatment image is broken: showing the control is better than an empty gallery.
    failed.add(event.target as HTMLImageElement);
    settle();
  };
  const apply = () => {
    try {
      for (const img of swapProductMedia(doc, scope, treatmentByMedia)) {
        if (isRevealed() || img.loading === "lazy" || loading.indexOf(img) >= 0 || !showsControl(img)) continue;
        loading.push(img);
        img.addEventListener("load", settle);
        img.addEventListener("error", onFailed);
      }
      settle();
    } catch (error) {
      warn(error);
      reveal();
    }
  };

  // childList only: the swap writes attributes, so it never re-triggers this observer.
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node.nodeType === 1) return apply();
      }
    }
  }).observe(doc.documentElement, { childList: true, subtree: true });

  whenDomReady(doc, () => {
    domReady = true;
    apply();
    // Themes that rewrite image attributes in place (no node inserted) still announce the change.
    if (typeof win.subscribe === "function") {
      win.subscribe("variant-change", () => {
        apply();
        win.requestAnimationFrame(apply);
      });
    }
  });
}

export function startEmbed(win: StorefrontWindow): void {
  const doc = win.document;
  let revealed = true;
  let timer = 0;
  const reveal = () => {
    if (revealed) return;
    revealed = true;
    win.clearTimeout(timer);
    doc.documentElement.classList.remove(HIDE_CLASS);
  };
  try {
    const element = doc.getElementById(CONFIG_ELEMENT_ID);
    const config = parseEmbedConfig(element && element.textContent);
    if (!config) return;
    const secure = win.location.protocol === "https:";
    const visitorId = readVisitorId(win, secure);
    const arm = assignArm(config.test.id, visitorId, config.test.split);
    if (arm === "TREATMENT") {
      revealed = false;
      doc.documentElement.classList.add(HIDE_CLASS);
      timer = win.setTimeout(reveal, config.timeout);
    }
    const exposures = writeExposure(doc, config, arm, secure);
    // Shopify's analytics and privacy objects are set up by other head scripts; by DOMContentLoaded they exist.
    whenDomReady(doc, () => {
      publishExposure(win, { testId: config.test.id, productId: config.test.product, arm, visitorId });
      if (isAnalyticsAllowed(win.Shopify)) syncCartAttributes(win, () => readCookie(doc.cookie, "cart"), visitorId, exposures);
    });
    if (arm === "TREATMENT") runTreatment(win, config, reveal, () => revealed);
  } catch (error) {
    warn(error);
    reveal();
  }
}
