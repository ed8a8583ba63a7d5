// Bundles the inline script into a Liquid snippet. Theme app extensions have no build step of their
// own (Shopify uploads the files as they are), so the bundle is committed and a test checks that it
// matches a fresh build. The output depends only on the sources and the locked esbuild version.
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export const EMBED_ENTRY = fileURLToPath(new URL("./embed.ts", import.meta.url));
export const EMBED_SNIPPET_PATH = fileURLToPath(new URL("../snippets/ab-test-embed-script.liquid", import.meta.url));
export const REBUILD_COMMAND = "npx tsx extensions/ab-test-embed/build.ts";

const SNIPPET_HEADER = `{%- comment -%}Generated from extensions/ab-test-embed/src by \`${REBUILD_COMMAND}\`; do not edit.{%- endcomment -%}`;

/** The minified script (ES2017: every browser Shopify supports for storefronts runs it). */
export async function bundleEmbedScript(): Promise<string> {
  const result = await build({
    entryPoints: [EMBED_ENTRY],
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2017",
    minify: true,
    legalComments: "none",
    charset: "ascii",
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0].text.trim();
}

/**
 * Wraps the script for Liquid: `{% raw %}` because minified code may contain `{{` or `{%`, which
 * Liquid would otherwise try to render.
 */
export function wrapAsSnippet(script: string): string {
  if (/<\/script/i.test(script)) throw new Error("the bundled script contains </script, which would end the inline <script> early");
  if (/\{%-?\s*endraw/.test(script)) throw new Error("the bundled script contains endraw, which would end Liquid's raw block early");
  return `${SNIPPET_HEADER}\n<script>{% raw %}${script}{% endraw %}</script>\n`;
}

export async function buildEmbedSnippet(): Promise<string> {
  return wrapAsSnippet(await bundleEmbedScript());
}

export async function readCommittedSnippet(): Promise<string> {
  return readFile(EMBED_SNIPPET_PATH, "utf8");
}

/** Writes the snippet; returns its size and the script's size in bytes. */
export async function writeEmbedSnippet(): Promise<{ path: string; snippetBytes: number; scriptBytes: number }> {
  const script = await bundleEmbedScript();
  const snippet = wrapAsSnippet(script);
  await writeFile(EMBED_SNIPPET_PATH, snippet);
  return { path: EMBED_SNIPPET_PATH, snippetBytes: Buffer.byteLength(snippet), scriptBytes: Buffer.byteLength(script) };
}
