// Which treatment image replaces which control image. Dawn re-inserts, removes and reorders slides
// on a variant change, so the swap is keyed by media id, never by position.
import type { StorefrontImage, StorefrontTest } from "../../../app/lib/storefront-contract";

/** Control media id → the treatment image at the same position of the test's ordered lists. */
export function mapTreatmentByControlMedia(test: Pick<StorefrontTest, "control" | "treatment">): Map<string, StorefrontImage> {
  const map = new Map<string, StorefrontImage>();
  const count = Math.min(test.control.length, test.treatment.length);
  for (let index = 0; index < count; index++) {
    const media = test.control[index].media;
    // A media id listed twice keeps its first position, as the gallery shows it once.
    if (!map.has(media)) map.set(media, test.treatment[index]);
  }
  return map;
}

/**
 * The numeric media id in Dawn's attributes: `SID-MID` on slides and thumbnails (the section id
 * itself contains dashes), a bare `MID` in the zoom modal.
 */
export function readMediaId(attribute: string | null): string | null {
  if (!attribute) return null;
  const match = /(?:^|-)(\d+)$/.exec(attribute);
  return match ? match[1] : null;
}
