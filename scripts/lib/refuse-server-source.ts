// Vite's dev middlewares serve any module under app/ to whoever can reach the port: transformed for
// the browser (`GET /app/env.server.ts`), or verbatim (`?raw`, `/@fs/<root>/app/...?raw`), a route's
// loader and action included. The browser needs only route modules (which Remix's plugin strips of
// their server exports), components and app/lib; this plugin refuses server-only modules and verbatim
// source, whatever the URL's spelling (percent-encoding, `..`, `//`, /@fs/ and /@id/ prefixes).
import path from "node:path";
import type { Connect, Plugin } from "vite";

// Queries that make Vite answer with a file's bytes rather than a browser module.
const VERBATIM_QUERIES = ["raw", "inline", "worker", "sharedworker"];

/** The project-relative file a dev-server URL names, or null when it names none of the project's. */
function projectPath(pathname: string, root: string): string | null {
  let decoded = pathname;
  // Decodes until stable: a double-encoded path must not slip past the check and be decoded later.
  for (let round = 0; round < 3 && /%[0-9a-f]{2}/i.test(decoded); round++) decoded = decodeURIComponent(decoded);
  let target = path.posix.normalize(decoded.replace(/\\/g, "/"));
  if (target.startsWith("/@fs/")) target = target.slice("/@fs".length);
  else if (target.startsWith("/@id/")) target = `/${target.slice("/@id/".length).replace(/^\/+/, "")}`;
  const fromRoot = target.startsWith(`${root}/`) ? target.slice(root.length + 1) : target.replace(/^\/+/, "");
  return fromRoot.startsWith("../") ? null : fromRoot;
}

/** True when a dev-server request would hand out server source. */
export function isServerSourceRequest(url: string, root: string): boolean {
  const [pathname, query = ""] = url.split("?", 2);
  let file: string | null;
  try {
    file = projectPath(pathname, path.posix.normalize(root.replace(/\\/g, "/")).replace(/\/$/, ""));
  } catch {
    return true; // malformed percent-encoding: not a module the browser asked for
  }
  if (file === null || file.startsWith("node_modules/")) return false;
  if (file === "app/services" || file.startsWith("app/services/")) return true;
  // Remix's server-only conventions: `*.server.*` files and `.server/` folders.
  if (file.split("/").some((segment) => segment === ".server" || /\.server(\.|$)/.test(segment))) return true;
  // Only for files: a page's URL (no extension) goes on to Remix whatever its query.
  if (!/\.[A-Za-z0-9]+$/.test(file)) return false;
  const params = new URLSearchParams(query);
  return VERBATIM_QUERIES.some((name) => params.has(name));
}

export function refuseServerSource(): Plugin {
  return {
    name: "refuse-server-source",
    apply: "serve",
    configureServer(server) {
      const guard: Connect.NextHandleFunction = (request, response, next) => {
        if (!request.url || !isServerSourceRequest(request.url, server.config.root)) return next();
        response.writeHead(404, { "Content-Type": "application/json", "Cache-Control": "no-store" });
        response.end(JSON.stringify({ error: { code: "not_found", message: "not served by the dev server" } }));
      };
      // Registered here (not in a returned hook) so it runs before Vite's own middlewares.
      server.middlewares.use(guard);
    },
  };
}
