// Runs the fake Admin API on its own, for local demo runs and for tests that drive another process:
//   tsx tests/fake-shopify/cli.ts --port 0 --shop demo.myshopify.com --products 20
// Prints one JSON line `{"origin": …, "shops": [{domain, accessToken, products}]}` once listening,
// and stops on SIGTERM or SIGINT.
import { parseArgs } from "node:util";
import { generateCatalog } from "./catalog";
import { startFakeAdminApi } from "./fake-admin-api";

function parseCount(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 0) throw new Error(`--${name} must be a non-negative integer, got ${value}`);
  return count;
}

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    shop: { type: "string", multiple: true, default: ["demo.myshopify.com"] },
    products: { type: "string" },
    "variants-per-product": { type: "string" },
    "images-per-product": { type: "string" },
    scopes: { type: "string" },
  },
  strict: true,
});

const products = parseCount("products", values.products, 20);
const variantsPerProduct = parseCount("variants-per-product", values["variants-per-product"], 3);
const imagesPerProduct = parseCount("images-per-product", values["images-per-product"], 3);
const grantedScopes = values.scopes?.split(",").map((scope) => scope.trim()).filter(Boolean);

const api = await startFakeAdminApi({
  port: parseCount("port", values.port, 0),
  shops: values.shop.map((domain, index) => ({
    domain,
    grantedScopes,
    // A seed per shop, so each shop has its own catalog and ids.
    products: generateCatalog({ products, variantsPerProduct, imagesPerProduct, seed: index + 1 }),
  })),
});

const shops = values.shop.map((domain) => ({ domain, accessToken: api.getShop(domain).accessToken, products }));
process.stdout.write(`${JSON.stringify({ origin: api.origin, shops })}\n`);

const stop = (): void => {
  api.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
