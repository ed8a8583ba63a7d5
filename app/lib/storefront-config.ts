// Builds the compact storefront config (app/lib/storefront-contract.ts) from the shop's running tests.
// Pure: the publisher service sends the result to the app-owned metafield.
import { CONFIG_MAX_BYTES, numericId, type StorefrontConfig, type StorefrontImage } from "./storefront-contract";

/** How an ABTest stores an image set (controlImages / treatmentImages JSON columns), in order. */
export interface TestImage {
  mediaId: string;
  url: string;
  altText?: string | null;
  width?: number | null;
  height?: number | null;
}

export interface RunningTest {
  id: string;
  productId: string;
  trafficSplit: number;
  controlImages: TestImage[];
  treatmentImages: TestImage[];
}

export class StorefrontConfigTooLargeError extends Error {
  constructor(readonly bytes: number) {
    super(`The storefront configuration is ${bytes} bytes; Shopify allows ${CONFIG_MAX_BYTES}. Complete or pause some tests, or use fewer images.`);
    this.name = "StorefrontConfigTooLargeError";
  }
}

function toStorefrontImage(image: TestImage): StorefrontImage {
  const compact: StorefrontImage = { media: numericId(image.mediaId) ?? image.mediaId, url: image.url };
  if (image.altText) compact.alt = image.altText;
  if (image.width) compact.width = image.width;
  if (image.height) compact.height = image.height;
  return compact;
}

/** Only ACTIVE tests belong in it; ordered by product so the JSON is stable for the same tests. */
export function buildStorefrontConfig(tests: RunningTest[]): { config: StorefrontConfig; json: string } {
  const config: StorefrontConfig = {
    v: 1,
    tests: [...tests]
      .sort((a, b) => a.productId.localeCompare(b.productId) || a.id.localeCompare(b.id))
      .map((test) => ({
        id: test.id,
        product: numericId(test.productId) ?? test.productId,
        split: test.trafficSplit,
        control: test.controlImages.map(toStorefrontImage),
        treatment: test.treatmentImages.map(toStorefrontImage),
      })),
  };
  const json = JSON.stringify(config);
  const bytes = new TextEncoder().encode(json).length;
  if (bytes > CONFIG_MAX_BYTES) throw new StorefrontConfigTooLargeError(bytes);
  return { config, json };
}
