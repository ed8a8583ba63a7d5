// One entry for the app server and every script: use DATABASE_URL when it is set, otherwise (never in
// production) the embedded Postgres under the data directory; then apply pending migrations.
import path from "node:path";
import { useLocalEmbeddedPostgres } from "./embedded-postgres";
import { applyMigrations } from "./migrate";

export interface PreparedDatabase {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

export async function prepareDatabase(env: NodeJS.ProcessEnv = process.env): Promise<PreparedDatabase> {
  let prepared: PreparedDatabase;
  if (env.DATABASE_URL) {
    prepared = { url: env.DATABASE_URL, embedded: false, stop: async () => {} };
  } else if (env.NODE_ENV === "production") {
    throw new Error("DATABASE_URL is required in production (the embedded database is for local use only)");
  } else {
    const dataDir = path.resolve(env.DATA_DIR || ".data");
    const embedded = await useLocalEmbeddedPostgres(dataDir);
    prepared = { url: embedded.url, embedded: true, stop: embedded.stop };
    env.DATABASE_URL = embedded.url;
  }
  await applyMigrations(env.DIRECT_URL || prepared.url);
  return prepared;
}
