// AES-256-GCM for credential secrets at rest, under a keyring so keys can rotate (pure: no I/O).
// Stored formats (every part base64url, "." never occurs inside a part):
//   v2.<keyId>.<iv>.<tag>.<ciphertext>   written now; the key id says which key opens it
//   v1.<iv>.<tag>.<ciphertext>           written before key ids existed; opened by trying each key
// The auth tag is always the full 16 bytes: GCM would otherwise accept a tag cut to 4 bytes, and a
// 32-bit tag can be forged by trial.
import crypto from "node:crypto";

const ALGORITHM = "aes-256-gcm";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
/** A random 32-byte key has ~30 distinct bytes; fewer than this is a typed or patterned key. */
const MIN_DISTINCT_KEY_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

/** The keys secrets are sealed with: `current` seals, every key (current included) opens. */
export interface Keyring {
  readonly current: EncryptionKey;
  readonly keys: readonly EncryptionKey[];
}

/** A stored secret that cannot be opened: malformed, under an unknown key, or failing authentication. */
export class SecretUnreadableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretUnreadableError";
  }
}

/**
 * Decodes one key written as exactly 64 hex characters or exactly the base64 (or base64url) of 32
 * bytes, and refuses keys nobody should use. Returns the problem as a sentence, never the value.
 */
export function decodeEncryptionKey(text: string): { key: Buffer } | { problem: string } {
  let key: Buffer | null = null;
  if (/^[0-9a-fA-F]{64}$/.test(text)) key = Buffer.from(text, "hex");
  else if (/^[A-Za-z0-9+/]{43}=$/.test(text) && Buffer.from(text, "base64").toString("base64") === text) key = Buffer.from(text, "base64");
  else if (/^[A-Za-z0-9_-]{43}=?$/.test(text) && Buffer.from(text, "base64url").toString("base64url") === text.replace(/=$/, "")) key = Buffer.from(text, "base64url");
  if (!key || key.length !== KEY_BYTES) return { problem: "must be 32 bytes, as 64 hex characters or base64" };
  const problem = degenerateKeyProblem(key);
  return problem ? { problem } : { key };
}

function degenerateKeyProblem(key: Buffer): string | null {
  if (key.every((byte) => byte === 0)) return "is all zero bytes; generate one with `openssl rand -base64 32`";
  const distinct = new Set(key).size;
  if (distinct === 1) return "repeats a single byte; generate one with `openssl rand -base64 32`";
  if (distinct < MIN_DISTINCT_KEY_BYTES) {
    return `has only ${distinct} distinct bytes (a random key has ~30); generate one with \`openssl rand -base64 32\``;
  }
  return null;
}

/**
 * Parses a key list `id:key,id:key,…` (newest first: the first key seals). Problems name the entry by
 * position and id, never by value.
 */
export function parseKeyList(text: string): { keys: EncryptionKey[] } | { problems: string[] } {
  const entries = text.split(",").map((entry) => entry.trim());
  const keys: EncryptionKey[] = [];
  const problems: string[] = [];
  entries.forEach((entry, index) => {
    const colon = entry.indexOf(":");
    const id = colon === -1 ? "" : entry.slice(0, colon).trim();
    const where = `entry ${index + 1}${KEY_ID.test(id) ? ` (id "${id}")` : ""}`;
    if (!KEY_ID.test(id)) {
      problems.push(`${where} must be id:key with an id of 1–32 letters, digits, "_" or "-"`);
      return;
    }
    if (keys.some((key) => key.id === id)) {
      problems.push(`${where} repeats an id`);
      return;
    }
    const decoded = decodeEncryptionKey(entry.slice(colon + 1).trim());
    if ("problem" in decoded) problems.push(`${where} ${decoded.problem}`);
    else keys.push({ id, key: decoded.key });
  });
  return problems.length > 0 ? { problems } : { keys };
}

