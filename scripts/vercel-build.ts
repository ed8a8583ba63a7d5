// `npm run vercel-build` (vercel.json's buildCommand): migrations, then the Remix build. A failed
// migration exits non-zero before anything is built, which fails the deploy and leaves the current
// deployment serving.
import { execFileSync } from "node:child_process";
import { migrateForDeploy } from "./lib/deploy-migrations";

try {
  const result = await migrateForDeploy(process.env);
  const applied = result.applied.length > 0 ? result.applied.join(", ") : "none pending";
  console.log(`✓ migrations through ${result.source}: applied ${applied} (${result.alreadyApplied.length} already applied)`);
} catch (error) {
  // The message names the migration or the connection problem, never the URL (it carries the password).
  console.error(`✗ migrations failed, deploy stopped: ${(error as Error).message}`);
  process.exit(1);
}

execFileSync("node_modules/.bin/remix", ["vite:build"], { stdio: "inherit" });
