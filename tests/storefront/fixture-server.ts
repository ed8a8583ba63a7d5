// A Dawn-like storefront on loopback for browser tests of the storefront code (theme app embed,
// web pixel harness). It serves a product page built from the outline in shared/STOREFRONT.md,
// with the app embed rendered by liquidjs into <head> where Shopify puts head embeds, the product
// images from the same origin (solid-colour PNGs, one colour per file name, so screenshots show
// which image is where), Dawn's section-rendering response for a variant change, and small stand-ins
// for Dawn's pubsub.js and product-info.js.
//
//   GET /products/{handle}                               the product page
//   GET /products/{handle}?section_id=SID&variant=ID     the main-product section, variant's media first
//   GET /cdn/shop/files/{name}.png                       an image (404 when the name starts with "missing")
//   GET /assets/pubsub.js, /assets/product-info.js       Dawn stand-ins (see DAWN_SCRIPTS below)
//   POST /cart/update.js                                 recorded in cartUpdates; sets the `cart` cookie as Shopify does
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import type { StorefrontConfig } from "../../app/lib/storefront-contract";
import { encodeLabelledPng } from "../fake-shopify/png";
import { renderEmbedBlock, type EmbedBlockSettings } from "./render-embed-block";

export interface FixtureImageMedia {
  type: "image";
  /** Numeric media id. */
  media: string;
  /** File name without extension, served at /cdn/shop/files/{file}.png. */
  file: string;
  width: number;
  height: number;
  alt: string;
}

export interface FixtureVideoMedia {
  type: "video";
  media: string;
  /** Poster image file name. */
  poster: string;
  width: number;
  height: number;
}

export type FixtureMedia = FixtureImageMedia | FixtureVideoMedia;

export interface FixtureVariant {
  id: string;
  title: string;
  /** Media id Dawn moves to the front when this variant is selected. */
  featuredMedia: string;
}

export interface FixtureProduct {
  /** Numeric product id. */
  id: string;
  handle: string;
  title: string;
  /** In gallery order. */
  media: FixtureMedia[];
  variants: FixtureVariant[];
}

export interface StorefrontFixtureOptions {
  product: FixtureProduct;
  /** The value of the app's config metafield; null when the metafield does not exist. */
  config: StorefrontConfig | null;
  /** false renders the page without the app embed (as before the merchant enables it). Default true. */
  embedEnabled?: boolean;
  embedSettings?: Partial<EmbedBlockSettings>;
  /** Applied to the rendered embed, e.g. to drop a part of it in a test. */
  transformEmbed?: (html: string) => string;
  /** Wraps each gallery slide's image in <picture> with a <source>, as some themes do. Default false. */
  pictureSlides?: boolean;
  /** HTML placed in <head> before the embed (a probe or a stub that must exist first). */
  headHtml?: string;
  /** HTML appended to <body>. */
  bodyHtml?: string;
  /**
   * Pauses (ms) while streaming the page: before the product section, after the gallery's first
   * slide and after the gallery, so the browser paints a partly parsed page as on a slow
   * connection (and early-fetched images finish before their <img> is parsed). Default 0.
   */
  streamPauseMs?: number;
}

export interface StorefrontFixture {
  /** http://127.0.0.1:PORT */
  origin: string;
  productUrl: string;
  /** Section id of the main-product section (Dawn's SID). */
  sectionId: string;
  /** A served image as Shopify writes CDN URLs: protocol-relative, with a cache-buster. */
  imageUrl(file: string): string;
  /** Changes what the next page load gets. */
  update(options: Partial<StorefrontFixtureOptions>): void;
  /** Bodies of the POST /cart/update.js requests received (form-encoded, as the embed sends them). */
  cartUpdates: URLSearchParams[];
  close(): Promise<void>;
}

