// `npm run dev:local`: the app on its embedded defaults (no env needed): embedded Postgres under
// .data/ (migrated), filesystem object store, local dev credentials. Set DATABASE_URL / R2_* to use
// real services instead.
import fs from "node:fs";
import prisma from "../app/db.server";
import { getEnv } from "../app/env.server";
import { prepareDatabase } from "../app/services/database/prepare-database";
import { logCredentialSecretCheck } from "../app/services/shopify/check-credential-secrets";
import { startAppServer } from "./lib/app-server";

if (fs.existsSync(".env")) process.loadEnvFile(".env");
const port = Number(process.env.PORT ?? 3000);
process.env.SHOPIFY_APP_URL ??= `http://127.0.0.1:${port}`;

const database = await prepareDatabase();
console.log(`✓ database: ${database.embedded ? "embedded Postgres (.data/pglite)" : "DATABASE_URL"}, migrated`);
// Names every stored credential secret the configured keys cannot open, before any request fails on it.
await logCredentialSecretCheck(prisma, getEnv().keyring);
const server = await startAppServer({ mode: "development", port, hmr: true });
console.log(`✓ app listening on ${server.url} (health: ${server.url}/healthz)`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    await server.close();
    await database.stop();
    process.exit(0);
  });
}
