// Puts the treatment images into every copy Dawn renders of a product's media: gallery slides,
// thumbnails and the zoom modal (STOREFRONT.md). Writes only attributes that differ, so applying
// twice changes nothing: the embed re-applies on every DOM change without looping on its own work.
import type { StorefrontImage } from "../../../app/lib/storefront-contract";
import { readMediaId } from "./media-map";
import { rebuildSrc, rebuildSrcset } from "./image-urls";

/** Media whose poster image must stay as it is: a video or 3D model is not part of an image test. */
const NON_IMAGE_MEDIA = "deferred-media,product-model,model-viewer,video,iframe,template";
/** Elements Dawn tags with a media id: slides and modal images (`data-media-id`), thumbnails (`data-target`). */
const MEDIA_TAGGED = "[data-media-id],[data-target]";

export interface SwapScope {
  /** Selector of the product's section root. */
  root: string;
  /** Selectors, inside the root, of the containers whose images are swapped. */
  containers: string[];
  /** Numeric product id; a root whose `data-product-id` names another product is left alone. */
  product: string;
}

function setAttribute(element: Element, name: string, value: string): void {
  if (element.getAttribute(name) !== value) element.setAttribute(name, value);
}

function setRatio(container: Element, image: StorefrontImage): void {
  if (!image.width || !image.height) return;
  const ratio = String(Math.round((image.width / image.height) * 10000) / 10000);
  for (const element of [container, ...container.querySelectorAll("[style*='--ratio']")] as HTMLElement[]) {
    // Dawn sizes the slide from --ratio (and --preview-ratio when the section constrains media height).
    for (const property of ["--ratio", "--preview-ratio"]) {
      const current = element.style.getPropertyValue(property).trim();
      if (current && current !== ratio) element.style.setProperty(property, ratio);
    }
  }
}

/** Points one `<img>` (and its `<picture>` sources) at `image`, keeping rendition widths and `sizes`. */
export function swapImage(img: HTMLImageElement, image: StorefrontImage): void {
  // Sources, then srcset, then src: the browser selects in that order, so changing a lower-priority
  // attribute first could start a fetch of an image that is about to be replaced.
  const picture = img.parentElement;
  if (picture && picture.tagName === "PICTURE") {
    for (const source of picture.getElementsByTagName("source")) {
      const sourceSrcset = source.getAttribute("srcset");
      if (sourceSrcset) setAttribute(source, "srcset", rebuildSrcset(sourceSrcset, image.url));
    }
  }
  const srcset = img.getAttribute("srcset");
  if (srcset) setAttribute(img, "srcset", rebuildSrcset(srcset, image.url));
  setAttribute(img, "src", rebuildSrc(img.getAttribute("src") || "", image.url));
  // The publisher omits an empty alt text: the treatment image then has none, not the control's.
  setAttribute(img, "alt", image.alt || "");
  const width = Number(img.getAttribute("width"));
  if (width > 0 && image.width && image.height) setAttribute(img, "height", String(Math.round((width * image.height) / image.width)));
}

/** The images of one media element: itself if it is an `<img>`, else the ones inside it. */
function imagesOf(element: Element): HTMLImageElement[] {
  if (element.tagName === "IMG") return element.closest(NON_IMAGE_MEDIA) ? [] : [element as HTMLImageElement];
  if (element.matches(NON_IMAGE_MEDIA) || element.querySelector(NON_IMAGE_MEDIA)) return [];
  return [...element.getElementsByTagName("img")];
}

/** The product roots on the page that show this test's product (not a featured product or quick-add of another). */
export function findProductRoots(doc: Document, scope: SwapScope): Element[] {
  return [...doc.querySelectorAll(scope.root)].filter((root) => {
    const product = root.getAttribute("data-product-id");
    return !product || product === scope.product;
  });
}

/**
 * Swaps every mapped image under the product roots. Returns the images it pointed at a treatment
 * image (whether or not they had to change), so the caller can wait for them to load.
 */
export function swapProductMedia(doc: Document, scope: SwapScope, treatmentByMedia: Map<string, StorefrontImage>): HTMLImageElement[] {
  const swapped: HTMLImageElement[] = [];
  for (const root of findProductRoots(doc, scope)) {
    for (const selector of scope.containers) {
      for (const container of root.querySelectorAll(selector)) {
        for (const element of container.querySelectorAll(MEDIA_TAGGED)) {
          const image = treatmentByMedia.get(readMediaId(element.getAttribute("data-media-id") || element.getAttribute("data-target")) || "");
          if (!image) continue;
          const images = imagesOf(element);
          for (const img of images) swapImage(img, image);
          if (images.length && element.tagName !== "IMG") setRatio(element, image);
          swapped.push(...images);
        }
      }
    }
  }
  return swapped;
}