export const FIXTURE_SECTION_ID = "template--24019873513728__main";
/** Any served image's `v` parameter (Shopify's cache-buster). */
const IMAGE_VERSION = "1718000000";
/** Renditions Dawn 15 lists per copy of an image. */
export const SLIDE_WIDTHS = [246, 493, 600, 713, 823, 990, 1100, 1206, 1346, 1426, 1646, 1946];
export const THUMBNAIL_WIDTHS = [54, 74, 104, 162, 208, 324, 416];
export const MODAL_WIDTHS = [550, 1100, 1445, 1680, 2048, 2200, 2890, 4096];
export const SLIDE_SIZES = "(min-width: 1200px) 715px, (min-width: 990px) calc(65.0vw - 10rem), (min-width: 750px) calc((100vw - 11.5rem) / 2), calc(100vw / 1 - 4rem)";
const THUMBNAIL_SIZES = "(min-width: 1200px) calc((1200px - 19.5rem) / 12), (min-width: 750px) calc((100vw - 16.5rem) / 8), calc((100vw - 8rem) / 5)";
const MODAL_SIZES = "(min-width: 750px) calc(100vw - 22rem), 1100px";
/** Served PNGs are this wide (any rendition): enough for solid colours, cheap to generate. */
const SERVED_IMAGE_WIDTH = 48;

function escapeAttribute(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}

function escapeText(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;");
}

/** `src` + `srcset` attributes the way Dawn's image_url filters write them (`&` as `&amp;`). */
function imageAttributes(baseUrl: string, widths: number[], srcWidth: number, sizes: string): string {
  const srcset = widths.map((width) => `${baseUrl}&width=${width} ${width}w`).join(", ");
  return `src="${escapeAttribute(`${baseUrl}&width=${srcWidth}`)}" srcset="${escapeAttribute(srcset)}" sizes="${sizes}"`;
}

function ratioOf(media: FixtureMedia): string {
  return (Math.round((media.width / media.height) * 10000) / 10000).toString();
}

interface PageParts {
  /** Up to and including the first slide. */
  start: string;
  /** The rest of the gallery. */
  gallery: string;
  /** Everything after the gallery. */
  end: string;
}

class ProductMarkup {
  constructor(
    private readonly host: string,
    private readonly product: FixtureProduct,
    private readonly sid: string,
    private readonly pictureSlides: boolean,
  ) {}

  imageBaseUrl(file: string): string {
    return `//${this.host}/cdn/shop/files/${file}.png?v=${IMAGE_VERSION}`;
  }

  private slide(media: FixtureMedia, index: number): string {
    const lazy = index === 0 ? "" : ' loading="lazy"';
    const active = index === 0 ? " is-active" : "";
    const opening = `<li id="Slide-${this.sid}-${media.media}" class="product__media-item grid__item slider__slide${active}" data-media-id="${this.sid}-${media.media}">`;
    const ratio = ratioOf(media);
    if (media.type === "video") {
      return `${opening}
          <div class="product-media-container media-type-video media-fit-contain" style="--ratio: ${ratio}; --preview-ratio: ${ratio};">
            <deferred-media class="deferred-media media" data-media-id="${media.media}">
              <button id="Deferred-Poster-Modal-${media.media}" class="deferred-media__poster" type="button">
                <span class="visually-hidden">Play video</span>
                <img ${imageAttributes(this.imageBaseUrl(media.poster), SLIDE_WIDTHS, 1946, SLIDE_SIZES)} alt="" width="1946" height="${Math.ceil(1946 / Number(ratio))}"${lazy}>
              </button>
              <template><video playsinline controls src="/videos/${media.media}.mp4"></video></template>
            </deferred-media>
          </div>
        </li>`;
    }
    return `${opening}
          <div class="product-media-container media-type-image media-fit-contain gradient global-media-settings" style="--ratio: ${ratio}; --preview-ratio: ${ratio};">
            <modal-opener class="product__modal-opener product__modal-opener--image" data-modal="#ProductModal-${this.sid}">
              <span class="product__media-icon motion-reduce quick-add-hidden" aria-hidden="true">+</span>
              <div class="product__media media media--transparent">
                ${this.pictureSlides ? `<picture><source type="image/png" srcset="${escapeAttribute(SLIDE_WIDTHS.map((width) => `${this.imageBaseUrl(media.file)}&width=${width} ${width}w`).join(", "))}" sizes="${SLIDE_SIZES}">` : ""}<img ${imageAttributes(this.imageBaseUrl(media.file), SLIDE_WIDTHS, 1946, SLIDE_SIZES)} alt="${escapeAttribute(media.alt)}" width="1946" height="${Math.ceil(1946 / Number(ratio))}"${lazy}>${this.pictureSlides ? "</picture>" : ""}
              </div>
              <button class="product__media-toggle quick-add-hidden product__media-zoom-lightbox" type="button" aria-haspopup="dialog" data-media-id="${media.media}">
                <span class="visually-hidden">Open media ${index + 1} in modal</span>
              </button>
            </modal-opener>
          </div>
        </li>`;
  }

