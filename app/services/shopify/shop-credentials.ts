import type { CredentialMode, PrismaClient, ShopCredential } from "@prisma/client";
import { jsonError } from "../../lib/api-error";
import { decryptSecret, encryptSecret, SecretUnreadableError, type Keyring } from "./secret-box";

export interface ShopCredentialInput {
  shopDomain: string;
  apiKey: string;
  /** Plaintext; stored encrypted. Required for PRIVATE credentials. */
  apiSecret?: string;
  mode: CredentialMode;
}

export async function saveShopCredential(prisma: PrismaClient, keyring: Keyring, input: ShopCredentialInput): Promise<ShopCredential> {
  if (input.mode === "PRIVATE" && !input.apiSecret) throw new Error("A PRIVATE credential needs its API secret");
  const data = {
    apiKey: input.apiKey,
    apiSecret: input.apiSecret ? encryptSecret(input.apiSecret, keyring) : null,
    mode: input.mode,
    status: "ACTIVE" as const,
  };
  return prisma.shopCredential.upsert({
    where: { shopDomain: input.shopDomain },
    create: { shopDomain: input.shopDomain, ...data },
    update: data,
  });
}

/** A credential whose stored API secret cannot be used; says which shop and why, never the secret. */
export class CredentialSecretUnreadableError extends Error {
  constructor(
    readonly shopDomain: string,
    readonly reason: string,
  ) {
    super(`The API secret stored for ${shopDomain} cannot be read: ${reason}`);
    this.name = "CredentialSecretUnreadableError";
  }
}

export function readCredentialSecret(credential: Pick<ShopCredential, "apiSecret" | "shopDomain">, keyring: Keyring): string {
  if (!credential.apiSecret) throw new CredentialSecretUnreadableError(credential.shopDomain, "the credential has no API secret");
  try {
    return decryptSecret(credential.apiSecret, keyring);
  } catch (error) {
    if (error instanceof SecretUnreadableError) throw new CredentialSecretUnreadableError(credential.shopDomain, error.message);
    throw error;
  }
}

const lastLoggedAt = new Map<string, number>();

/**
 * The answer to a request whose shop's credential cannot be read (the operator changed or dropped its
 * key): 503 naming the shop, so Shopify retries webhooks once the key is restored, and no stack.
 */
function credentialUnreadableResponse(error: CredentialSecretUnreadableError): Response {
  // The startup check already named the shop; here one line per shop per minute, not one per request.
  const now = Date.now();
  if (now - (lastLoggedAt.get(error.shopDomain) ?? 0) >= 60_000) {
    if (lastLoggedAt.size >= 1_000) lastLoggedAt.clear();
    lastLoggedAt.set(error.shopDomain, now);
    console.error(JSON.stringify({ event: "credential_secret_unreadable", shop: error.shopDomain, reason: error.reason }));
  }
  return jsonError(
    503,
    "credential_unreadable",
    `The app's stored credential for ${error.shopDomain} cannot be decrypted with the configured keys; the app operator must restore its key.`,
    { "Retry-After": "300" },
  );
}

/** readCredentialSecret while answering a request: an unreadable secret is thrown as that 503 Response. */
export function readCredentialSecretForRequest(credential: Pick<ShopCredential, "apiSecret" | "shopDomain">, keyring: Keyring): string {
  try {
    return readCredentialSecret(credential, keyring);
  } catch (error) {
    if (error instanceof CredentialSecretUnreadableError) throw credentialUnreadableResponse(error);
    throw error;
  }
}

/** The credential a shop domain (myshopify or configured custom domain) belongs to, if any. */
export function findShopCredential(prisma: PrismaClient, shop: string) {
  return prisma.shopCredential.findFirst({
    where: { OR: [{ myshopifyDomain: shop }, { shopDomain: shop }] },
    orderBy: { myshopifyDomain: { sort: "asc", nulls: "last" } },
  });
}
