// Bundles the pixel the way `shopify app build` does (esbuild, one minified browser file), so tests
// can check that it builds, stays small and pulls in nothing from Node. Shopify's CLI builds the
// deployed file itself; this output (dist/) is only for inspection and is gitignored.
//   npx tsx extensions/ab-test-pixel/build.ts   → extensions/ab-test-pixel/dist/ab-test-pixel.js
import { build, type Format } from "esbuild";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const extensionDirectory = path.dirname(fileURLToPath(import.meta.url));

export interface PixelBundle {
  code: string;
  bytes: number;
  /** Every module that went into the bundle, relative to the working directory. */
  inputs: string[];
}

export interface BundleOptions {
  /** Shopify's CLI leaves esbuild's default (iife for one browser file) and targets es6. */
  format?: Format;
  target?: string;
}

export async function bundlePixel({ format = "iife", target = "es2020" }: BundleOptions = {}): Promise<PixelBundle> {
  const result = await build({
    entryPoints: [path.join(extensionDirectory, "src/index.ts")],
    bundle: true,
    write: false,
    minify: true,
    legalComments: "none",
    platform: "browser",
    format,
    target,
    define: { "process.env.NODE_ENV": JSON.stringify("production") },
    metafile: true,
    logLevel: "silent",
  });
  const output = result.outputFiles[0];
  return { code: output.text, bytes: output.contents.byteLength, inputs: Object.keys(result.metafile.inputs) };
}

async function writeBundle(): Promise<void> {
  const bundle = await bundlePixel();
  const outputPath = path.join(extensionDirectory, "dist/ab-test-pixel.js");
  await mkdir(path.dirname(outputPath), { recursive: true });
  await writeFile(outputPath, bundle.code);
  console.log(`✓ ${path.relative(process.cwd(), outputPath)} ${bundle.bytes} bytes from ${bundle.inputs.length} modules`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeBundle().catch((error: unknown) => {
    console.error("✗ bundling the web pixel failed", error);
    process.exitCode = 1;
  });
}
