import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  createKeyring,
  decodeEncryptionKey,
  decryptSecret,
  decryptSecretWithKeyId,
  encryptSecret,
  isSealedUnderCurrentKey,
  parseKeyList,
  SecretUnreadableError,
} from "./secret-box";

const k1 = { id: "k1", key: crypto.randomBytes(32) };
const k2 = { id: "k2", key: crypto.randomBytes(32) };
const keyring = createKeyring([k1]);
const SECRET = "shpss_secret_value";

/** The format stored before key ids existed (v1.<iv>.<tag>.<ciphertext>), written as that code did. */
function sealV1(plaintext: string, key: Buffer, tagBytes = 16): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv, { authTagLength: tagBytes });
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === "string" ? part : part.toString("base64url"))).join(".");
}

const parts = (sealed: string) => sealed.split(".");
const withPart = (sealed: string, index: number, value: string) => parts(sealed).with(index, value).join(".");
const b64 = (buffer: Buffer) => buffer.toString("base64url");

describe("secret box (AES-256-GCM)", () => {
  it("GIVEN a secret WHEN sealed and opened THEN it round-trips, names its key id and does not contain the secret", () => {
    const sealed = encryptSecret(SECRET, keyring);

    expect(sealed).toMatch(/^v2\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain(SECRET);
    expect(decryptSecret(sealed, keyring)).toBe(SECRET);
  });

  it("GIVEN the same secret twice THEN the sealed forms differ (random IV)", () => {
    expect(encryptSecret("same", keyring)).not.toBe(encryptSecret("same", keyring));
  });

  it.each([
    ["another key under the same id", (sealed: string) => ({ sealed, ring: createKeyring([{ id: "k1", key: crypto.randomBytes(32) }]) })],
    ["a key id that is not configured", (sealed: string) => ({ sealed, ring: createKeyring([k2]) })],
    ["a flipped ciphertext byte", (sealed: string) => ({ sealed: sealed.slice(0, -2) + (sealed.at(-2) === "A" ? "B" : "A") + sealed.at(-1), ring: keyring })],
    ["a truncated value", (sealed: string) => ({ sealed: parts(sealed).slice(0, 3).join("."), ring: keyring })],
    ["an unknown version", (sealed: string) => ({ sealed: withPart(sealed, 0, "v9"), ring: keyring })],
    ["junk inside a base64url part", (sealed: string) => ({ sealed: withPart(sealed, 4, `${parts(sealed)[4]}!!`), ring: keyring })],
    ["a 13-byte IV", (sealed: string) => ({ sealed: withPart(sealed, 2, b64(crypto.randomBytes(13))), ring: keyring })],
    ["the key id swapped to another configured key", (sealed: string) => ({ sealed: withPart(sealed, 1, "k2"), ring: createKeyring([k2, k1]) })],
  ])("GIVEN %s THEN opening throws SecretUnreadableError instead of returning garbage", (_case, tamper) => {
    const { sealed, ring } = tamper(encryptSecret(SECRET, keyring));

    expect(() => decryptSecret(sealed, ring)).toThrow(SecretUnreadableError);
  });

  it.each([0, 4, 8, 12, 15])("GIVEN the auth tag truncated to %i bytes THEN opening is refused (the tag is always 16 bytes)", (tagBytes) => {
    const sealed = encryptSecret(SECRET, keyring);
    const truncated = withPart(sealed, 3, b64(Buffer.from(parts(sealed)[3]!, "base64url").subarray(0, tagBytes)));

    expect(() => decryptSecret(truncated, keyring)).toThrow(`auth tag is ${tagBytes} bytes, not 16`);
  });

  it.each([4, 12])("GIVEN a value genuinely sealed with a %i-byte tag THEN it is refused, though GCM alone would accept it", (tagBytes) => {
    const shortTag = sealV1(SECRET, k1.key, tagBytes);

    expect(() => decryptSecret(shortTag, keyring)).toThrow(SecretUnreadableError);
  });

  it("GIVEN a 17-byte tag THEN opening is refused", () => {
    const sealed = encryptSecret(SECRET, keyring);

    expect(() => decryptSecret(withPart(sealed, 3, b64(Buffer.concat([Buffer.from(parts(sealed)[3]!, "base64url"), Buffer.from([0])]))), keyring)).toThrow(
      "auth tag is 17 bytes, not 16",
    );
  });
});

describe("keyring and rotation", () => {
  it("GIVEN a ring k2,k1 THEN k2 seals, and values sealed under either key open", () => {
    const old = encryptSecret(SECRET, createKeyring([k1]));
    const ring = createKeyring([k2, k1]);
    const fresh = encryptSecret(SECRET, ring);

    expect(parts(fresh)[1]).toBe("k2");
    expect(decryptSecretWithKeyId(old, ring)).toEqual({ plaintext: SECRET, keyId: "k1" });
    expect(decryptSecretWithKeyId(fresh, ring)).toEqual({ plaintext: SECRET, keyId: "k2" });
  });

  it("GIVEN a v1 value (no key id) THEN whichever configured key sealed it opens it, and no other key does", () => {
    const legacy = sealV1(SECRET, k1.key);

    expect(decryptSecretWithKeyId(legacy, createKeyring([k2, k1]))).toEqual({ plaintext: SECRET, keyId: "k1" });
    expect(() => decryptSecret(legacy, createKeyring([k2]))).toThrow("does not authenticate under any configured key");
  });

  it.each([
    ["a v2 value under the current key", () => encryptSecret(SECRET, createKeyring([k2, k1])), true],
    ["a v2 value under an older key", () => encryptSecret(SECRET, createKeyring([k1])), false],
    ["a v1 value", () => sealV1(SECRET, k2.key), false],
  ])("GIVEN %s THEN isSealedUnderCurrentKey is %s", (_case, seal, expected) => {
    expect(isSealedUnderCurrentKey(seal(), createKeyring([k2, k1]))).toBe(expected);
  });

  it.each([
    ["no keys", []],
    ["a repeated id", [k1, { ...k2, id: "k1" }]],
    ["an id with a dot", [{ ...k1, id: "k.1" }]],
    ["a 16-byte key", [{ id: "k1", key: crypto.randomBytes(16) }]],
  ])("GIVEN %s THEN createKeyring refuses it", (_case, keys) => {
    expect(() => createKeyring(keys)).toThrow();
  });
});

describe("decodeEncryptionKey", () => {
  const random = crypto.randomBytes(32);

  it.each([
    ["64 hex characters", random.toString("hex")],
    ["64 upper-case hex characters", random.toString("hex").toUpperCase()],
    ["base64 with padding", random.toString("base64")],
    ["base64url without padding", random.toString("base64url")],
  ])("GIVEN %s THEN it decodes to the 32 bytes", (_case, text) => {
    expect(decodeEncryptionKey(text)).toEqual({ key: random });
  });

  it.each([
    ["junk before valid base64", `!!${random.toString("base64")}`, "must be 32 bytes"],
    ["junk after valid base64", `${random.toString("base64")}#`, "must be 32 bytes"],
    ["whitespace inside base64", `${random.toString("base64").slice(0, 20)} ${random.toString("base64").slice(20)}`, "must be 32 bytes"],
    ["base64 of 31 bytes", crypto.randomBytes(31).toString("base64"), "must be 32 bytes"],
    ["base64 of 33 bytes", crypto.randomBytes(33).toString("base64"), "must be 32 bytes"],
    ["63 hex characters", random.toString("hex").slice(1), "must be 32 bytes"],
    ["base64 with non-zero padding bits (no exact round trip)", `${random.toString("base64").slice(0, 42)}B=`, "must be 32 bytes"],
    ["an all-zero key (hex)", "00".repeat(32), "all zero bytes"],
    ["an all-zero key (base64)", Buffer.alloc(32).toString("base64"), "all zero bytes"],
    ["one byte repeated", "11".repeat(32), "repeats a single byte"],
    ["a short pattern repeated", "0123456789abcdef".repeat(4), "has only 8 distinct bytes"],
    ["a typed word repeated", Buffer.from("passwordpasswordpasswordpassword").toString("base64"), "has only 7 distinct bytes"],
  ])("GIVEN %s THEN it is refused with a reason that does not echo the value", (_case, text, problem) => {
    const decoded = decodeEncryptionKey(text);

    expect(decoded).toEqual({ problem: expect.stringContaining(problem) });
    expect("problem" in decoded && decoded.problem).not.toContain(text);
  });
});

describe("parseKeyList", () => {
  const a = crypto.randomBytes(32);
  const b = crypto.randomBytes(32);

  it("GIVEN two id:key entries (with spaces) THEN they parse newest first", () => {
    expect(parseKeyList(` k2:${a.toString("base64")} , k1:${b.toString("hex")}`)).toEqual({ keys: [{ id: "k2", key: a }, { id: "k1", key: b }] });
  });

  it.each([
    ["a key without id", a.toString("base64"), 'entry 1 must be id:key'],
    ["a repeated id", `k1:${a.toString("base64")},k1:${b.toString("base64")}`, 'entry 2 (id "k1") repeats an id'],
    ["a bad key in entry 2", `k2:${a.toString("base64")},k1:${"00".repeat(32)}`, 'entry 2 (id "k1") is all zero bytes'],
    ["an empty entry", `k2:${a.toString("base64")},`, "entry 2 must be id:key"],
    ["an id with a dot", `k.2:${a.toString("base64")}`, "entry 1 must be id:key"],
  ])("GIVEN %s THEN the problem names the entry, never the key", (_case, text, problem) => {
    const parsed = parseKeyList(text);

    expect(parsed).toEqual({ problems: [expect.stringContaining(problem)] });
    expect(JSON.stringify(parsed)).not.toContain(a.toString("base64"));
  });
});
