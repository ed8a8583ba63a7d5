// `bun run export:status` for real: a bun child process against the test database. Other files create
// shops concurrently, so the run names its shops with --shop and assertions read only their lines.
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { yesterday } from "../../app/lib/days";
import { createInstalledShop } from "../support/shops";

const REPO_ROOT = path.resolve(import.meta.dirname, "../..");

function runExportStatus(args: string[]): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(path.join(REPO_ROOT, "node_modules/.bin/bun"), ["scripts/export-status.ts", ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_ENV: "test" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stdout })));
}

describe("bun run export:status", () => {
  it("GIVEN a COMPLETED, a FAILED, a RUNNING and an unplanned shop-day THEN ✓/✗/· per shop-day with the reason, the totals and the backlog, exit 1", async () => {
    const day = yesterday(new Date());
    const [done, failed, running, missing] = await Promise.all([createInstalledShop(prisma), createInstalledShop(prisma), createInstalledShop(prisma), createInstalledShop(prisma)]);
    await prisma.statisticsExport.createMany({
      data: [
        { shopId: done.shopId, date: new Date(day), status: "COMPLETED", rowCount: 12, attempts: 1 },
        { shopId: failed.shopId, date: new Date(day), status: "FAILED", attempts: 5, error: "ShopifyThrottledError: throttled" },
        { shopId: running.shopId, date: new Date(day), status: "RUNNING", attempts: 2, error: "Error: socket hang up" },
      ],
    });

    const { code, stdout } = await runExportStatus(["--days", "1", ...[done, failed, running, missing].flatMap((shop) => ["--shop", shop.shopDomain])]);

    expect(code).toBe(1);
    expect(stdout).toContain(`✓ ${done.shopDomain} ${day}: COMPLETED (12 rows, 1 attempt)`);
    expect(stdout).toContain(`✗ ${failed.shopDomain} ${day}: FAILED after 5 attempts — ShopifyThrottledError: throttled`);
    expect(stdout).toContain(`· ${running.shopDomain} ${day}: RUNNING (2 attempts so far; last error: Error: socket hang up)`);
    expect(stdout).toContain(`✗ ${missing.shopDomain} ${day}: missing (never planned)`);
    expect(stdout).toMatch(/4 shops: 1 completed, 1 failed, 0 pending, 1 running, 1 missing; queue: \d+ waiting, \d+ running/);
  }, 60_000);
});
