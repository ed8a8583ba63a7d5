// `npm start`: the production build (`npm run build` first). DATABASE_URL is required in production.
import prisma from "../app/db.server";
import { getEnv } from "../app/env.server";
import { prepareDatabase } from "../app/services/database/prepare-database";
import { logCredentialSecretCheck } from "../app/services/shopify/check-credential-secrets";
import { startAppServer } from "./lib/app-server";

const database = await prepareDatabase();
// Names every stored credential secret the configured keys cannot open, before any request fails on it.
await logCredentialSecretCheck(prisma, getEnv().keyring);
const server = await startAppServer({ mode: "production", port: Number(process.env.PORT ?? 3000), host: process.env.HOST ?? "0.0.0.0" });
console.log(`✓ app listening on ${server.url}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    await server.close();
    await database.stop();
    process.exit(0);
  });
}
