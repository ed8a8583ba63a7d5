import { spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { postAdminGraphql } from "./post-admin-graphql";

const REPO_ROOT = path.resolve(import.meta.dirname, "../..");

describe("fake-shopify cli", () => {
  it("GIVEN the cli started on port 0 WHEN it prints its line THEN the shop answers and SIGTERM stops it cleanly", async () => {
    const child = spawn(
      path.join(REPO_ROOT, "node_modules/.bin/tsx"),
      ["tests/fake-shopify/cli.ts", "--port", "0", "--shop", "cli-demo.myshopify.com", "--products", "7"],
      { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "inherit"] },
    );
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), "line")) as [string];
      const started = JSON.parse(line) as { origin: string; shops: { domain: string; accessToken: string; products: number }[] };
      expect(started.shops).toEqual([{ domain: "cli-demo.myshopify.com", accessToken: "shpat_test_cli-demo.myshopify.com", products: 7 }]);

      const response = await postAdminGraphql<{ products: { nodes: unknown[] } }>(
        `${started.origin}/cli-demo.myshopify.com/admin/api/2026-10/graphql.json`,
        started.shops[0].accessToken,
        "{ products(first: 50) { nodes { id } } }",
      );
      expect(response.body.data?.products.nodes).toHaveLength(7);

      const exited = once(child, "exit");
      child.kill("SIGTERM");
      expect(await exited).toEqual([0, null]);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});
