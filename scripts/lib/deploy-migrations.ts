// The schema step of a deploy (`npm run vercel-build`): apply prisma/migrations through the direct
// connection before the new code is built, so the new functions never serve against an old schema.
// The migrator holds Prisma's advisory lock, so two overlapping deploys apply each migration once:
// the second waits, then finds everything applied.
import { applyMigrations, MIGRATIONS_DIR, type MigrationResult } from "../../app/services/database/migrate";

/** DIRECT_URL (the unpooled connection: advisory locks and DDL need a session) or else DATABASE_URL. */
export function deployMigrationUrl(env: Record<string, string | undefined>): { url: string; source: "DIRECT_URL" | "DATABASE_URL" } {
  if (env.DIRECT_URL?.trim()) return { url: env.DIRECT_URL.trim(), source: "DIRECT_URL" };
  if (env.DATABASE_URL?.trim()) return { url: env.DATABASE_URL.trim(), source: "DATABASE_URL" };
  throw new Error("DIRECT_URL or DATABASE_URL must be set for the build: migrations run before the app is built");
}

export async function migrateForDeploy(env: Record<string, string | undefined>, dir = MIGRATIONS_DIR): Promise<MigrationResult & { source: string }> {
  const { url, source } = deployMigrationUrl(env);
  return { ...(await applyMigrations(url, dir)), source };
}
