// `npm start`: the production build (`npm run build` first). DATABASE_URL is required in production.
import { prepareDatabase } from "../app/services/database/prepare-database";
import { startAppServer } from "./lib/app-server";

const database = await prepareDatabase();
const server = await startAppServer({ mode: "production", port: Number(process.env.PORT ?? 3000), host: process.env.HOST ?? "0.0.0.0" });
console.log(`✓ app listening on ${server.url}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    await server.close();
    await database.stop();
    process.exit(0);
  });
}