  private thumbnail(media: FixtureMedia, index: number): string {
    const file = media.type === "video" ? media.poster : media.file;
    const alt = media.type === "video" ? "" : media.alt;
    return `<li id="Slide-Thumbnails-${this.sid}-${index}" class="thumbnail-list__item slider__slide" data-target="${this.sid}-${media.media}" data-media-position="${index + 1}">
          <button class="thumbnail global-media-settings global-media-settings--no-shadow" aria-label="Load image ${index + 1} in gallery view">
            <img ${imageAttributes(this.imageBaseUrl(file), THUMBNAIL_WIDTHS, 416, THUMBNAIL_SIZES)} alt="${escapeAttribute(alt)}" height="416" width="416" loading="lazy">
          </button>
        </li>`;
  }

  private modalMedia(media: FixtureMedia): string {
    if (media.type === "video") {
      return `<deferred-media class="deferred-media media media--transparent" data-media-id="${media.media}">
          <button class="deferred-media__poster" type="button"><img ${imageAttributes(this.imageBaseUrl(media.poster), MODAL_WIDTHS, 1445, MODAL_SIZES)} alt="" width="1100" height="${Math.ceil(1100 / Number(ratioOf(media)))}" loading="lazy"></button>
          <template><video playsinline controls src="/videos/${media.media}.mp4"></video></template>
        </deferred-media>`;
    }
    return `<img class="global-media-settings global-media-settings--no-shadow" ${imageAttributes(this.imageBaseUrl(media.file), MODAL_WIDTHS, 1445, MODAL_SIZES)} alt="${escapeAttribute(media.alt)}" width="1100" height="${Math.ceil(1100 / Number(ratioOf(media)))}" loading="lazy" data-media-id="${media.media}">`;
  }

  /** The gallery order: Dawn moves the selected variant's featured media to the front. */
  orderedMedia(featuredMedia: string | null): FixtureMedia[] {
    const featured = this.product.media.find((media) => media.media === featuredMedia);
    return featured ? [featured, ...this.product.media.filter((media) => media !== featured)] : this.product.media;
  }

