// The pure parts of `npm run verify:vercel` (scripts/lib/vercel-output.ts) on a hand-made Build Output
// API directory, and the launcher shim serving a staged function: a file left out of the trace is
// missing at run time, as on Vercel.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { configProblems, listFunctions, missingCrons, routesTo, stageFunction, tracedFiles } from "../../scripts/lib/vercel-output";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "abt-vercel-output-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

// A project whose handler opens an engine file by a computed path, like Prisma's client.
const project = path.join(root, "project");
const write = (file: string, text: string) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
};
write(
  path.join(project, "build/server/index.mjs"),
  `import fs from "node:fs";
import path from "node:path";
export default (req, res) => {
  try {
    const bytes = fs.readFileSync(path.join(process.cwd(), "node_modules/engine/engine.wasm"));
    res.writeHead(200).end(String(bytes.length));
  } catch (error) {
    res.writeHead(500).end(error.code);
  }
};
`,
);
write(path.join(project, "node_modules/engine/engine.wasm"), "wasm!");
write(path.join(project, "node_modules/unrelated/index.js"), "");
const output = path.join(project, ".vercel/output");
const funcDir = path.join(output, "functions/api/cron.func");
write(
  path.join(funcDir, ".vc-config.json"),
  JSON.stringify({
    handler: "build/server/index.mjs",
    runtime: "nodejs22.x",
    launcherType: "Nodejs",
    maxDuration: 300,
    filePathMap: { "build/server/index.mjs": "build/server/index.mjs", "node_modules/engine/engine.wasm": "node_modules/engine/engine.wasm" },
  }),
);
write(path.join(funcDir, "package.json"), `{"type":"module"}`);
fs.symlinkSync("api/cron.func", path.join(output, "functions/healthz.func"));

function serve(dir: string): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, [path.resolve("scripts/lib/vercel-launcher.mjs"), "build/server/index.mjs"], { cwd: dir, stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      const match = /\{"port":(\d+)\}/.exec(chunk.toString());
      if (match) resolve({ url: `http://127.0.0.1:${match[1]}`, stop: () => child.kill() });
    });
    child.once("exit", (code) => reject(new Error(`launcher exited with ${code}`)));
  });
}

describe("listFunctions / tracedFiles / stageFunction", () => {
  it("GIVEN a function and a symlinked alias THEN both are listed with the one real directory and its config", () => {
    const functions = listFunctions(output);

    expect(functions.map((fn) => fn.name)).toEqual(["api/cron", "healthz"]);
    expect(new Set(functions.map((fn) => fn.dir))).toEqual(new Set([fs.realpathSync(funcDir)]));
    expect(functions[0].config.maxDuration).toBe(300);
  });

  it("GIVEN files inside the .func directory and a filePathMap THEN the traced files are both, without .vc-config.json", () => {
    const files = tracedFiles(listFunctions(output)[0], project);

    expect([...files.keys()].sort()).toEqual(["build/server/index.mjs", "node_modules/engine/engine.wasm", "package.json"]);
  });

  it("GIVEN the staged function THEN it serves with its traced file, AND WHEN that file is dropped from the trace THEN the same request fails", async () => {
    const fn = listFunctions(output)[0];
    const whole = path.join(root, "staged-whole");
    const dropped = path.join(root, "staged-dropped");

    expect(stageFunction(fn, project, whole)).toBe(3);
    expect(stageFunction(fn, project, dropped, ["node_modules/engine/engine.wasm"])).toBe(2);
    expect(fs.existsSync(path.join(whole, "node_modules/unrelated"))).toBe(false);

    const [good, bad] = await Promise.all([serve(whole), serve(dropped)]);
    try {
      const [ok, broken] = await Promise.all([fetch(good.url), fetch(bad.url)]);
      expect([ok.status, await ok.text()]).toEqual([200, "5"]);
      expect([broken.status, await broken.text()]).toEqual([500, "ENOENT"]);
    } finally {
      good.stop();
      bad.stop();
    }
  });
});

describe("output checks", () => {
  const cron = { path: "/api/statistics-export/daily", schedule: "0 0 * * *" };

  it.each([
    ["the same crons", [cron], []],
    ["no crons", [], [cron]],
    ["another schedule", [{ ...cron, schedule: "0 1 * * *" }], [cron]],
  ])("GIVEN config.json with %s THEN missingCrons reports what vercel.json has and it lacks", (_case, crons, missing) => {
    expect(missingCrons({ crons: [cron] }, { crons })).toEqual(missing);
  });

  it.each([
    ["as expected", { runtime: "nodejs22.x", maxDuration: 300 }, []],
    ["on Node 24", { runtime: "nodejs24.x", maxDuration: 300 }, ["runtime nodejs24.x, expected nodejs22.x"]],
    ["without maxDuration", { runtime: "nodejs22.x" }, ["maxDuration (default), expected 300"]],
  ])("GIVEN a function %s THEN configProblems says so", (_case, config, problems) => {
    const fn = { name: "api/cron", dir: funcDir, config: { handler: "index.mjs", ...config } };
    expect(configProblems(fn, { name: "api/cron", runtime: "nodejs22.x", maxDuration: 300 })).toEqual(problems);
  });

  it("GIVEN no such function THEN configProblems names it", () => {
    expect(configProblems(undefined, { name: "api/track.ts", runtime: "nodejs22.x" })).toEqual(["no function api/track.ts in the output"]);
  });

  it.each([
    ["/track", true],
    ["/tracking", false],
    ["/api/track", false],
  ])("GIVEN the compiled rewrite THEN %s routes to the track function: %s", (requestPath, expected) => {
    const routes = [{ handle: "filesystem" }, { src: "^/track$", dest: "/api/track.ts", check: true }, { src: "/(.*)", dest: "/" }];
    expect(routesTo({ routes }, requestPath, "/api/track.ts")).toBe(expected);
  });
});
