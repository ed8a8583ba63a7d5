// `bun run link:sessions`: links offline sessions that have no Session.shopId to their shop's
// credential, asking the Admin API (with each session's token) for the shop's myshopify and primary
// domains so credentials configured under a custom domain are found too.
import { getEnv } from "../app/env.server";
import { createAdminClient } from "../app/services/shopify/admin-client";
import { linkSessions } from "../app/services/shopify/link-sessions";
import { fail, finishScript, ok, parseFlags, startScript } from "./lib/script-runtime";

const HELP = `Usage: bun run link:sessions -- [--shop DOMAIN] [--dry-run]

For every offline session not yet linked to a shop: reads the shop's myshopifyDomain and primary
domain from the Admin API, finds the ShopCredential configured under either, sets Session.shopId and
fills the credential's empty myshopifyDomain, primaryDomain, ianaTimezone and currencyCode.

  --shop DOMAIN  only the sessions of this shop (its myshopify domain); repeatable
  --dry-run      report what would be linked, write nothing
  -h, --help     show this help

Exits 1 when any session could not be linked.`;

const flags = parseFlags({ shop: { type: "string", multiple: true }, "dry-run": { type: "boolean" } }, HELP);
const context = await startScript().catch((error: unknown) => {
  fail(`link:sessions could not start: ${(error as Error).message}`);
  process.exit(1);
});
const env = getEnv();
const dryRun = flags["dry-run"] ?? false;
// Operators paste admin URLs as often as bare domains.
const shops = flags.shop?.map((shop) => shop.trim().toLowerCase().replace(/^https?:\/\//, "").replace(/\/.*$/, ""));

const outcomes = await linkSessions(context.prisma, (session) => createAdminClient(session, { origin: env.SHOPIFY_ADMIN_API_ORIGIN }), {
  dryRun,
  shops,
});
if (outcomes.length === 0) ok(`no unlinked offline sessions${shops ? ` for ${shops.join(", ")}` : ""}`);

const counts = { linked: 0, "not-linked": 0, failed: 0 };
for (const outcome of outcomes) {
  counts[outcome.status]++;
  if (outcome.status === "linked") {
    const filled = outcome.filled.length > 0 ? ` (${dryRun ? "would fill" : "filled"} ${outcome.filled.join(", ")})` : "";
    ok(`${outcome.sessionShop}: ${dryRun ? "would link" : "linked"} to credential ${outcome.credentialDomain}${filled}`);
  } else if (outcome.status === "not-linked") {
    fail(`${outcome.sessionShop}: not linked — ${outcome.reason} (tried ${outcome.triedDomains.join(", ")}); configure a credential for the shop or reinstall the app`);
  } else {
    fail(`${outcome.sessionShop}: failed — ${outcome.error}`);
  }
}

const failures = counts["not-linked"] + counts.failed;
console.log(
  `link:sessions: ${outcomes.length} unlinked session${outcomes.length === 1 ? "" : "s"} — ` +
    `${counts.linked} ${dryRun ? "would be linked (dry run: nothing written)" : "linked"}, ${counts["not-linked"]} not linked, ${counts.failed} failed`,
);
await finishScript(context, failures);
