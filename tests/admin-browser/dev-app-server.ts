// The app from source through Vite, as scripts/lib/app-server.ts serves it in development (Express,
// Vite's middlewares, Remix's request handler), set up for a browser test in three ways:
//   - Vite's dependency scan covers every route up front. Remix's plugin scans nothing by default, so a
//     cold cache (CI's fresh clone) has Vite discover Polaris, App Bridge, Polaris Viz… while the first
//     page loads, re-bundle them and ask the page to reload: the walk would break midway.
//   - its dependency cache is its own: the other test files' Vite servers, which start in parallel
//     with a scan of nothing, would otherwise rewrite the shared node_modules/.vite under this one.
//   - its hot-update socket rides on the test server's own port: in middleware mode Vite opens it on
//     24678, one per machine, and while another Vite (a parallel test file, a dev server) holds that
//     port the page reaches the other socket and logs errors. No file watcher: a test needs no updates.
import http from "node:http";
import path from "node:path";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import { createServer } from "vite";
import type { AppServer } from "../../scripts/lib/app-server";

const ROOT = process.cwd();

export async function startDevAppServer(): Promise<AppServer> {
  const server = http.createServer();
  const vite = await createServer({
    root: ROOT,
    mode: "development",
    cacheDir: path.join(ROOT, "node_modules/.vite-admin-browser"),
    optimizeDeps: { entries: ["app/root.tsx", "app/routes/**/*.tsx"] },
    server: { middlewareMode: true, cors: false, hmr: { server }, watch: null },
    appType: "custom",
  });
  const app = express();
  app.disable("x-powered-by");
  app.use(vite.middlewares);
  app.all("*", createRequestHandler({ build: () => vite.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>, mode: "development" }));
  server.on("request", app);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await vite.close();
    },
  };
}
