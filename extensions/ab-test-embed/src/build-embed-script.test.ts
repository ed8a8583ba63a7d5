import { gzipSync } from "node:zlib";
import { Liquid } from "liquidjs";
import { describe, expect, it } from "vitest";
import { bundleEmbedScript, buildEmbedSnippet, readCommittedSnippet, REBUILD_COMMAND, wrapAsSnippet } from "./build-embed-script";

/** Regression budget for the inline script (Shopify suggests at most 10 KB compressed for a theme extension's JS). */
const MAX_MINIFIED_BYTES = 7 * 1024;
const MAX_GZIPPED_BYTES = 4 * 1024;

describe("the committed embed snippet", () => {
  it("GIVEN the sources WHEN bundled afresh THEN the result equals the committed snippet", async () => {
    const fresh = await buildEmbedSnippet();

    expect(await readCommittedSnippet(), `snippets/ab-test-embed-script.liquid is stale: run \`${REBUILD_COMMAND}\``).toBe(fresh);
  });

  it("GIVEN two builds THEN they are byte-identical", async () => {
    expect(await bundleEmbedScript()).toBe(await bundleEmbedScript());
  });

  it("GIVEN the bundled script THEN it stays within its size budget", async () => {
    const script = await bundleEmbedScript();

    expect(Buffer.byteLength(script)).toBeLessThanOrEqual(MAX_MINIFIED_BYTES);
    expect(gzipSync(script, { level: 9 }).length).toBeLessThanOrEqual(MAX_GZIPPED_BYTES);
  });

  it("GIVEN the snippet WHEN Liquid renders it THEN the output is exactly one script element with the bundle", async () => {
    const script = await bundleEmbedScript();

    expect(await new Liquid().parseAndRender(await buildEmbedSnippet())).toBe(`<script>${script}</script>\n`);
  });
});

describe("wrapAsSnippet", () => {
  it.each([
    ["a closing script tag", 'console.log("</script>")'],
    ["a closing script tag in other case", 'x="</SCRIPT "'],
    ["Liquid's endraw", 'x="{% endraw %}"'],
  ])("GIVEN a script containing %s THEN it refuses to wrap it", (_name, script) => {
    expect(() => wrapAsSnippet(script)).toThrow();
  });

  it("GIVEN a script with Liquid-like braces THEN they are kept verbatim inside raw", async () => {
    const snippet = wrapAsSnippet('var a={{b:1}};var c="{% if %}"');

    expect(await new Liquid().parseAndRender(snippet)).toContain('<script>var a={{b:1}};var c="{% if %}"</script>');
  });
});
