// A probe for "no flash of control images": injected into <head> before the embed, it checks every
// animation frame (rAF callbacks run right before the browser paints) whether a gallery image that
// is visible shows, or is loading, one of the given control files. The page's state at each rAF is
// what gets painted, so a violation here is a frame a visitor could have seen.

export interface FlashViolation {
  /** ms since navigation start */
  at: number;
  src: string;
  currentSrc: string;
}

export interface FlashProbeReport {
  /** Frames checked. */
  frames: number;
  /** Frames in which at least one gallery image existed (hidden or not). */
  framesWithGallery: number;
  /** Frames in which the gallery existed and was hidden. */
  framesHidden: number;
  /** First frame (ms since navigation start) in which the gallery was visible; null if never. */
  firstVisibleAt: number | null;
  /** Gallery images in the DOM in that frame (fewer than all: revealed before the gallery was parsed). */
  imagesWhenFirstVisible: number | null;
  violations: FlashViolation[];
}

/** `galleryImages` selects the images to watch; `controlFiles` are file names such as `control-1`. */
export function renderFlashProbe(galleryImages: string, controlFiles: string[]): string {
  const settings = JSON.stringify({ galleryImages, controlFiles: controlFiles.map((file) => `/files/${file}.`) }).replace(/</g, "\\u003c");
  return `<script>
(() => {
  const { galleryImages, controlFiles } = ${settings};
  const report = { frames: 0, framesWithGallery: 0, framesHidden: 0, firstVisibleAt: null, imagesWhenFirstVisible: null, violations: [] };
  window.__flashProbe = report;
  const isShown = (element) => {
    if (getComputedStyle(element).visibility !== "visible") return false;
    for (let node = element; node instanceof Element; node = node.parentElement) if (getComputedStyle(node).opacity === "0") return false;
    return true;
  };
  const showsControl = (url) => controlFiles.some((file) => url.includes(file));
  const check = () => {
    report.frames++;
    const images = [...document.querySelectorAll(galleryImages)];
    if (images.length) {
      report.framesWithGallery++;
      const visible = images.filter(isShown);
      if (!visible.length) report.framesHidden++;
      else if (report.firstVisibleAt === null) {
        report.firstVisibleAt = performance.now();
        report.imagesWhenFirstVisible = images.length;
      }
      for (const img of visible) {
        if (showsControl(img.currentSrc) || showsControl(img.getAttribute("src") || "")) {
          report.violations.push({ at: performance.now(), src: img.getAttribute("src"), currentSrc: img.currentSrc });
        }
      }
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();
</script>`;
}
