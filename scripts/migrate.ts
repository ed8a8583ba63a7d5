// `npm run db:migrate`: applies prisma/migrations to DATABASE_URL (DIRECT_URL when set), or to the
// embedded database when neither is set. Same bookkeeping as `prisma migrate deploy`.
import { prepareDatabase } from "../app/services/database/prepare-database";

try {
  const database = await prepareDatabase();
  console.log(`✓ migrations applied (${database.embedded ? "embedded Postgres" : "DATABASE_URL"})`);
  await database.stop();
} catch (error) {
  console.error(`✗ migration failed: ${(error as Error).message}`);
  process.exit(1);
}
