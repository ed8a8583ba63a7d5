// `npm run verify:vercel`: builds the app as Vercel does (`vercel build`, offline, in a temp copy of the
// working tree), then runs the built functions from `.vercel/output` with ONLY their traced files against a
// fresh database on the local Postgres and the fake Admin API, and checks them over HTTP. ✓/✗ per check,
// non-zero exit on any ✗ (umami's check-db style).
//   --project DIR     reuse a copy already built by a previous run (kept with --keep); skips copy + build
//   --drop-file PATH  leave PATH (a function path, e.g. node_modules/.prisma/client/query_compiler_bg.wasm)
//                     out of every staged function, to see which checks it breaks
//   --keep            keep the temp copy, its build and the database (printed at the end)
import { execFileSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { parseFlags } from "./lib/script-runtime";
import { startFunctionProcess, type FunctionProcess } from "./lib/vercel-function-process";
import { configProblems, listFunctions, missingCrons, routesTo, stageFunction, type OutputFunction } from "./lib/vercel-output";

const VERCEL_CLI = "vercel@58.10.0";
const NODE_RUNTIME = "nodejs22.x";
const PRISMA_WASM = "node_modules/.prisma/client/query_compiler_bg.wasm";
const CRON_FUNCTION = "api/statistics-export/daily";
const DRAIN_FUNCTION = "api/statistics-export/drain";
const TRACK_FUNCTION = "api/track.ts";
// /track drops events from bots (isbot): fetch's own User-Agent is one.
const BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0 Safari/537.36";
const REPO = path.resolve(import.meta.dirname, "..");

const flags = parseFlags(
  { project: { type: "string" }, "drop-file": { type: "string", multiple: true }, keep: { type: "boolean" } },
  "usage: npm run verify:vercel [-- --project DIR] [--drop-file PATH]... [--keep]",
);
const dropFiles = flags["drop-file"] ?? [];

let failures = 0;
const started = Date.now();
function check(ok: boolean, label: string, detail = ""): boolean {
  if (!ok) failures++;
  console.log(`${ok ? "✓" : "✗"} ${label}${detail ? ` — ${detail}` : ""}`);
  return ok;
}
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

const serverUrl = process.env.VERIFY_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const dbName = `abt_verify_vercel_${Date.now()}`;
const databaseUrl = Object.assign(new URL(serverUrl), { pathname: `/${dbName}` }).toString();
const work = fs.mkdtempSync(path.join(os.tmpdir(), "abt-verify-vercel-"));
const children: FunctionProcess[] = [];
let fakeClose = async () => {};

async function adminQuery(sql: string) {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** The working tree as git sees it (tracked and untracked, minus ignored files): what a deploy uploads. */
function copyWorkingTree(dest: string) {
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: REPO }).toString().split("\0").filter(Boolean);
  for (const file of files) {
    const from = path.join(REPO, file);
    if (!fs.existsSync(from)) continue;
    fs.mkdirSync(path.dirname(path.join(dest, file)), { recursive: true });
    fs.copyFileSync(from, path.join(dest, file));
  }
  return files.length;
}

function runVercelBuild(project: string): { ok: boolean; log: string } {
  fs.mkdirSync(path.join(project, ".vercel"), { recursive: true });
  // Stands in for `vercel link`: the project's settings as the dashboard would hold them.
  fs.writeFileSync(path.join(project, ".vercel/project.json"), JSON.stringify({ projectId: "prj_verify_local", orgId: "team_verify_local", settings: { framework: "remix" } }));
  const logPath = path.join(work, "vercel-build.log");
  const log = fs.openSync(logPath, "w");
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, VERCEL_TELEMETRY_DISABLED: "1", NO_UPDATE_NOTIFIER: "1" };
  delete env.DIRECT_URL;
  try {
    execFileSync("npx", ["--yes", VERCEL_CLI, "build", "--yes"], { cwd: project, env, stdio: ["ignore", log, log] });
    return { ok: true, log: logPath };
  } catch {
    return { ok: false, log: logPath };
  } finally {
    fs.closeSync(log);
  }
}