  /** The main-product section, split where the page pauses while streaming. */
  section(featuredMedia: string | null): PageParts {
    const { product, sid } = this;
    const media = this.orderedMedia(featuredMedia);
    const selected = product.variants.find((variant) => variant.featuredMedia === featuredMedia) ?? product.variants[0];
    const variantInputs = product.variants
      .map(
        (variant) =>
          `<input type="radio" id="Variant-${variant.id}" name="id" value="${variant.id}"${variant === selected ? " checked" : ""}><label for="Variant-${variant.id}">${escapeText(variant.title)}</label>`,
      )
      .join("\n            ");
    const start = `<div id="shopify-section-${sid}" class="shopify-section section">
  <product-info id="MainProduct-${sid}" class="section-${sid}-padding" data-section="${sid}" data-product-id="${product.id}" data-update-url="true" data-url="/products/${product.handle}">
    <div class="page-width">
      <div class="product product--large product--left product--thumbnail grid grid--1-col grid--2-col-tablet">
        <div class="grid__item product__media-wrapper">
          <media-gallery id="MediaGallery-${sid}" role="region" class="product__column-sticky" aria-label="Gallery Viewer" data-desktop-layout="thumbnail">
            <slider-component id="GalleryViewer-${sid}" class="slider-mobile-gutter">
              <ul id="Slider-Gallery-${sid}" class="product__media-list contains-media grid grid--peek list-unstyled slider slider--mobile" role="list">
        ${this.slide(media[0], 0)}`;
    const gallery = `
        ${media.slice(1).map((item, index) => this.slide(item, index + 1)).join("\n        ")}
              </ul>
            </slider-component>
            <slider-component id="GalleryThumbnails-${sid}" class="thumbnail-slider slider-mobile-gutter">
              <ul id="Slider-Thumbnails-${sid}" class="thumbnail-list list-unstyled slider slider--mobile" role="list">
        ${media.map((item, index) => this.thumbnail(item, index)).join("\n        ")}
              </ul>
            </slider-component>
          </media-gallery>`;
    const end = `
        </div>
        <div class="product__info-wrapper grid__item">
          <section id="ProductInfo-${sid}" class="product__info-container">
            <h1 class="product__title">${escapeText(product.title)}</h1>
            <fieldset class="product-form__input" id="Variants-${sid}">
              <legend>Colour</legend>
            ${variantInputs}
            </fieldset>
          </section>
        </div>
      </div>
      <product-modal id="ProductModal-${sid}" class="product-media-modal media-modal">
        <div class="product-media-modal__dialog" role="dialog" aria-label="Media gallery" aria-modal="true" tabindex="-1">
          <button id="ModalClose-${sid}" type="button" class="product-media-modal__toggle" aria-label="Close">×</button>
          <div class="product-media-modal__content color-scheme-1 gradient" role="document" aria-label="Media gallery" tabindex="0">
        ${media.map((item) => this.modalMedia(item)).join("\n        ")}
          </div>
        </div>
      </product-modal>
    </div>
  </product-info>
</div>`;
    return { start, gallery, end };
  }
}

const PAGE_STYLE = `
  body { font-family: system-ui, sans-serif; margin: 16px; color: #222; }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  .list-unstyled { list-style: none; padding: 0; margin: 0; }
  .product { display: grid; grid-template-columns: 560px 1fr; gap: 24px; }
  .product__media-list { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; }
  .product-media-container { position: relative; padding-top: calc(100% / var(--ratio)); background: #f3f3f3; }
  .product-media-container img { position: absolute; inset: 0; width: 100%; height: 100%; object-fit: contain; }
  .product__media-toggle, .product__media-icon { position: absolute; inset: 0; opacity: 0; }
  deferred-media button { border: 0; padding: 0; }
  .thumbnail-list { display: flex; gap: 8px; margin-top: 8px; }
  .thumbnail { width: 72px; height: 72px; padding: 0; border: 1px solid #ccc; background: #fff; }
  .thumbnail img { width: 100%; height: 100%; object-fit: cover; }
  product-modal { display: none; position: fixed; inset: 0; background: rgba(255, 255, 255, 0.97); overflow: auto; padding: 16px; }
  product-modal[open] { display: block; }
  .product-media-modal__content { display: flex; flex-wrap: wrap; align-items: flex-start; gap: 8px; }
  .product-media-modal__content img { width: 260px; height: auto; }
`;

