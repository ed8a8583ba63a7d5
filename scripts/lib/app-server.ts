// Serves the Remix app over node:http through Express: from source via Vite in development, from
// `build/` in production. The dev server, `npm start`, tests and benchmarks all start it this way.
import http from "node:http";
import path from "node:path";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express from "express";

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
}

export async function startAppServer(options: StartAppServerOptions): Promise<AppServer> {
  const root = options.root ?? process.cwd();
  const app = express();
  app.disable("x-powered-by");
  let closeVite = async () => {};
  let build: ServerBuild | (() => Promise<ServerBuild>);

  if (options.mode === "development") {
    const vite = await import("vite");
    const viteServer = await vite.createServer({ root, mode: "development", server: { middlewareMode: true, cors: false }, appType: "custom" });
    app.use(viteServer.middlewares);
    build = () => viteServer.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>;
    closeVite = () => viteServer.close();
  } else {
    const buildDir = path.join(root, "build");
    app.use("/assets", express.static(path.join(buildDir, "client/assets"), { immutable: true, maxAge: "1y" }));
    app.use(express.static(path.join(buildDir, "client"), { maxAge: "1h" }));
    build = (await import(path.join(buildDir, "server/index.js"))) as ServerBuild;
  }
  app.all("*", createRequestHandler({ build, mode: options.mode }));

  const server = http.createServer(app);
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
      await closeVite();
    },
  };
}
