import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { applyMigrations, listMigrations } from "../../app/services/database/migrate";
import { createEmptyDatabase, query } from "./test-databases";

const run = promisify(execFile);
const MODELS = ["ABTest", "ABTestEvent", "ProductImageBackup", "Session", "ShopCredential", "StatisticsExport", "VariantDailyStatistics"];

async function tablesOf(url: string) {
  const rows = await query<{ table_name: string }>(
    url,
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
  );
  return rows.map((row) => row.table_name);
}

describe("migrations", () => {
  const dropLater: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(dropLater.splice(0).map((drop) => drop()));
  });

  it("GIVEN an empty database WHEN the committed migrations are applied THEN all seven models exist and a rerun applies nothing", async () => {
    const db = await createEmptyDatabase();
    dropLater.push(db.drop);

    const first = await applyMigrations(db.url);
    const second = await applyMigrations(db.url);

    expect(first.applied).toEqual(listMigrations().map((migration) => migration.name));
    expect(second).toEqual({ applied: [], alreadyApplied: first.applied });
    expect(await tablesOf(db.url)).toEqual(expect.arrayContaining([...MODELS, "_prisma_migrations"]));
  });

  it("GIVEN an empty database WHEN `prisma migrate deploy` runs THEN it applies the same migrations, and `migrate status` agrees with the app's migrator", async () => {
    const viaCli = await createEmptyDatabase();
    const viaApp = await createEmptyDatabase();
    dropLater.push(viaCli.drop, viaApp.drop);
    const prisma = (url: string, ...args: string[]) =>
      run("node_modules/.bin/prisma", [...args, "--config", "prisma/prisma.config.ts"], { env: { ...process.env, DATABASE_URL: url } });

    await prisma(viaCli.url, "migrate", "deploy");
    await applyMigrations(viaApp.url);
    const status = await prisma(viaApp.url, "migrate", "status");

    expect(await tablesOf(viaCli.url)).toEqual(await tablesOf(viaApp.url));
    const checksums = (url: string) => query<{ migration_name: string; checksum: string }>(url, `SELECT migration_name, checksum FROM "_prisma_migrations" ORDER BY 1`);
    expect(await checksums(viaCli.url)).toEqual(await checksums(viaApp.url));
    expect(status.stdout).toMatch(/Database schema is up to date/);
  }, 240_000);
});
