// The schema step of `npm run vercel-build`: idempotent, once per migration when two deploys overlap,
// and a failed migration stops the deploy before anything is built.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, inject, it } from "vitest";
import { listMigrations } from "../../app/services/database/migrate";
import { deployMigrationUrl, migrateForDeploy } from "../../scripts/lib/deploy-migrations";
import { createEmptyDatabase, query } from "../database/test-databases";

const run = promisify(execFile);

describe("deployMigrationUrl", () => {
  it.each([
    ["both set", { DIRECT_URL: "postgresql://direct/db", DATABASE_URL: "postgresql://pooled/db" }, "DIRECT_URL", "postgresql://direct/db"],
    ["only DATABASE_URL", { DATABASE_URL: "postgresql://pooled/db" }, "DATABASE_URL", "postgresql://pooled/db"],
    ["DIRECT_URL blank", { DIRECT_URL: "  ", DATABASE_URL: "postgresql://pooled/db" }, "DATABASE_URL", "postgresql://pooled/db"],
  ])("GIVEN %s THEN migrations use %s", (_case, env, source, url) => {
    expect(deployMigrationUrl(env)).toEqual({ source, url });
  });

  it("GIVEN neither THEN it refuses, naming both variables", () => {
    expect(() => deployMigrationUrl({})).toThrow(/DIRECT_URL or DATABASE_URL/);
  });
});

describe("migrateForDeploy", () => {
  const dropLater: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(dropLater.splice(0).map((drop) => drop()));
  });

  // The embedded Postgres multiplexes every client onto one session, where an advisory lock excludes nothing.
  it.skipIf(inject("databaseKind") === "embedded")("GIVEN an empty database WHEN two deploys migrate at the same moment THEN each migration is applied once, and a third run applies nothing", async () => {
    const db = await createEmptyDatabase();
    dropLater.push(db.drop);
    const env = { DIRECT_URL: db.url, DATABASE_URL: "postgresql://pooler.invalid/db" };

    const [first, second] = await Promise.all([migrateForDeploy(env), migrateForDeploy(env)]);
    const third = await migrateForDeploy(env);

    const all = listMigrations().map((migration) => migration.name);
    expect([...first.applied, ...second.applied].sort()).toEqual(all);
    expect(first.applied.length === 0 || second.applied.length === 0).toBe(true);
    expect(third).toEqual({ applied: [], alreadyApplied: all, source: "DIRECT_URL" });
    const rows = await query<{ migration_name: string }>(db.url, `SELECT migration_name FROM "_prisma_migrations" ORDER BY 1`);
    expect(rows.map((row) => row.migration_name)).toEqual(all);
  });

  it("GIVEN a migration that fails THEN the run rejects naming it and records nothing for it", async () => {
    const db = await createEmptyDatabase();
    dropLater.push(db.drop);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "abt-migrations-"));
    fs.mkdirSync(path.join(dir, "20990101000000_broken"));
    fs.writeFileSync(path.join(dir, "20990101000000_broken/migration.sql"), `CREATE TABLE "Fine" (id int); SELECT * FROM "NoSuchTable";`);

    await expect(migrateForDeploy({ DATABASE_URL: db.url }, dir)).rejects.toThrow(/20990101000000_broken failed/);

    expect(await query(db.url, `SELECT to_regclass('"Fine"') IS NULL AS absent`)).toEqual([{ absent: true }]);
    expect(await query(db.url, `SELECT count(*)::int AS count FROM "_prisma_migrations"`)).toEqual([{ count: 0 }]);
  });
});

describe("npm run vercel-build", () => {
  it("GIVEN a database it cannot reach THEN it exits non-zero before building, without printing the URL", async () => {
    const failed = await run("node_modules/.bin/tsx", ["scripts/vercel-build.ts"], {
      env: { ...process.env, DIRECT_URL: "", DATABASE_URL: "postgresql://deploy:s3cret-password@127.0.0.1:1/app" },
    }).then(
      () => null,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/✗ migrations failed, deploy stopped/);
    expect(`${failed?.stdout}${failed?.stderr}`).not.toMatch(/s3cret-password/);
    expect(failed?.stdout).not.toMatch(/vite|building/i);
  });
});
