// Reading a Build Output API v3 directory (`.vercel/output`, written by `vercel build`) for
// scripts/verify-vercel.ts: the functions and their configs, the checks on them, and copying one
// function's traced files (and nothing else) into a directory of its own, as Vercel deploys it.
import fs from "node:fs";
import path from "node:path";

export interface VcConfig {
  handler: string;
  runtime?: string;
  launcherType?: string;
  maxDuration?: number;
  shouldAddHelpers?: boolean;
  /** Function path → file in the project (relative to the project root); files not inside the .func directory. */
  filePathMap?: Record<string, string>;
}

export interface OutputFunction {
  /** The route path it serves, e.g. "api/statistics-export/daily" or "index". */
  name: string;
  /** The .func directory (symlinks resolved: functions sharing one bundle point at one directory). */
  dir: string;
  config: VcConfig;
}

export function listFunctions(outputDir: string): OutputFunction[] {
  const root = path.join(outputDir, "functions");
  const found: OutputFunction[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.name.endsWith(".func")) {
        const real = fs.realpathSync(full);
        const name = path.relative(root, full).slice(0, -".func".length).split(path.sep).join("/");
        found.push({ name, dir: real, config: JSON.parse(fs.readFileSync(path.join(real, ".vc-config.json"), "utf8")) as VcConfig });
      } else if (entry.isDirectory()) {
        walk(full);
      }
    }
  };
  walk(root);
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/** Every file the function gets: those written inside its .func directory, then its filePathMap. */
export function tracedFiles(fn: OutputFunction, projectRoot: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (full !== path.join(fn.dir, ".vc-config.json")) files.set(path.relative(fn.dir, full).split(path.sep).join("/"), full);
    }
  };
  walk(fn.dir);
  for (const [target, source] of Object.entries(fn.config.filePathMap ?? {})) files.set(target, path.resolve(projectRoot, source));
  return files;
}

/**
 * Copies the function's files into `dest` (created empty), leaving out `dropFiles` (function paths):
 * what runs there can open nothing else of the project. Returns the number of files copied.
 */
export function stageFunction(fn: OutputFunction, projectRoot: string, dest: string, dropFiles: string[] = []): number {
  fs.rmSync(dest, { recursive: true, force: true });
  fs.mkdirSync(dest, { recursive: true });
  const dropped = new Set(dropFiles);
  let copied = 0;
  for (const [target, source] of tracedFiles(fn, projectRoot)) {
    if (dropped.has(target)) continue;
    const to = path.join(dest, target);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    // Symlinks inside node_modules (e.g. .bin) are recreated as they are; the rest copied as files.
    const stat = fs.lstatSync(source);
    if (stat.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(source), to);
    else fs.copyFileSync(source, to);
    copied++;
  }
  return copied;
}

export interface Cron {
  path: string;
  schedule: string;
}

/** The crons of vercel.json missing from the output's config.json (empty when all are there). */
export function missingCrons(vercelJson: { crons?: Cron[] }, outputConfig: { crons?: Cron[] }): Cron[] {
  const present = new Set((outputConfig.crons ?? []).map((cron) => `${cron.path} ${cron.schedule}`));
  return (vercelJson.crons ?? []).filter((cron) => !present.has(`${cron.path} ${cron.schedule}`));
}

export interface FunctionExpectation {
  name: string;
  runtime: string;
  /** undefined: Vercel's default for the plan. */
  maxDuration?: number;
}

/** What is wrong with the function's config against the expectation; empty when nothing is. */
export function configProblems(fn: OutputFunction | undefined, expected: FunctionExpectation): string[] {
  if (!fn) return [`no function ${expected.name} in the output`];
  const problems: string[] = [];
  if (fn.config.runtime !== expected.runtime) problems.push(`runtime ${fn.config.runtime ?? "(none)"}, expected ${expected.runtime}`);
  if (fn.config.maxDuration !== expected.maxDuration) problems.push(`maxDuration ${fn.config.maxDuration ?? "(default)"}, expected ${expected.maxDuration ?? "(default)"}`);
  return problems;
}

export interface Route {
  src?: string;
  dest?: string;
}

/** Whether the output's routes send `path` to the function `dest` (vercel.json's rewrite, compiled). */
export function routesTo(outputConfig: { routes?: Route[] }, requestPath: string, dest: string): boolean {
  return (outputConfig.routes ?? []).some((route) => route.dest === dest && route.src !== undefined && new RegExp(route.src).test(requestPath));
}
