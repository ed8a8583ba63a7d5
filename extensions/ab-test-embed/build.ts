// Rebuilds snippets/ab-test-embed-script.liquid from src/ (see src/build-embed-script.ts for why
// the output is committed). Run from the repository root: npx tsx extensions/ab-test-embed/build.ts
import { relative } from "node:path";
import { gzipSync } from "node:zlib";
import { bundleEmbedScript, writeEmbedSnippet } from "./src/build-embed-script";

const { path, scriptBytes, snippetBytes } = await writeEmbedSnippet();
const gzipBytes = gzipSync(await bundleEmbedScript(), { level: 9 }).length;
console.log(`✓ ${relative(process.cwd(), path)}: script ${scriptBytes} B minified, ${gzipBytes} B gzipped; snippet ${snippetBytes} B`);