/**
 * Stand-ins for Dawn's assets. pubsub.js is Dawn's global subscribe/publish. product-info.js does
 * what Dawn's does on a variant change that matters here: fetch the section for the variant,
 * replace the gallery's slides, thumbnails and the zoom modal's content with the server's (fresh
 * nodes, control images, featured media first), then publish 'variant-change'. Its "attributes"
 * mode instead rewrites image attributes in place and inserts no node, as some themes do.
 */
const DAWN_SCRIPTS: Record<string, string> = {
  "/assets/pubsub.js": `
let subscribers = {};
function subscribe(eventName, callback) {
  if (subscribers[eventName] === undefined) subscribers[eventName] = [];
  subscribers[eventName] = [...subscribers[eventName], callback];
  return function unsubscribe() { subscribers[eventName] = subscribers[eventName].filter((cb) => cb !== callback); };
}
function publish(eventName, data) {
  if (subscribers[eventName]) return Promise.all(subscribers[eventName].map((callback) => callback(data)));
  return Promise.resolve();
}`,
  "/assets/product-info.js": `
(() => {
  const copyKey = (img) => {
    const tagged = img.closest('[data-media-id],[data-target]');
    const where = img.closest('product-modal') ? 'modal' : img.closest('.thumbnail-list') ? 'thumbnail' : 'slide';
    return where + ':' + (tagged ? tagged.getAttribute('data-media-id') || tagged.getAttribute('data-target') : '');
  };
  async function changeVariant(variantId, mode = 'rerender') {
    const info = document.querySelector('product-info');
    const sectionId = info.dataset.section;
    const response = await fetch(info.dataset.url + '?variant=' + variantId + '&section_id=' + sectionId);
    const html = new DOMParser().parseFromString(await response.text(), 'text/html');
    if (mode === 'rerender') {
      for (const selector of ['#Slider-Gallery-' + sectionId, '#Slider-Thumbnails-' + sectionId, '.product-media-modal__content']) {
        const target = info.querySelector(selector);
        const source = html.querySelector(selector);
        if (target && source) target.innerHTML = source.innerHTML;
      }
    } else {
      const sources = new Map([...html.querySelectorAll('img')].map((img) => [copyKey(img), img]));
      for (const img of info.querySelectorAll('img')) {
        const source = sources.get(copyKey(img));
        if (!source) continue;
        for (const name of ['src', 'srcset', 'alt']) img.setAttribute(name, source.getAttribute(name));
      }
    }
    await publish('variant-change', { data: { sectionId, html, variant: { id: Number(variantId) } } });
  }
  window.__fixture = {
    changeVariant,
    openModal: () => document.querySelector('product-modal').setAttribute('open', ''),
  };
  document.addEventListener('change', (event) => {
    if (event.target.name === 'id') changeVariant(event.target.value);
  });
})();`,
};

function sendPng(response: http.ServerResponse, file: string, height: number): void {
  const body = encodeLabelledPng(file, SERVED_IMAGE_WIDTH, height);
  response.writeHead(200, { "content-type": "image/png", "content-length": body.length, "cache-control": "public, max-age=3600" });
  response.end(body);
}

