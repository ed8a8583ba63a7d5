// `bun run rotate:secrets`: re-encrypts every stored credential secret under the newest key of
// ENCRYPTION_KEYS (the first one), so older keys can be removed. Safe to run again at any time.
import { getEnv } from "../app/env.server";
import { rotateCredentialSecrets } from "../app/services/shopify/rotate-credential-secrets";
import { fail, finishScript, ok, parseFlags, startScript } from "./lib/script-runtime";

const HELP = `Usage: bun run rotate:secrets -- [--shop DOMAIN] [--dry-run]

For every stored credential secret (PRIVATE shops, in any status): decrypts it with the keys in
ENCRYPTION_KEYS (or ENCRYPTION_KEY) and, unless it is already sealed under the newest key (the first
in the list), re-encrypts it under that key. Run it after deploying a new key first in the list and
before removing the old one; see README "Encryption keys".

  --shop DOMAIN  only this shop (its myshopify, configured or primary domain); repeatable
  --dry-run      report what would be re-encrypted, write nothing
  -h, --help     show this help

Exits 1 when any secret could not be decrypted or written.`;

const flags = parseFlags({ shop: { type: "string", multiple: true }, "dry-run": { type: "boolean" } }, HELP);
const context = await startScript().catch((error: unknown) => {
  fail(`rotate:secrets could not start: ${(error as Error).message}`);
  process.exit(1);
});
const keyring = (() => {
  try {
    return getEnv().keyring;
  } catch (error) {
    fail(`rotate:secrets could not start: ${(error as Error).message}`);
    process.exit(1);
  }
})();
const dryRun = flags["dry-run"] ?? false;
const current = `"${keyring.current.id}"`;

const { outcomes, unknownDomains } = await rotateCredentialSecrets(context.prisma, keyring, { shops: flags.shop, dryRun });
for (const domain of unknownDomains) fail(`${domain}: no stored credential secret has this domain`);
if (!flags.shop && outcomes.length === 0) ok("no stored credential secrets");

const counts = { rotated: 0, current: 0, failed: 0 };
for (const outcome of outcomes) {
  counts[outcome.status]++;
  if (outcome.status === "rotated") {
    const from = outcome.fromVersion === "v1" ? `key "${outcome.fromKeyId}", v1 format` : `key "${outcome.fromKeyId}"`;
    ok(`${outcome.shop}: ${dryRun ? "would re-encrypt" : "re-encrypted"} under key ${current} (was ${from})`);
  } else if (outcome.status === "current") {
    ok(`${outcome.shop}: already under key ${current}`);
  } else {
    const fix = outcome.cause === "unreadable" ? "add the key it was sealed with to ENCRYPTION_KEYS and run again" : "run again";
    fail(`${outcome.shop}: not re-encrypted — ${outcome.reason}; ${fix}`);
  }
}

console.log(
  `rotate:secrets: ${outcomes.length} secret${outcomes.length === 1 ? "" : "s"} — ` +
    `${counts.rotated} ${dryRun ? "would be re-encrypted (dry run: nothing written)" : "re-encrypted"}, ${counts.current} already current, ${counts.failed} failed (newest key ${current})`,
);
await finishScript(context, counts.failed + unknownDomains.length);
