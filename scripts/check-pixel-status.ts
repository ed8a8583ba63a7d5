// `bun run check:pixels`: is every ACTIVE shop's web pixel there, pointed at this deployment and
// delivering? Reads the pixel from the Admin API and the event counts from the database; changes nothing.
import { getEnv } from "../app/env.server";
import { readWebPixelStatus } from "../app/services/shopify/activate-web-pixel";
import { describeAdminFailure } from "../app/services/shopify/link-sessions";
import { findActiveShops } from "../app/services/shopify/find-active-shops";
import { createShopAdminClient } from "../app/services/shopify/shop-admin-client";
import { getPixelHealth } from "../app/services/tracking/get-pixel-health";
import { fail, finishScript, ok, parseFlags, startScript } from "./lib/script-runtime";

const HELP = `Usage: bun run check:pixels -- [--shop DOMAIN]

For every ACTIVE shop: does the web pixel exist, what are its settings (app_url, enabled, debug), how
many tests are ACTIVE, how many events arrived in the last 24 h and 7 d, and when the last one did.
A shop gets ✗ when its pixel is missing or misconfigured (app_url is not SHOPIFY_APP_URL, enabled is
not "true"), or when it has ACTIVE tests but no event in the last 24 h.

  --shop DOMAIN  only this shop (its myshopify, configured or primary domain); repeatable
  -h, --help     show this help

Exits 1 when any shop got ✗.`;

const flags = parseFlags({ shop: { type: "string", multiple: true } }, HELP);
const context = await startScript().catch((error: unknown) => {
  fail(`check:pixels could not start: ${(error as Error).message}`);
  process.exit(1);
});
const { prisma } = context;
const env = getEnv();
const { shops, unknownDomains } = await findActiveShops(prisma, flags.shop);
for (const domain of unknownDomains) fail(`${domain}: no ACTIVE shop has this domain`);
if (!flags.shop && shops.length === 0) ok("no ACTIVE shops");
const shopIds = shops.map((shop) => shop.id);
const activeTests = new Map(
  (await prisma.aBTest.groupBy({ by: ["shopId"], where: { shopId: { in: shopIds }, status: "ACTIVE" }, _count: { _all: true } })).map(
    (row) => [row.shopId, row._count._all],
  ),
);
const health = await getPixelHealth(prisma, shopIds);
let withProblems = 0;

for (const shop of shops) {
  const label = shop.myshopifyDomain ?? shop.shopDomain;
  const tests = activeTests.get(shop.id) ?? 0;
  const { eventsLast24h, eventsLast7d, lastEventAt } = health.get(shop.id)!;
  const delivery = `${tests} ACTIVE test${tests === 1 ? "" : "s"}; events 24h ${eventsLast24h}, 7d ${eventsLast7d}, last ${lastEventAt?.toISOString() ?? "never"}`;
  const quiet = tests > 0 && eventsLast24h === 0 ? [`ACTIVE tests but no event in the last 24 h`] : [];
  let pixel: string;
  let problems: string[];
  try {
    const admin = await createShopAdminClient(prisma, shop.id, { origin: env.SHOPIFY_ADMIN_API_ORIGIN });
    const status = await readWebPixelStatus(admin, { appUrl: env.SHOPIFY_APP_URL });
    const settings = status.settings;
    pixel = !status.exists
      ? "no web pixel"
      : `pixel ${status.pixelId} (app_url ${String(settings?.app_url ?? "unset")}, enabled ${String(settings?.enabled ?? "unset")}, debug ${String(settings?.debug ?? "unset")})`;
    problems = status.problems.length > 0 ? [...status.problems.map((problem) => `${problem} (fix: bun run activate:pixels)`), ...quiet] : quiet;
  } catch (error) {
    pixel = "pixel unknown";
    problems = [describeAdminFailure(error), ...quiet];
  }
  if (problems.length === 0) {
    ok(`${label}: ${pixel}; ${delivery}`);
  } else {
    withProblems++;
    fail(`${label}: ${pixel}; ${delivery} — ${problems.join("; ")}`);
  }
}

console.log(`check:pixels: ${shops.length} shop${shops.length === 1 ? "" : "s"} — ${shops.length - withProblems} ok, ${withProblems} with problems`);
await finishScript(context, withProblems + unknownDomains.length);
