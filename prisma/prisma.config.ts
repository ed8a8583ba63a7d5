// Prisma CLI configuration (passed with --config). The wasm schema engine runs over @prisma/adapter-pg,
// so no native engine binary is downloaded (DESIGN §7). Env is not auto-loaded once a config exists.
import path from "node:path";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";

// prisma/orm#27403: the wasm engine cannot deserialize catalog types such as `name` during
// introspection; present them as text / text[] to it.
const TEXT_OIDS = new Set([18, 19, 24, 28, 194, 2205]);
const TEXT_ARRAY_OIDS = new Set([1002, 1003]);

type QueryResultLike = { fields?: { dataTypeID: number }[] };

function relabelCatalogTypes<T>(result: T): T {
  for (const field of (result as QueryResultLike)?.fields ?? []) {
    if (TEXT_OIDS.has(field.dataTypeID)) field.dataTypeID = 25;
    else if (TEXT_ARRAY_OIDS.has(field.dataTypeID)) field.dataTypeID = 1009;
  }
  return result;
}

class RelabelingClient extends pg.Client {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    // pg.Pool calls query(text, values, callback); direct callers use the promise form.
    const callback = args.at(-1);
    if (typeof callback === "function") {
      args[args.length - 1] = (error: Error | null, result: unknown) => callback(error, error ? result : relabelCatalogTypes(result));
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const pending = (super.query as any)(...args);
    return pending && typeof pending.then === "function" ? pending.then(relabelCatalogTypes) : pending;
  }
}

// adapter-pg 6.19 runs a migration by splitting its text on every ";", which cuts PL/pgSQL bodies
// (and comments) apart. Postgres runs a multi-statement script itself, so send it whole.
class WholeScriptPrismaPg extends PrismaPg {
  override async connect() {
    const adapter = await super.connect();
    const pool = adapter.underlyingDriver() as pg.Pool;
    adapter.executeScript = async (script: string) => {
      try {
        await pool.query(script);
      } catch (error) {
        // The adapter's own mapping to Prisma's error shape (private in its types).
        (adapter as unknown as { onError(error: unknown): never }).onError(error);
      }
    };
    return adapter;
  }
}

// `prisma generate` never connects, but with `env("DATABASE_URL")` unresolved it falls back to
// downloading a native engine (unreachable here). Commands that connect fail on this host instead.
process.env.DATABASE_URL ||= "postgresql://set-DATABASE_URL.invalid/db";

function migrationUrl(): string {
  return process.env.DIRECT_URL || process.env.DATABASE_URL!;
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join(import.meta.dirname, "schema.prisma"),
  migrations: { path: path.join(import.meta.dirname, "migrations") },
  async adapter() {
    return new WholeScriptPrismaPg({ connectionString: migrationUrl(), Client: RelabelingClient });
  },
});
