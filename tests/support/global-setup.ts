// Gives the whole run one freshly migrated database: a new database on the server named by
// TEST_DATABASE_URL (CI: the real Postgres), dropped afterwards, or else an in-memory embedded
// Postgres. Tests isolate themselves by creating their own shops, never by order.
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../../app/services/database/embedded-postgres";
import { applyMigrations } from "../../app/services/database/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    databaseKind: "postgres" | "embedded";
  }
}

export default async function setup(project: TestProject) {
  const serverUrl = process.env.TEST_DATABASE_URL;
  let databaseUrl: string;
  let teardown: () => Promise<void>;
  if (serverUrl) {
    const name = `abt_test_${Date.now()}_${process.pid}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    teardown = async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    };
  } else {
    const embedded = await startEmbeddedPostgres();
    databaseUrl = embedded.url;
    teardown = embedded.stop;
  }
  await applyMigrations(databaseUrl);
  project.provide("databaseUrl", databaseUrl);
  project.provide("databaseKind", serverUrl ? "postgres" : "embedded");
  return teardown;
}
