// `npm start` (scripts/start.ts: the production build, NODE_ENV=production) for bench/admin-loaders.ts,
// with one change at the network edge: requests to a shop's Admin API (https://{shop}/admin/api/…)
// go to the fake Admin API at BENCH_ADMIN_API_ORIGIN. The app's own switch for that,
// SHOPIFY_ADMIN_API_ORIGIN, is refused in production on purpose, and the bench wants production.
const fakeOrigin = process.env.BENCH_ADMIN_API_ORIGIN;
if (!fakeOrigin) throw new Error("admin-loaders-server runs under bench/admin-loaders.ts (BENCH_ADMIN_API_ORIGIN)");

const realFetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (url.protocol === "https:" && url.hostname.endsWith(".myshopify.com") && url.pathname.startsWith("/admin/api/")) {
    const target = `${fakeOrigin}/${url.host}${url.pathname}${url.search}`;
    return input instanceof Request ? realFetch(new Request(target, input), init) : realFetch(target, init);
  }
  return realFetch(input, init);
};

await import("../scripts/start");

export {};
