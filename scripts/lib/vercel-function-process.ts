// Runs one staged Vercel function (scripts/lib/vercel-output.ts: stageFunction) in its own process under
// the launcher shim (vercel-launcher.mjs), on the project's Node 22 when installed.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const REPO = path.resolve(import.meta.dirname, "../..");

export interface FunctionProcess {
  url: string;
  stop(): Promise<void>;
}

export interface StartFunctionOptions {
  /** Take the client's address from the request's X-Forwarded-For, as Vercel's edge would report it (load tests from one host). */
  clientAddressFromForwardedFor?: boolean;
}

export function startFunctionProcess(stagedDir: string, handler: string, env: Record<string, string>, options: StartFunctionOptions = {}): Promise<FunctionProcess> {
  const node = path.join(REPO, "node_modules/.bin/node");
  const args = [path.join(REPO, "scripts/lib/vercel-launcher.mjs"), handler, ...(options.clientAddressFromForwardedFor ? ["--client-address-from-x-forwarded-for"] : [])];
  const child = spawn(fs.existsSync(node) ? node : process.execPath, args, { cwd: stagedDir, env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  return new Promise((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /\{"port":(\d+)\}/.exec(output);
      if (match) resolve({ url: `http://127.0.0.1:${match[1]}`, stop });
    });
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => reject(new Error(`function exited with ${code}: ${output.slice(-2000)}`)));
    setTimeout(() => reject(new Error(`function did not start within 30 s: ${output.slice(-2000)}`)), 30_000).unref();
  });
}