async function request(url: string, init?: RequestInit): Promise<{ status: number; body: string }> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    return { status: 0, body: (error as Error).message };
  }
}

try {
  // 1. Build as Vercel does.
  await adminQuery(`CREATE DATABASE "${dbName}"`);
  let project = flags.project ? path.resolve(flags.project) : path.join(work, "project");
  if (!flags.project) {
    const copied = copyWorkingTree(project);
    const buildStarted = Date.now();
    const build = runVercelBuild(project);
    if (!check(build.ok, `vercel build (${VERCEL_CLI}, offline) in a copy of the working tree (${copied} files)`, `${seconds(buildStarted)}${build.ok ? "" : `; log: ${build.log}`}`)) {
      throw new Error("build failed");
    }
  } else {
    console.log(`· reusing ${project}`);
    project = fs.realpathSync(project);
  }
  const migrated = new pg.Client({ connectionString: databaseUrl });
  await migrated.connect();
  const { rows: migrationRows } = await migrated.query<{ count: string }>(`SELECT count(*) FROM "_prisma_migrations" WHERE finished_at IS NOT NULL`).catch(() => ({ rows: [{ count: "0" }] }));
  const expectedMigrations = fs.readdirSync(path.join(project, "prisma/migrations"), { withFileTypes: true }).filter((entry) => entry.isDirectory()).length;
  if (!flags.project) check(Number(migrationRows[0].count) === expectedMigrations, "vercel-build applied prisma/migrations to the empty database", `${migrationRows[0].count} of ${expectedMigrations}`);
  else await (await import("../app/services/database/migrate")).applyMigrations(databaseUrl, path.join(project, "prisma/migrations"));

  // 2. The output's configuration.
  const output = path.join(project, ".vercel/output");
  const vercelJson = JSON.parse(fs.readFileSync(path.join(project, "vercel.json"), "utf8"));
  const outputConfig = JSON.parse(fs.readFileSync(path.join(output, "config.json"), "utf8"));
  const missing = missingCrons(vercelJson, outputConfig);
  check(missing.length === 0, "config.json has vercel.json's crons", missing.length ? `missing ${JSON.stringify(missing)}` : JSON.stringify(outputConfig.crons));
  check(routesTo(outputConfig, "/track", `/${TRACK_FUNCTION}`), `config.json routes /track to the ${TRACK_FUNCTION} function`);
  const functions = listFunctions(output);
  const byName = new Map(functions.map((fn) => [fn.name, fn]));
  for (const expected of [
    { name: CRON_FUNCTION, runtime: NODE_RUNTIME, maxDuration: 300 },
    { name: DRAIN_FUNCTION, runtime: NODE_RUNTIME, maxDuration: 300 },
    { name: TRACK_FUNCTION, runtime: NODE_RUNTIME },
    { name: "healthz", runtime: NODE_RUNTIME },
  ]) {
    const problems = configProblems(byName.get(expected.name), expected);
    check(problems.length === 0, `${expected.name}.func: runtime ${expected.runtime}, maxDuration ${expected.maxDuration ?? "default"}`, problems.join("; "));
  }
  const otherRuntimes = functions.filter((fn) => fn.config.runtime !== NODE_RUNTIME).map((fn) => `${fn.name}: ${fn.config.runtime}`);
  check(otherRuntimes.length === 0, `all ${functions.length} functions on ${NODE_RUNTIME}`, otherRuntimes.join(", "));
  const remixDefault = byName.get("healthz")!;
  check(Object.hasOwn(remixDefault.config.filePathMap ?? {}, PRISMA_WASM), `Prisma's wasm query compiler is in the Remix functions' trace`);

  // 3. Data: a shop with an ACTIVE test for /track; a shop the fake Admin API knows for the export.
  const cronSecret = randomBytes(24).toString("hex");
  const baseEnv: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    TZ: "UTC",
    NODE_ENV: "production",
    VERCEL: "1",
    DATABASE_URL: databaseUrl,
    CRON_SECRET: cronSecret,
    SHOPIFY_API_KEY: "verify-api-key",
    SHOPIFY_API_SECRET: "verify-api-secret",
    SHOPIFY_APP_URL: "https://verify.example",
    // As deployed: the scopes shopify.app.toml asks for.
    SCOPES: /^scopes\s*=\s*"([^"]+)"/m.exec(fs.readFileSync(path.join(project, "shopify.app.toml"), "utf8"))?.[1] ?? "read_products",
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    DATA_DIR: path.join(work, "data"),
  };
  Object.assign(process.env, baseEnv, { NODE_ENV: "development" });
  const { generateCatalog } = await import("../tests/fake-shopify/catalog");
  const { startFakeAdminApi } = await import("../tests/fake-shopify/fake-admin-api");
  const { createPrismaClient } = await import("../app/db.server");
  const { getEnv } = await import("../app/env.server");
  const { saveShopCredential } = await import("../app/services/shopify/shop-credentials");
  const prisma = createPrismaClient(databaseUrl, 2);
  const shopDomain = `verify-${randomUUID().slice(0, 8)}.myshopify.com`;
  const accessToken = `shpat_verify_${randomUUID()}`;
  const catalog = generateCatalog({ products: 2, variantsPerProduct: 2, imagesPerProduct: 1, seed: 11 });
  const fake = await startFakeAdminApi({ shops: [{ domain: shopDomain, accessToken, currencyCode: "EUR", products: catalog }] });
  fakeClose = () => fake.close();
  const credential = await saveShopCredential(prisma, getEnv().keyring, { shopDomain, apiKey: baseEnv.SHOPIFY_API_KEY, mode: "PUBLIC" });
  await prisma.shopCredential.update({ where: { id: credential.id }, data: { myshopifyDomain: shopDomain, currencyCode: "EUR" } });
  await prisma.session.create({ data: { id: `offline_${shopDomain}`, shop: shopDomain, state: "verify", isOnline: false, accessToken, scope: baseEnv.SCOPES, shopId: credential.id } });
  const test = await prisma.aBTest.create({
    data: { shopId: credential.id, productId: catalog[0].id, name: "verify", status: "ACTIVE", trafficSplit: 50, controlImages: [], treatmentImages: [], startedAt: new Date("2026-01-01T00:00:00Z") },
  });
  const productNumber = catalog[0].id.split("/").pop()!;

  // 4. Each function from its traced files only.
  const stage = (fn: OutputFunction, label: string, drop = dropFiles) => {
    const dir = path.join(work, "functions", label);
    const count = stageFunction(fn, project, dir, drop);
    console.log(`· ${fn.name}.func staged with its ${count} traced files${drop.length ? ` (without ${drop.join(", ")})` : ""}`);
    return dir;
  };
  const startStaged = async (fn: OutputFunction, label: string, env: Record<string, string>, drop = dropFiles) => {
    const started = await startFunctionProcess(stage(fn, label, drop), fn.config.handler, env);
    children.push(started);
    return started.url;
  };
  const [remixUrl, trackUrl, cronUrl, drainUrl] = await Promise.all([
    startStaged(remixDefault, "remix", baseEnv),
    startStaged(byName.get(TRACK_FUNCTION)!, "track", baseEnv),
    // The export reaches the local fake Admin API, an override the app refuses in production.
    startStaged(byName.get(CRON_FUNCTION)!, "cron", { ...baseEnv, NODE_ENV: "development", SHOPIFY_ADMIN_API_ORIGIN: fake.origin }),
    startStaged(byName.get(DRAIN_FUNCTION)!, "drain", { ...baseEnv, NODE_ENV: "development", SHOPIFY_ADMIN_API_ORIGIN: fake.origin }),
  ]);

  // 5. Over HTTP.
  const health = await request(`${remixUrl}/healthz`);
  check(health.status === 200 && /"db":"ok"/.test(health.body), "GET /healthz → 200, db ok (Remix function)", `${health.status} ${health.body.slice(0, 200)}`);

  const storedEvents = async (ids: string[]) =>
    Number((await migrated.query<{ count: string }>(`SELECT count(*) FROM "ABTestEvent" WHERE "eventId" = ANY($1::text[])`, [ids])).rows[0].count);
  for (const [label, url] of [
    [`POST /track → ${TRACK_FUNCTION} function (no Remix)`, trackUrl],
    ["POST /track → Remix route (track.func)", remixUrl],
  ] as const) {
    const events = [0, 1, 2].map(() => ({ id: randomUUID(), type: "IMPRESSION", testId: test.id, visitorId: randomUUID(), productId: productNumber, occurredAt: new Date().toISOString() }));
    const response = await request(`${url}/track`, { method: "POST", headers: { "Content-Type": "text/plain", Origin: `https://${shopDomain}`, "User-Agent": BROWSER }, body: JSON.stringify({ shop: shopDomain, events }) });
    const stored = await storedEvents(events.map((event) => event.id));
    check(response.status === 202 && stored === events.length, `${label}: 202 and the batch stored`, `${response.status} ${response.body.slice(0, 200)}; ${stored} of ${events.length} rows`);
  }

  const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const cronPath = `/api/statistics-export/daily?date=${day}&shop=${shopDomain}`;
  const unauthorized = await request(`${cronUrl}${cronPath}`);
  check(unauthorized.status === 401, "GET the cron route without Authorization → 401", String(unauthorized.status));
  const cron = await request(`${cronUrl}${cronPath}`, { headers: { Authorization: `Bearer ${cronSecret}` } });
  // The cron plans (one queued job per shop-day); the drain function exports.
  const drain = await request(`${drainUrl}/api/statistics-export/drain`, { headers: { Authorization: `Bearer ${cronSecret}` } });
  check(drain.status === 200, "GET the drain route with Bearer $CRON_SECRET → 200", `${drain.status} ${drain.body.slice(0, 200)}`);
  const exported = await prisma.statisticsExport.findFirst({ where: { shopId: credential.id, date: new Date(`${day}T00:00:00Z`) } });
  check(cron.status === 200 && exported?.status === "COMPLETED", `GET the cron route, then the drain route, with Bearer $CRON_SECRET → 200, export COMPLETED for ${day}`, `${cron.status} ${cron.body.slice(0, 200)}; export ${exported?.status ?? "none"}`);

  // 6. The check has teeth: the same function without the wasm in its trace cannot query.
  if (!dropFiles.includes(PRISMA_WASM)) {
    const withoutWasm = await startStaged(remixDefault, "remix-without-wasm", baseEnv, [...dropFiles, PRISMA_WASM]);
    const broken = await request(`${withoutWasm}/healthz`);
    check(broken.status !== 200 && !/"db":"ok"/.test(broken.body), "control: without the wasm in the trace, /healthz fails", `${broken.status} ${broken.body.slice(0, 120)}`);
  }
  await migrated.end();
  await prisma.$disconnect();
} catch (error) {
  check(false, "verification stopped", (error as Error).message.slice(0, 2000));
} finally {
  await Promise.all(children.map((child) => child.stop()));
  await fakeClose().catch(() => {});
  if (flags.keep) {
    console.log(`· kept ${work} and database ${dbName}`);
  } else {
    await adminQuery(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => {});
    fs.rmSync(work, { recursive: true, force: true });
  }
}
console.log(failures === 0 ? `\n✓ Vercel build verified in ${seconds(started)}` : `\n✗ ${failures} check(s) failed (${seconds(started)})`);
process.exit(failures === 0 ? 0 : 1);