export function createKeyring(keys: readonly EncryptionKey[]): Keyring {
  if (keys.length === 0) throw new Error("A keyring needs at least one key");
  for (const [index, { id, key }] of keys.entries()) {
    if (!KEY_ID.test(id)) throw new Error(`Key id at position ${index + 1} is not a valid key id`);
    if (keys.findIndex((other) => other.id === id) !== index) throw new Error(`Key id "${id}" appears twice`);
    if (key.length !== KEY_BYTES) throw new Error(`Key "${id}" is not ${KEY_BYTES} bytes`);
  }
  return { current: keys[0]!, keys: [...keys] };
}

export function encryptSecret(plaintext: string, keyring: Keyring): string {
  const { id, key } = keyring.current;
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v2", id, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ciphertext.toString("base64url")].join(".");
}

interface SealedParts {
  keyId: string | null;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

function parseSealed(sealed: string): SealedParts {
  const parts = sealed.split(".");
  let keyId: string | null = null;
  let encoded: string[];
  if (parts[0] === "v2" && parts.length === 5) {
    keyId = parts[1]!;
    encoded = parts.slice(2);
    if (!KEY_ID.test(keyId)) throw new SecretUnreadableError("the stored secret names an invalid key id");
  } else if (parts[0] === "v1" && parts.length === 4) {
    encoded = parts.slice(1);
  } else {
    throw new SecretUnreadableError("the stored secret is not in a known encrypted format");
  }
  // Buffer.from(…, "base64url") skips characters it does not know: a part must be clean to count.
  const [iv, tag, ciphertext] = encoded.map((part) => {
    if (!BASE64URL.test(part)) throw new SecretUnreadableError("the stored secret is not valid base64url");
    return Buffer.from(part, "base64url");
  }) as [Buffer, Buffer, Buffer];
  if (iv.length !== IV_BYTES) throw new SecretUnreadableError(`the stored secret's IV is ${iv.length} bytes, not ${IV_BYTES}`);
  if (tag.length !== TAG_BYTES) throw new SecretUnreadableError(`the stored secret's auth tag is ${tag.length} bytes, not ${TAG_BYTES}`);
  return { keyId, iv, tag, ciphertext };
}

function open(parts: SealedParts, key: Buffer): string | null {
  const decipher = crypto.createDecipheriv(ALGORITHM, key, parts.iv, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(parts.tag);
  try {
    return Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}

/** Opens a sealed secret with whichever key of the ring sealed it; throws SecretUnreadableError otherwise. */
export function decryptSecret(sealed: string, keyring: Keyring): string {
  return decryptSecretWithKeyId(sealed, keyring).plaintext;
}

/** As decryptSecret, plus the id of the key that opened it (for rotation and the startup check). */
export function decryptSecretWithKeyId(sealed: string, keyring: Keyring): { plaintext: string; keyId: string } {
  const parts = parseSealed(sealed);
  if (parts.keyId !== null) {
    const entry = keyring.keys.find((key) => key.id === parts.keyId);
    if (!entry) throw new SecretUnreadableError(`the stored secret is sealed under key id "${parts.keyId}", which is not configured`);
    const plaintext = open(parts, entry.key);
    if (plaintext === null) throw new SecretUnreadableError(`the stored secret does not authenticate under key id "${parts.keyId}" (wrong key or altered value)`);
    return { plaintext, keyId: entry.id };
  }
  // v1 has no key id; GCM's tag tells the right key from a wrong one.
  for (const entry of keyring.keys) {
    const plaintext = open(parts, entry.key);
    if (plaintext !== null) return { plaintext, keyId: entry.id };
  }
  throw new SecretUnreadableError("the stored secret (v1, no key id) does not authenticate under any configured key");
}

/** Whether a sealed value should be rewritten: an older format, or another key than the current one. */
export function isSealedUnderCurrentKey(sealed: string, keyring: Keyring): boolean {
  const [version, keyId] = sealed.split(".");
  return version === "v2" && keyId === keyring.current.id;
}
