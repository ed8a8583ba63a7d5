// Shopify CDN image URLs carry the rendition in a `width` query parameter (`?v=TS&width=N`). Dawn's
// `srcset` lists one URL per width; a treatment image must keep those widths so the browser picks
// the same rendition size it would have picked for the control image.

const WIDTH_PARAM = /[?&]width=(\d+)/i;

/** The `width` parameter of a CDN URL, or null when it has none. */
export function readImageWidth(url: string): number | null {
  const match = WIDTH_PARAM.exec(url);
  return match ? Number(match[1]) : null;
}

/** Sets (or replaces) the `width` parameter, keeping every other parameter and any fragment. */
export function setImageWidth(url: string, width: number): string {
  const [, path, query, hash] = /^([^?#]*)(?:\?([^#]*))?(.*)$/.exec(url)!;
  const params = (query || "").split("&").filter((param) => param && !/^width=/i.test(param));
  params.push(`width=${width}`);
  return `${path}?${params.join("&")}${hash}`;
}

/**
 * The same candidate list (widths and descriptors) pointing at `imageUrl`. Candidates are read as
 * the HTML parsing rules do: a URL runs to the next whitespace and loses trailing commas (then it
 * has no descriptor); otherwise its descriptor runs to the next comma. Each candidate keeps the
 * width it asked the CDN for: its `width` parameter, else its `Nw` descriptor.
 */
export function rebuildSrcset(srcset: string, imageUrl: string): string {
  const candidates: string[] = [];
  let rest = srcset;
  for (;;) {
    rest = rest.replace(/^[\s,]+/, "");
    let url = /^\S*/.exec(rest)![0];
    if (!url) return candidates.join(", ");
    rest = rest.slice(url.length);
    let descriptor = "";
    if (url[url.length - 1] === ",") {
      url = url.replace(/,+$/, "");
    } else {
      const end = (rest + ",").indexOf(",");
      descriptor = rest.slice(0, end).trim();
      rest = rest.slice(end);
    }
    const widthDescriptor = /^(\d+)w$/.exec(descriptor);
    const width = readImageWidth(url) || (widthDescriptor ? Number(widthDescriptor[1]) : null);
    const rebuilt = width ? setImageWidth(imageUrl, width) : imageUrl;
    candidates.push(descriptor ? `${rebuilt} ${descriptor}` : rebuilt);
  }
}

/** `src` keeps the rendition width it had (Dawn's default rendition), or is the plain image URL. */
export function rebuildSrc(src: string, imageUrl: string): string {
  const width = readImageWidth(src);
  return width === null ? imageUrl : setImageWidth(imageUrl, width);
}

/**
 * The identity of an image file regardless of scheme, rendition and cache-buster, so that
 * `https://shop/cdn/shop/files/a.jpg?v=1&width=600` and `//shop/cdn/shop/files/a.jpg` compare equal.
 */
export function imageFileKey(url: string): string {
  return url.replace(/^[a-z][a-z0-9+.-]*:/i, "").replace(/[?#].*$/, "");
}
