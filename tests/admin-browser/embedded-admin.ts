// Plays the Shopify admin's part around the embedded app in a Playwright browser context, offline:
//   - App Bridge (`https://cdn.shopify.com/shopifycloud/app-bridge.js`, which the app's AppProvider
//     renders as a script tag) is answered with a small stand-in that provides what App Bridge React 4
//     and this app use: `window.shopify` (config, idToken, toast, loading) and the fetch patch that
//     puts `Authorization: Bearer <session token>` on same-origin requests, as the real one does;
//   - session tokens are signed in Node with the app's secret, freshly for every request, the way the
//     admin mints them (a browser test cannot hold the secret in the page);
//   - Polaris' font stylesheet from the same CDN is answered empty;
//   - every other request that would leave the machine is aborted and recorded, so a test can assert
//     the app needed nothing from the internet beyond the two stubbed files.
import type { BrowserContext } from "playwright-core";
import { getJwt } from "@shopify/shopify-api/test-helpers";

export const APP_BRIDGE_URL = "https://cdn.shopify.com/shopifycloud/app-bridge.js";
export const POLARIS_FONTS_URL = "https://cdn.shopify.com/static/fonts/inter/v4/styles.css";

/** Chromium flags for an offline run; the resolver rule also stops preconnects, which routing cannot see. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
];

/** A merchant's desktop Chrome: Shopify's library answers "HeadlessChrome" as a bot (410 Gone). */
export const MERCHANT_USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

export interface EmbeddedShop {
  shopDomain: string;
  apiKey: string;
  apiSecret: string;
}

// The stand-in App Bridge. It runs as a classic script while the document is parsed, before Remix's
// module scripts, so the fetch patch is in place for the first data request, as with the real one.
// `ui-nav-menu` stays visible (styled as a bar) because there is no admin sidebar to move it into:
// its links are how the test navigates between pages, as a merchant would through the sidebar.
const APP_BRIDGE_STUB = `(function () {
  var script = document.currentScript;
  var params = new URLSearchParams(location.search);
  var toasts = [];
  var loading = false;
  var nativeFetch = window.fetch.bind(window);
  window.shopify = {
    config: { apiKey: script ? script.getAttribute("data-api-key") : null, shop: params.get("shop"), host: params.get("host"), locale: "en" },
    environment: { embedded: true, mobile: false, pos: false },
    idToken: function () { return window.__abtSignSessionToken(); },
    toast: {
      show: function (message, options) { toasts.push({ message: message, isError: Boolean(options && options.isError) }); return "toast-" + toasts.length; },
      hide: function () {},
    },
    loading: function (on) { if (arguments.length > 0) loading = Boolean(on); return loading; },
  };
  window.__abtToasts = toasts;
  window.fetch = function (input, init) {
    var request = new Request(input, init);
    if (new URL(request.url, location.href).origin !== location.origin) return nativeFetch(request);
    return window.shopify.idToken().then(function (token) {
      var headers = new Headers(request.headers);
      headers.set("Authorization", "Bearer " + token);
      return nativeFetch(new Request(request, { headers: headers }));
    });
  };
  if (!customElements.get("ui-nav-menu")) customElements.define("ui-nav-menu", class extends HTMLElement {});
  var sheet = new CSSStyleSheet();
  sheet.replaceSync("ui-nav-menu { display: flex; gap: 16px; padding: 8px 16px; background: #1a1a1a; } ui-nav-menu a { color: #fff; font: 13px system-ui, sans-serif; }");
  document.adoptedStyleSheets = document.adoptedStyleSheets.concat([sheet]);
})();`;

const storeName = (shop: EmbeddedShop) => shop.shopDomain.replace(/\.myshopify\.com$/, "");

export async function signSessionToken(shop: EmbeddedShop): Promise<string> {
  const { token } = await getJwt(storeName(shop), shop.apiKey, shop.apiSecret);
  return token;
}

/** The URL the admin loads in its iframe for `path`: embedded=1, shop, host and a fresh id_token. */
export async function embeddedUrl(appOrigin: string, path: string, shop: EmbeddedShop): Promise<string> {
  const url = new URL(path, appOrigin);
  url.searchParams.set("embedded", "1");
  url.searchParams.set("shop", shop.shopDomain);
  // The admin's `host`: base64 of its URL for the store (what getHostValue in Shopify's test helpers makes).
  url.searchParams.set("host", Buffer.from(`admin.shopify.com/store/${storeName(shop)}`).toString("base64"));
  url.searchParams.set("id_token", await signSessionToken(shop));
  return url.toString();
}

function isLoopback(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  if (protocol === "data:" || protocol === "blob:") return true;
  return hostname === "127.0.0.1" || hostname === "localhost" || hostname === "[::1]";
}

export interface EmbeddedAdmin {
  /** Requests that were stubbed (App Bridge, fonts). */
  readonly stubbed: string[];
  /** Requests that would have left the machine and were aborted. */
  readonly blocked: string[];
}

export async function embedInAdmin(context: BrowserContext, shop: EmbeddedShop): Promise<EmbeddedAdmin> {
  const stubbed: string[] = [];
  const blocked: string[] = [];
  await context.exposeFunction("__abtSignSessionToken", () => signSessionToken(shop));
  await context.route(
    (url) => !isLoopback(url.toString()),
    async (route) => {
      const url = route.request().url();
      if (url.split("?")[0] === APP_BRIDGE_URL) {
        stubbed.push(url);
        return route.fulfill({ status: 200, contentType: "text/javascript; charset=utf-8", body: APP_BRIDGE_STUB });
      }
      if (url === POLARIS_FONTS_URL) {
        stubbed.push(url);
        return route.fulfill({ status: 200, contentType: "text/css; charset=utf-8", body: "" });
      }
      blocked.push(url);
      return route.abort("blockedbyclient");
    },
  );
  return { stubbed, blocked };
}
