// What the app, the theme app embed and the web pixel agree on: cookie names and formats, and the
// storefront config the app publishes to an app-owned metafield for the embed to render inline.
// Pure and dependency-free: bundled into both extensions.
import type { Arm } from "./assignment";

/** First-party cookie holding the visitor's random id (set by the embed, read by the pixel). */
export const VISITOR_COOKIE = "abt_vid";
/** First-party cookie listing the tests the visitor was shown, with the arm they saw. */
export const EXPOSURE_COOKIE = "abt_exp";
export const COOKIE_MAX_AGE_SECONDS = 60 * 60 * 24 * 365;
/** Exposures kept per visitor; the oldest are dropped first so the cookie stays small. */
export const MAX_EXPOSURES = 20;

export const CONFIG_METAFIELD = { namespace: "ab_image_tests", key: "config", type: "json" } as const;
/** Shopify's limit for a JSON metafield value (API 2026-04+). */
export const CONFIG_MAX_BYTES = 128 * 1024;

export interface StorefrontImage {
  /** Numeric media id (the `MID` of Dawn's `data-media-id="SID-MID"`). */
  media: string;
  url: string;
  alt?: string;
  width?: number;
  height?: number;
}

export interface StorefrontTest {
  id: string;
  /** Numeric product id. */
  product: string;
  /** Percentage of visitors shown the treatment. */
  split: number;
  control: StorefrontImage[];
  treatment: StorefrontImage[];
}

export interface StorefrontConfig {
  v: 1;
  tests: StorefrontTest[];
}

export interface Exposure {
  product: string;
  testId: string;
  arm: Arm;
}

/** `gid://shopify/Product/123` or `123` → `123`; anything else → null. */
export function numericId(id: string | number | null | undefined): string | null {
  if (id === null || id === undefined) return null;
  const match = /^(?:gid:\/\/shopify\/[A-Za-z]+\/)?(\d{1,20})$/.exec(String(id));
  return match ? match[1] : null;
}

const ARM_CODES: Record<Arm, string> = { CONTROL: "C", TREATMENT: "T" };

/** Cookie value: `product:testId:C|product:testId:T`, newest last (characters safe in a cookie). */
export function encodeExposures(exposures: Exposure[]): string {
  return exposures
    .slice(-MAX_EXPOSURES)
    .map((exposure) => `${exposure.product}:${exposure.testId}:${ARM_CODES[exposure.arm]}`)
    .join("|");
}

export function decodeExposures(value: string | null | undefined): Exposure[] {
  if (!value) return [];
  const exposures: Exposure[] = [];
  for (const entry of safeDecode(value).split("|")) {
    const [product, testId, code] = entry.split(":");
    if (!product || !/^\d{1,20}$/.test(product) || !testId || !/^[\w-]{1,64}$/.test(testId)) continue;
    if (code !== "C" && code !== "T") continue;
    exposures.push({ product, testId, arm: code === "T" ? "TREATMENT" : "CONTROL" });
  }
  return exposures;
}

/** Adds or refreshes one exposure, keeping one entry per product (the latest test wins). */
export function recordExposure(exposures: Exposure[], exposure: Exposure): Exposure[] {
  return [...exposures.filter((existing) => existing.product !== exposure.product), exposure].slice(-MAX_EXPOSURES);
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
