// Which stored credential secrets the configured keys can open: run at server start so a dropped or
// changed key is named once, per shop, before any request for those shops fails.
import type { CredentialMode, CredentialStatus, PrismaClient } from "@prisma/client";
import { decryptSecret, isSealedUnderCurrentKey, SecretUnreadableError, type Keyring } from "./secret-box";

export interface UnreadableCredential {
  shop: string;
  mode: CredentialMode;
  status: CredentialStatus;
  reason: string;
}

export interface CredentialSecretCheck {
  checked: number;
  unreadable: UnreadableCredential[];
  /** Readable, but sealed in an older format or under an older key: `rotate:secrets` would rewrite them. */
  underOlderKeys: number;
}

/** Every credential that has (or, being PRIVATE, needs) a stored secret, decrypted in memory and dropped. */
export async function checkCredentialSecrets(prisma: PrismaClient, keyring: Keyring): Promise<CredentialSecretCheck> {
  const credentials = await prisma.shopCredential.findMany({
    where: { OR: [{ mode: "PRIVATE" }, { apiSecret: { not: null } }] },
    select: { shopDomain: true, myshopifyDomain: true, mode: true, status: true, apiSecret: true },
    orderBy: { shopDomain: "asc" },
  });
  const unreadable: UnreadableCredential[] = [];
  let underOlderKeys = 0;
  for (const credential of credentials) {
    const shop = credential.myshopifyDomain ?? credential.shopDomain;
    if (!credential.apiSecret) {
      unreadable.push({ shop, mode: credential.mode, status: credential.status, reason: "the credential has no API secret" });
      continue;
    }
    try {
      decryptSecret(credential.apiSecret, keyring);
      if (!isSealedUnderCurrentKey(credential.apiSecret, keyring)) underOlderKeys++;
    } catch (error) {
      if (!(error instanceof SecretUnreadableError)) throw error;
      unreadable.push({ shop, mode: credential.mode, status: credential.status, reason: error.message });
    }
  }
  return { checked: credentials.length, unreadable, underOlderKeys };
}

/** The startup lines for a check: one warning per unreadable credential (shop and reason, never a secret). */
export function describeCredentialSecretCheck(check: CredentialSecretCheck, keyring: Keyring): { ok: string[]; warnings: string[] } {
  const keys = keyring.keys.map((key) => `"${key.id}"`).join(", ");
  const warnings = check.unreadable.map(
    (credential) =>
      `⚠ credential secret of ${credential.shop} (${credential.mode}, ${credential.status}) cannot be decrypted with the configured keys (${keys}): ` +
      `${credential.reason}. Its admin requests and webhooks answer 503 until its key is back in ENCRYPTION_KEYS.`,
  );
  const readable = check.checked - check.unreadable.length;
  const older = check.underOlderKeys > 0 ? `; ${check.underOlderKeys} under an older key or format (run \`bun run rotate:secrets\`)` : "";
  const ok =
    check.checked === 0
      ? ["✓ credential secrets: none stored"]
      : readable > 0
        ? [`✓ credential secrets: ${readable} of ${check.checked} decrypt (current key "${keyring.current.id}")${older}`]
        : [];
  return { ok, warnings };
}

/** Runs the check and logs it; a failing check (database away) is itself a warning, never a crash. */
export async function logCredentialSecretCheck(
  prisma: PrismaClient,
  keyring: Keyring,
  log: { info(line: string): void; warn(line: string): void } = console,
): Promise<CredentialSecretCheck | null> {
  try {
    const check = await checkCredentialSecrets(prisma, keyring);
    const { ok, warnings } = describeCredentialSecretCheck(check, keyring);
    for (const line of ok) log.info(line);
    for (const line of warnings) log.warn(line);
    return check;
  } catch (error) {
    log.warn(`⚠ credential secrets could not be checked: ${(error as Error).message}`);
    return null;
  }
}
