// Serves the Remix app over node:http through Express: from source via Vite in development, from
// `build/` in production. The dev server, `npm start`, tests and benchmarks all start it this way.
import http from "node:http";
import path from "node:path";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import { serveTrack } from "../../app/services/tracking/handle-track-request";
import { getTrackingDeps } from "../../app/tracking.server";

export interface AppServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface StartAppServerOptions {
  mode: "development" | "production";
  port?: number;
  host?: string;
  root?: string;
  /** Vite's hot reload, on the app's own port: for a developer's dev server, not for tests. */
  hmr?: boolean;
}

export async function startAppServer(options: StartAppServerOptions): Promise<AppServer> {
  const root = options.root ?? process.cwd();
  const server = http.createServer();
  const app = express();
  app.disable("x-powered-by");
  let closeVite = async () => {};
  let build: ServerBuild | (() => Promise<ServerBuild>);

  if (options.mode === "development") {
    const vite = await import("vite");
    // In middleware mode Vite opens its websocket on port 24678 of every interface, even with hmr off:
    // hot reload rides on this server instead (same host, loopback unless asked), and without it there is
    // no websocket at all.
    const hot = options.hmr ? { hmr: { server } } : { hmr: false, ws: false as const };
    const viteServer = await vite.createServer({ root, mode: "development", server: { middlewareMode: true, cors: false, ...hot }, appType: "custom" });
    app.use(viteServer.middlewares);
    build = () => viteServer.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>;
    closeVite = () => viteServer.close();
  } else {
    const buildDir = path.join(root, "build");
    app.use("/assets", express.static(path.join(buildDir, "client/assets"), { immutable: true, maxAge: "1y" }));
    app.use(express.static(path.join(buildDir, "client"), { maxAge: "1h" }));
    build = (await import(path.join(buildDir, "server/index.js"))) as ServerBuild;
  }
  // The peer's address reaches routes as load context: /track's rate limits key on it (DESIGN §4).
  app.all("*", createRequestHandler({ build, mode: options.mode, getLoadContext: (request) => ({ remoteAddress: request.socket.remoteAddress ?? null }) }));

  // The pixel endpoint skips Express and Remix routing (same handler as app/routes/track.tsx);
  // bench/track.ts measured their per-request cost at several times the endpoint's own work.
  server.on("request", (request, response) => {
    // Every answer (documents, data, JSON, /track, static files, Vite's modules): a browser must never
    // sniff a JSON or text body into a script or a page. Set here once, so no route repeats it (Express
    // would append a second copy); vercel.json sets the same header where this server does not run.
    response.setHeader("X-Content-Type-Options", "nosniff");
    const path = request.url?.split("?")[0];
    if (path === "/track") {
      serveTrack(request, response, getTrackingDeps()).catch((error: Error) => {
        console.error(JSON.stringify({ event: "track_failed", error: error.message }));
        if (!response.headersSent) response.writeHead(500, { "Content-Type": "application/json", "Access-Control-Allow-Origin": "*" });
        response.end(JSON.stringify({ error: { code: "internal_error", message: "unexpected failure" } }));
      });
      return;
    }
    app(request, response);
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 3000, options.host ?? "127.0.0.1", resolve);
  });
  const address = server.address() as { port: number };
  return {
    url: `http://${options.host ?? "127.0.0.1"}:${address.port}`,
    port: address.port,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // The last interval's failure counts would otherwise die with the process.
      globalThis.__abtTracking?.failures?.flush();
      await closeVite();
    },
  };
}
