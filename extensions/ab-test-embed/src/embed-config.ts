// The block renders one JSON object for the script: this product's test and the merchant's
// settings. It comes from the app's own metafield, validated when the app published it, so this
// checks only what the script relies on (it ships inline on every product page, so every byte
// counts). A test that fails the checks is ignored: the page keeps its own gallery, untouched.
import type { StorefrontImage, StorefrontTest } from "../../../app/lib/storefront-contract";

/** Id of the `<script type="application/json">` element the block renders. */
export const CONFIG_ELEMENT_ID = "abt-embed-config";

export const DEFAULT_REVEAL_TIMEOUT_MS = 1500;
const MAX_REVEAL_TIMEOUT_MS = 10_000;

export interface EmbedConfig {
  test: StorefrontTest;
  /** Selector of the product's section root (Dawn: `[id^="MainProduct-"]`). */
  root: string;
  /** Selector of the gallery inside the root (Dawn: `[id^="MediaGallery-"]`). */
  gallery: string;
  /** Selector of the zoom modal's content inside the root. */
  modal: string;
  /** The gallery is always revealed after this long, whatever else happens. */
  timeout: number;
}

/** The parsed config, or null when it is absent or not one this script understands. */
export function parseEmbedConfig(text: string | null | undefined): EmbedConfig | null {
  try {
    const value = JSON.parse(text || "null");
    const test: StorefrontTest = value.test;
    // Spreading throws unless both lists are arrays (caught below: no test).
    const images: StorefrontImage[] = [...test.control, ...test.treatment];
    if (typeof test.id !== "string" || typeof test.split !== "number" || !(test.split >= 0 && test.split <= 100)) return null;
    if (images.some((image) => typeof image.url !== "string" || !image.url)) return null;
    // Ids are strings in the contract; numbers are accepted too, as the block's Liquid matches either.
    test.product = String(test.product);
    for (const image of images) image.media = String(image.media);
    return {
      test,
      // The block always renders the selectors (Dawn's by default); an invalid one throws in
      // querySelectorAll, which reveals the gallery.
      root: String(value.root),
      gallery: String(value.gallery),
      modal: String(value.modal),
      timeout: Math.min(value.timeout >= 0 ? value.timeout : DEFAULT_REVEAL_TIMEOUT_MS, MAX_REVEAL_TIMEOUT_MS),
    };
  } catch {
    return null;
  }
}
