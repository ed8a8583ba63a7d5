// POST /track on Vercel without Remix in the path (ADR 001, ADR 006): a plain Vercel Node function
// (vercel.json `builds`, with /track rewritten to it) over the same transport-neutral core and node:http
// adapter as the app's own server. The process-wide deps (pool, group-commit writer, caches, rate
// limiters) outlive an invocation, so concurrent requests on one instance (Fluid compute) share an INSERT.
import type { IncomingMessage, ServerResponse } from "node:http";
import { registerHooks } from "node:module";
import type * as Core from "../app/services/tracking/handle-track-request";
import type * as Wiring from "../app/tracking.server";

// @vercel/node compiles each TypeScript file to an ES module one by one and keeps the app's
// extensionless relative imports (`./env.server`), which Node's ESM loader refuses. Resolve them as the
// bundler and tsx do, by trying `.js` (the compiled file). Registered before the app is imported, so the
// app modules load dynamically below; @vercel/nft traces the literal specifiers. registerHooks needs
// Node ≥ 22.15 (api/package.json's engines; Vercel runs the newest 22.x).
registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      const relative = specifier.startsWith("./") || specifier.startsWith("../");
      if (!relative || /\.[cm]?js$/.test(specifier) || (error as { code?: string }).code !== "ERR_MODULE_NOT_FOUND") throw error;
      return nextResolve(`${specifier}.js`, context);
    }
  },
});

const loaded: Promise<[typeof Core, typeof Wiring]> = Promise.all([
  import("../app/services/tracking/handle-track-request"),
  import("../app/tracking.server"),
]);

export default async function track(request: IncomingMessage, response: ServerResponse): Promise<void> {
  response.setHeader("X-Content-Type-Options", "nosniff");
  try {
    const [{ serveTrack }, { getTrackingDeps }] = await loaded;
    await serveTrack(request, response, getTrackingDeps());
  } catch (error) {
    console.error(JSON.stringify({ event: "track_failed", error: (error as Error).message }));
    if (!response.headersSent) response.writeHead(500, { "Content-Type": "application/json", "Access-Control-Allow-Origin": "*" });
    response.end(JSON.stringify({ error: { code: "internal_error", message: "unexpected failure" } }));
  }
}
