// A throwaway empty database for tests that need one of their own (migrations): a new database on the
// real server in CI, or a fresh in-memory embedded Postgres otherwise.
import pg from "pg";
import { inject } from "vitest";
import { startEmbeddedPostgres } from "../../app/services/database/embedded-postgres";

export async function createEmptyDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (inject("databaseKind") === "embedded") {
    const embedded = await startEmbeddedPostgres();
    return { url: embedded.url, drop: embedded.stop };
  }
  const serverUrl = new URL(inject("databaseUrl"));
  const name = `abt_empty_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: serverUrl.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl.toString() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}

export async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}
