// The real app server (scripts/lib/app-server.ts, development mode) in a process of its own, for tests
// that point it at a database of their own (the environment is read once per process) or that must
// watch it survive that database failing. Prints "listening on <url>" once it accepts requests.
import { startAppServer } from "../../scripts/lib/app-server";

const server = await startAppServer({ mode: "development", port: 0 });
console.log(`listening on ${server.url}`);

process.once("SIGTERM", () => {
  void server.close().finally(() => process.exit(0));
});
