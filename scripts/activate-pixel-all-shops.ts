// `bun run activate:pixels`: points every ACTIVE shop's web pixel at this deployment (SHOPIFY_APP_URL),
// creating it where it is missing. Run after moving the app to a new URL, or for shops installed
// before the install hook activated pixels. One shop's failure never stops the others.
import { getEnv } from "../app/env.server";
import { activateWebPixel } from "../app/services/shopify/activate-web-pixel";
import { describeAdminFailure } from "../app/services/shopify/link-sessions";
import { findActiveShops } from "../app/services/shopify/find-active-shops";
import { createShopAdminClient } from "../app/services/shopify/shop-admin-client";
import { fail, finishScript, ok, parseFlags, startScript } from "./lib/script-runtime";

const HELP = `Usage: bun run activate:pixels -- [--shop DOMAIN] [--debug]

Creates the app's web pixel on every ACTIVE shop, or updates it when its settings differ from
app_url = SHOPIFY_APP_URL, enabled "true", debug "false". Prints one ✓/✗ line per shop.

  --shop DOMAIN  only this shop (its myshopify, configured or primary domain); repeatable
  --debug        set debug "true": the pixel logs every event to the browser console
  -h, --help     show this help

Exits 1 when any shop failed (e.g. a missing scope: the line says which to grant).`;

const flags = parseFlags({ shop: { type: "string", multiple: true }, debug: { type: "boolean" } }, HELP);
const context = await startScript().catch((error: unknown) => {
  fail(`activate:pixels could not start: ${(error as Error).message}`);
  process.exit(1);
});
const { prisma } = context;
const env = getEnv();
const { shops, unknownDomains } = await findActiveShops(prisma, flags.shop);
for (const domain of unknownDomains) fail(`${domain}: no ACTIVE shop has this domain`);
if (!flags.shop && shops.length === 0) ok("no ACTIVE shops");
const counts = { created: 0, updated: 0, unchanged: 0, failed: 0 };

for (const shop of shops) {
  const label = shop.myshopifyDomain ?? shop.shopDomain;
  try {
    const admin = await createShopAdminClient(prisma, shop.id, { origin: env.SHOPIFY_ADMIN_API_ORIGIN });
    const result = await activateWebPixel(admin, { appUrl: env.SHOPIFY_APP_URL, debug: flags.debug ?? false });
    counts[result.action]++;
    const { app_url, enabled, debug } = result.settings;
    const detail = result.action === "updated" ? result.changes.join(", ") : `app_url ${app_url}, enabled ${enabled}, debug ${debug}`;
    ok(`${label}: ${result.action} web pixel ${result.pixelId} (${detail})`);
  } catch (error) {
    counts.failed++;
    fail(`${label}: ${describeAdminFailure(error)}`);
  }
}

console.log(
  `activate:pixels: ${shops.length} shop${shops.length === 1 ? "" : "s"} — ` +
    `${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.failed} failed`,
);
await finishScript(context, counts.failed + unknownDomains.length);
