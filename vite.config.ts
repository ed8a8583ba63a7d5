import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";
import { refuseServerSource } from "./scripts/lib/refuse-server-source";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

// Vitest runs in mode "test" and needs no Remix plugin; the app server that integration tests start
// inside Vitest asks for mode "development" and gets the full app.
// Vercel's preset only in a build run by Vercel (`vercel build` sets VERCEL=1): it splits the server
// build into one bundle per route `config` (maxDuration, …), which the app's own server (`npm start`,
// build/server/index.js) does not load. Imported lazily: it loads ts-morph, which dev and tests skip.
export default defineConfig(async ({ mode, command }) => ({
  server: {
    host: "127.0.0.1",
    // Defence in depth behind refuseServerSource(): Vite checks these for /@fs/, static files and
    // ?raw/?url/?inline requests (Vite's defaults first: replacing the list drops them otherwise).
    fs: {
      strict: true,
      allow: ["app", "node_modules"],
      deny: [".env", ".env.*", "*.{crt,pem}", "**/.git/**", "**/*.server.*", "**/.server/**", "**/app/services/**", "**/.data/**"],
    },
  },
  plugins: [
    mode !== "test" && refuseServerSource(),
    mode !== "test" &&
      remix({
        ignoredRouteFiles: ["**/*.test.ts", "**/*.test.tsx", "**/.*"],
        presets: command === "build" && process.env.VERCEL === "1" ? [(await import("@vercel/remix/vite")).vercelPreset()] : [],
        future: {
          v3_fetcherPersist: true,
          v3_relativeSplatPath: true,
          v3_throwAbortReason: true,
          v3_lazyRouteDiscovery: true,
          v3_singleFetch: true,
          v3_routeConfig: false,
        },
      }),
    tsconfigPaths(),
  ],
  build: { assetsInlineLimit: 0 },
  test: {
    include: ["app/**/*.test.{ts,tsx}", "tests/**/*.test.{ts,tsx}", "extensions/**/*.test.ts", "scripts/**/*.test.ts"],
    globalSetup: ["tests/support/global-setup.ts"],
    setupFiles: ["tests/support/worker-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    reporters: ["default"],
  },
}));