export async function startStorefrontFixture(initial: StorefrontFixtureOptions): Promise<StorefrontFixture> {
  let options: StorefrontFixtureOptions = { ...initial };
  let host = "";
  const sockets = new Set<Socket>();

  /** Heights of served PNGs keep each file's aspect ratio (product media and config images). */
  function servedHeight(file: string): number {
    for (const media of options.product.media) {
      const name = media.type === "video" ? media.poster : media.file;
      if (name === file) return Math.round((SERVED_IMAGE_WIDTH * media.height) / media.width);
    }
    for (const test of options.config?.tests ?? []) {
      for (const image of [...test.control, ...test.treatment]) {
        if (image.width && image.height && image.url.includes(`/files/${file}.png`)) return Math.round((SERVED_IMAGE_WIDTH * image.height) / image.width);
      }
    }
    return SERVED_IMAGE_WIDTH;
  }

  async function renderEmbed(): Promise<string> {
    if (options.embedEnabled === false) return "";
    const embed = await renderEmbedBlock({
      product: { id: Number(options.product.id), handle: options.product.handle, title: options.product.title },
      configValue: options.config ?? undefined,
      settings: options.embedSettings,
    });
    return options.transformEmbed ? options.transformEmbed(embed) : embed;
  }

  async function sendProductPage(response: http.ServerResponse): Promise<void> {
    const markup = new ProductMarkup(host, options.product, FIXTURE_SECTION_ID, options.pictureSlides ?? false);
    const parts = markup.section(options.product.variants[0]?.featuredMedia ?? null);
    const head = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width,initial-scale=1">
  <title>${escapeText(options.product.title)}</title>
  <script src="/assets/pubsub.js" defer></script>
  <script src="/assets/product-info.js" defer></script>
  ${options.headHtml ?? ""}
  ${await renderEmbed()}
  <style>${PAGE_STYLE}</style>
</head>
<body>
<main id="MainContent" class="content-for-layout" role="main">
`;
    const tail = `
</main>
${options.bodyHtml ?? ""}
</body>
</html>
`;
    response.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    const pause = options.streamPauseMs ?? 0;
    const chunks = [head, parts.start, parts.gallery, parts.end + tail];
    for (const [index, chunk] of chunks.entries()) {
      if (index > 0 && pause > 0) await delay(pause);
      response.write(chunk);
    }
    response.end();
  }

  const cartUpdates: URLSearchParams[] = [];

  async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", `http://${host}`);
    const productPath = `/products/${options.product.handle}`;
    if (url.pathname === productPath && url.searchParams.has("section_id")) {
      const variant = options.product.variants.find((candidate) => candidate.id === url.searchParams.get("variant"));
      const sectionId = url.searchParams.get("section_id") ?? FIXTURE_SECTION_ID;
      const parts = new ProductMarkup(host, options.product, sectionId, options.pictureSlides ?? false).section(variant?.featuredMedia ?? null);
      response.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      response.end(parts.start + parts.gallery + parts.end);
      return;
    }
    if (url.pathname === productPath) return sendProductPage(response);
    const image = /^\/cdn\/shop\/files\/([a-z0-9-]+)\.png$/.exec(url.pathname);
    if (image && !image[1].startsWith("missing")) return sendPng(response, image[1], servedHeight(image[1]));
    const script = DAWN_SCRIPTS[url.pathname];
    if (script) {
      response.writeHead(200, { "content-type": "text/javascript; charset=utf-8" });
      response.end(script);
      return;
    }
    if (url.pathname === "/favicon.ico") {
      response.writeHead(204).end();
      return;
    }
    if (url.pathname === "/cart/update.js" && request.method === "POST") {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      cartUpdates.push(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
      // A cart is created on the first write, as Shopify's is.
      const headers: http.OutgoingHttpHeaders = { "content-type": "application/json" };
      if (!/(?:^|;\s*)cart=/.test(request.headers.cookie ?? "")) headers["set-cookie"] = "cart=c1-fixture-cart; path=/; SameSite=Lax";
      response.writeHead(200, headers).end(JSON.stringify({ token: "c1-fixture-cart" }));
      return;
    }
    response.writeHead(404, { "content-type": "text/plain" }).end("not found");
  }

  const server = http.createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { "content-type": "text/plain" });
      response.end(String(error));
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  host = `127.0.0.1:${port}`;
  const origin = `http://${host}`;

  return {
    cartUpdates,
    origin,
    productUrl: `${origin}/products/${options.product.handle}`,
    sectionId: FIXTURE_SECTION_ID,
    imageUrl: (file) => `//${host}/cdn/shop/files/${file}.png?v=${IMAGE_VERSION}`,
    update(changes) {
      options = { ...options, ...changes };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const socket of sockets) socket.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
