// `npm run dev:local`: the app on its embedded defaults (no env needed): embedded Postgres under
// .data/ (migrated), filesystem object store, local dev credentials. Set DATABASE_URL / R2_* to use
// real services instead.
import fs from "node:fs";
import { prepareDatabase } from "../app/services/database/prepare-database";
import { startAppServer } from "./lib/app-server";

if (fs.existsSync(".env")) process.loadEnvFile(".env");
const port = Number(process.env.PORT ?? 3000);
process.env.SHOPIFY_APP_URL ??= `http://127.0.0.1:${port}`;

const database = await prepareDatabase();
console.log(`✓ database: ${database.embedded ? "embedded Postgres (.data/pglite)" : "DATABASE_URL"}, migrated`);
const server = await startAppServer({ mode: "development", port, hmr: true });
console.log(`✓ app listening on ${server.url} (health: ${server.url}/healthz)`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    await server.close();
    await database.stop();
    process.exit(0);
  });
}
