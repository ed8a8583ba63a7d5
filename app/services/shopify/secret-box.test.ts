import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret } from "./secret-box";

const key = crypto.randomBytes(32);

describe("secret box (AES-256-GCM)", () => {
  it("GIVEN a secret WHEN sealed and opened THEN it round-trips and the sealed form does not contain it", () => {
    const sealed = encryptSecret("shpss_secret_value", key);

    expect(sealed).not.toContain("shpss_secret_value");
    expect(decryptSecret(sealed, key)).toBe("shpss_secret_value");
  });

  it("GIVEN the same secret twice THEN the sealed forms differ (random IV)", () => {
    expect(encryptSecret("same", key)).not.toBe(encryptSecret("same", key));
  });

  it.each([
    ["another key", (sealed: string) => ({ sealed, key: crypto.randomBytes(32) })],
    ["a flipped ciphertext byte", (sealed: string) => ({ sealed: sealed.slice(0, -2) + (sealed.at(-2) === "A" ? "B" : "A") + sealed.at(-1), key })],
    ["a truncated value", (sealed: string) => ({ sealed: sealed.split(".").slice(0, 2).join("."), key })],
  ])("GIVEN %s THEN opening fails instead of returning garbage", (_case, tamper) => {
    const { sealed, key: openingKey } = tamper(encryptSecret("shpss_secret_value", key));

    expect(() => decryptSecret(sealed, openingKey)).toThrow();
  });
});
