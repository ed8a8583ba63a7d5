// The real app (Remix through Vite, as `npm run dev:local` serves it) on a loopback port, for tests
// that must go through HTTP.
import { startAppServer, type AppServer } from "../../scripts/lib/app-server";

export async function startTestApp(): Promise<AppServer> {
  return startAppServer({ mode: "development", port: 0 });
}
