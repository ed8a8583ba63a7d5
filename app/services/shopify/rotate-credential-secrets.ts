// Re-encrypts stored credential secrets under the keyring's current key, so an older key can then be
// dropped from ENCRYPTION_KEYS. Idempotent: a secret already sealed under the current key is left as
// it is. Each write is compare-and-set on the old ciphertext, so a credential saved concurrently (a
// new secret) is never overwritten with the re-encrypted old one.
import type { PrismaClient } from "@prisma/client";
import { normalizeShopDomain } from "./find-active-shops";
import { decryptSecretWithKeyId, encryptSecret, isSealedUnderCurrentKey, SecretUnreadableError, type Keyring } from "./secret-box";

export type SecretRotationOutcome =
  | { shop: string; status: "rotated"; fromKeyId: string; fromVersion: string }
  | { shop: string; status: "current" }
  | { shop: string; status: "failed"; cause: "unreadable" | "changed"; reason: string };

export interface RotateCredentialSecretsOptions {
  /** Only these shops (myshopify, configured or primary domain). */
  shops?: string[];
  /** Decrypt and report, write nothing. */
  dryRun?: boolean;
}

export async function rotateCredentialSecrets(
  prisma: PrismaClient,
  keyring: Keyring,
  options: RotateCredentialSecretsOptions = {},
): Promise<{ outcomes: SecretRotationOutcome[]; unknownDomains: string[] }> {
  const wanted = options.shops?.map(normalizeShopDomain);
  const credentials = await prisma.shopCredential.findMany({
    where: {
      apiSecret: { not: null },
      ...(wanted ? { OR: [{ shopDomain: { in: wanted } }, { myshopifyDomain: { in: wanted } }, { primaryDomain: { in: wanted } }] } : {}),
    },
    select: { id: true, shopDomain: true, myshopifyDomain: true, primaryDomain: true, apiSecret: true },
    orderBy: { shopDomain: "asc" },
  });
  const unknownDomains = (wanted ?? []).filter((domain) => !credentials.some((row) => [row.shopDomain, row.myshopifyDomain, row.primaryDomain].includes(domain)));
  const outcomes: SecretRotationOutcome[] = [];
  for (const credential of credentials) {
    const shop = credential.myshopifyDomain ?? credential.shopDomain;
    const sealed = credential.apiSecret!;
    let opened: { plaintext: string; keyId: string };
    try {
      opened = decryptSecretWithKeyId(sealed, keyring);
    } catch (error) {
      if (!(error instanceof SecretUnreadableError)) throw error;
      outcomes.push({ shop, status: "failed", cause: "unreadable", reason: error.message });
      continue;
    }
    if (isSealedUnderCurrentKey(sealed, keyring)) {
      outcomes.push({ shop, status: "current" });
      continue;
    }
    const fromVersion = sealed.split(".")[0]!;
    if (!options.dryRun) {
      const { count } = await prisma.shopCredential.updateMany({
        where: { id: credential.id, apiSecret: sealed },
        data: { apiSecret: encryptSecret(opened.plaintext, keyring) },
      });
      if (count === 0) {
        outcomes.push({ shop, status: "failed", cause: "changed", reason: "the credential was saved again while this ran" });
        continue;
      }
    }
    outcomes.push({ shop, status: "rotated", fromKeyId: opened.keyId, fromVersion });
  }
  return { outcomes, unknownDomains };
}
