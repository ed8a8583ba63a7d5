// A killed export cannot remove its spool directories; the next run sweeps them, and nothing else: not a
// live spool, not a fresh one, not another program's folder, not a symlink named like a spool.
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, symlink, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDailyRowSpool } from "../../app/services/statistics-export/daily-row-spool";
import { STALE_SPOOL_MS } from "../../app/services/statistics-export/spool-directory";
import { exportShopDays } from "../../app/services/statistics-export/statistics-export-orchestrator.service";
import { createExportDeps } from "../../app/statistics-export.server";

const systemTmpdir = os.tmpdir();
const originalTmpdir = process.env.TMPDIR;
let root: string;
let outside: string;

beforeAll(async () => {
  outside = await mkdtemp(path.join(systemTmpdir, "spool-sweep-outside-"));
});

// The sweep reads os.tmpdir(), which follows TMPDIR: each test gets its own temp folder, so other test
// files' exports (running in parallel) neither see these folders nor show up in the assertions.
beforeEach(async () => {
  root = await mkdtemp(path.join(systemTmpdir, "spool-sweep-"));
  process.env.TMPDIR = root;
});

afterEach(async () => {
  if (originalTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = originalTmpdir;
  await rm(root, { recursive: true, force: true });
});

afterAll(() => rm(outside, { recursive: true, force: true }));

const ageBy = async (target: string, ms: number) => {
  const then = new Date(Date.now() - ms);
  await utimes(target, then, then);
};
const runExport = () => exportShopDays(createExportDeps(), []);

/** An export process that has spooled rows, killed with SIGKILL as an OOM killer or a platform would. */
async function killedSpoolingProcess(): Promise<void> {
  const script = `
    const { createDailyRowSpool } = await import(${JSON.stringify(path.resolve("app/services/statistics-export/daily-row-spool.ts"))});
    const spool = await createDailyRowSpool();
    await spool.append([{ date: "2026-11-23", shop: "a.myshopify.com" }]);
    console.log("spooled");
    setInterval(() => {}, 1000);`;
  // Node itself with tsx's loader (not the tsx CLI, which would leave its node child alive after SIGKILL).
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { env: { ...process.env, TMPDIR: root }, stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("spooled") && resolve());
      child.once("exit", (code) => reject(new Error(`the spooling process exited early (${code})`)));
      setTimeout(() => reject(new Error("the spooling process did not spool within 20 s")), 20_000).unref();
    });
  } finally {
    child.kill("SIGKILL");
    await exited;
  }
}

describe("stale spool sweep", () => {
  it("GIVEN the spool of an export killed over an hour ago THEN the next run removes it", async () => {
    await killedSpoolingProcess();
    const left = (await readdir(root)).filter((name) => name.startsWith("daily-rows-"));
    expect(left).toHaveLength(1);
    expect(await readdir(path.join(root, left[0]))).toEqual(["rows.ndjson"]);
    await ageBy(path.join(root, left[0]), STALE_SPOOL_MS + 60_000);

    await runExport();

    expect(await readdir(root)).not.toContain(left[0]);
  }, 30_000);

  it("GIVEN stale spools, a fresh one, look-alikes and a symlink THEN only the stale spools go", async () => {
    const make = async (name: string, ageMs: number) => {
      const directory = path.join(root, name);
      await mkdir(directory);
      await writeFile(path.join(directory, "0.json"), "{}");
      await ageBy(directory, ageMs);
    };
    const stale = STALE_SPOOL_MS + 60_000;
    await make("daily-rows-aB3xYz", stale);
    await make("daily-metrics-Q1w2E3", 3 * STALE_SPOOL_MS);
    await make("daily-rows-fresh1", 60_000);
    await make("daily-rows-toolongname", stale);
    await make("other-app-aB3xYz", stale);
    await make("daily-rowsaB3xYz", stale);
    await writeFile(path.join(root, "daily-rows-file01"), "not a folder");
    await ageBy(path.join(root, "daily-rows-file01"), stale);
    await writeFile(path.join(outside, "precious"), "keep");
    await symlink(outside, path.join(root, "daily-metrics-link01"));

    await runExport();

    expect((await readdir(root)).sort()).toEqual(["daily-metrics-link01", "daily-rows-file01", "daily-rows-fresh1", "daily-rows-toolongname", "daily-rowsaB3xYz", "other-app-aB3xYz"]);
    expect(await readdir(outside)).toEqual(["precious"]);
  });

  it("GIVEN a live spool whose folder was last touched long ago THEN using it marks it alive and the sweep keeps it", async () => {
    const spool = await createDailyRowSpool();
    const [directory] = (await readdir(root)).filter((name) => name.startsWith("daily-rows-"));
    await ageBy(path.join(root, directory), STALE_SPOOL_MS + 60_000);
    await spool.append([{ date: "2026-11-23" } as never]);

    await runExport();

    expect(await readdir(root)).toContain(directory);
    const walked = [];
    for await (const batch of spool.batches(10)) walked.push(...batch);
    expect(walked).toEqual([{ date: "2026-11-23" }]);
    await spool.remove();
  });
});
