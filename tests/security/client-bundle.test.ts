// Secrets never reach the browser: build the client bundle with sentinel secrets in the environment
// and check that neither they, nor server-only code, end up in what the browser downloads.
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");
const SENTINELS = {
  SHOPIFY_API_SECRET: "sentinel-shopify-secret-7f3a",
  CRON_SECRET: "sentinel-cron-secret-91bc0d2e",
  ENCRYPTION_KEY: "915e2390f762dcd53fe3d0cdc22a52384ff816260df964dce5e2db308c3e9292",
  DATABASE_URL: "postgresql://sentinel:sentinel-db-password@db.invalid:5432/app",
  R2_SECRET_ACCESS_KEY: "sentinel-r2-secret-5e6f",
};

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)]));
}

describe("client bundle", () => {
  it("GIVEN secrets in the build environment THEN no client asset contains them, their names, or server-only modules", async () => {
    // Remix writes the browser's assets to build/client (the server bundle goes to build/server).
    await run("node_modules/.bin/remix", ["vite:build", "--logLevel", "error"], {
      cwd: ROOT,
      env: { ...process.env, ...SENTINELS, R2_ACCESS_KEY_ID: "id", R2_BUCKET: "b", R2_ACCOUNT_ID: "a", NODE_ENV: "production" },
    });

    const assets = filesUnder(path.join(ROOT, "build/client")).filter((file) => /\.(js|css|html|json)$/.test(file));
    expect(assets.some((file) => file.endsWith(".js"))).toBe(true);
    const text = assets.map((file) => fs.readFileSync(file, "utf8")).join("\n");
    for (const [name, value] of Object.entries(SENTINELS)) {
      expect(text, `${name}'s value leaked`).not.toContain(value);
      expect(text, `${name} is referenced by client code`).not.toContain(name);
    }
    for (const serverOnly of ["@prisma/client", "pg-pool", "PrismaSessionStorage", "@aws-sdk/client-s3", "local-dev-api-secret"]) {
      expect(text, `${serverOnly} is in the client bundle`).not.toContain(serverOnly);
    }
  }, 120_000);
});
