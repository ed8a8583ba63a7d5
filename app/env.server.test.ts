import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { EnvironmentError, parseEnv } from "./env.server";
import { decryptSecret, encryptSecret } from "./services/shopify/secret-box";

const DB = "postgresql://u@127.0.0.1:5432/db";
const KEY_HEX = "5d1c0e8f3a7b92c4e6f1a0b3d58c7e294f6a1b0c3e8d7f2a9b4c6e1d0f3a8b57";
const OTHER_KEY = crypto.randomBytes(32);
const PRODUCTION = {
  NODE_ENV: "production",
  DATABASE_URL: DB,
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  SHOPIFY_APP_URL: "https://app.example.com",
  SCOPES: "read_products,write_pixels",
  CRON_SECRET: "a-long-enough-cron-secret",
  ENCRYPTION_KEY: KEY_HEX,
};

function problemsOf(source: Record<string, string | undefined>): string[] {
  try {
    parseEnv(source);
    return [];
  } catch (error) {
    if (error instanceof EnvironmentError) return error.problems;
    throw error;
  }
}

describe("parseEnv", () => {
  it("GIVEN only DATABASE_URL outside production THEN local defaults fill the rest", () => {
    const env = parseEnv({ DATABASE_URL: DB });

    expect(env.NODE_ENV).toBe("development");
    expect(env.scopes).toEqual(["write_products", "write_pixels", "read_customer_events", "read_orders"]);
    expect(env.keyring.current.id).toBe("default");
    expect(env.keyring.keys).toHaveLength(1);
    expect(env.r2).toBeUndefined();
  });

  it("GIVEN a complete production environment THEN it parses and splits the scopes", () => {
    const env = parseEnv(PRODUCTION);

    expect(env.scopes).toEqual(["read_products", "write_pixels"]);
    expect(env.keyring.keys).toEqual([{ id: "default", key: Buffer.from(KEY_HEX, "hex") }]);
  });

  it.each(["SHOPIFY_API_KEY", "SHOPIFY_API_SECRET", "SHOPIFY_APP_URL", "SCOPES", "CRON_SECRET"])(
    "GIVEN production without %s THEN the error names it",
    (name) => {
      expect(problemsOf({ ...PRODUCTION, [name]: undefined })).toEqual([`${name} is required in production`]);
    },
  );

  it("GIVEN production without ENCRYPTION_KEY or ENCRYPTION_KEYS THEN the error names both", () => {
    expect(problemsOf({ ...PRODUCTION, ENCRYPTION_KEY: undefined })).toEqual(["ENCRYPTION_KEY or ENCRYPTION_KEYS is required in production"]);
  });

  it.each([
    ["DATABASE_URL", undefined, "DATABASE_URL is required"],
    ["DATABASE_URL", "mysql://x", "DATABASE_URL must be a postgres:// or postgresql:// URL"],
    ["ENCRYPTION_KEY", "too-short", "ENCRYPTION_KEY must be 32 bytes, as 64 hex characters or base64"],
    ["ENCRYPTION_KEY", `junk${OTHER_KEY.toString("base64")}`, "ENCRYPTION_KEY must be 32 bytes, as 64 hex characters or base64"],
    ["ENCRYPTION_KEY", "00".repeat(32), "ENCRYPTION_KEY is all zero bytes; generate one with `openssl rand -base64 32`"],
    ["ENCRYPTION_KEY", "11".repeat(32), "ENCRYPTION_KEY repeats a single byte; generate one with `openssl rand -base64 32`"],
    ["ENCRYPTION_KEY", "bG9jYWwtZGV2LWVuY3J5cHRpb24ta2V5LTMyYnl0ZXM=", "ENCRYPTION_KEY is the public local-development key"],
    ["ENCRYPTION_KEY", Buffer.from("local-dev-encryption-key-32bytes").toString("hex"), "ENCRYPTION_KEY is the public local-development key"],
    ["ENCRYPTION_KEYS", `new:${"00".repeat(32)}`, 'ENCRYPTION_KEYS and ENCRYPTION_KEY are both set; put every key in ENCRYPTION_KEYS (id:key,…) and unset ENCRYPTION_KEY'],
    ["CRON_SECRET", "short", "CRON_SECRET must be at least 16 characters"],
    ["SHOPIFY_ADMIN_API_ORIGIN", "http://127.0.0.1:1", "SHOPIFY_ADMIN_API_ORIGIN is for local runs only"],
  ])("GIVEN %s=%s THEN the error says %j", (name, value, message) => {
    expect(problemsOf({ ...PRODUCTION, [name]: value })).toContain(message);
  });

  it("GIVEN only some R2 variables THEN every missing one is named", () => {
    const problems = problemsOf({ DATABASE_URL: DB, R2_BUCKET: "exports" });

    expect(problems).toEqual(
      expect.arrayContaining([
        "R2_ACCESS_KEY_ID is required when any R2_* variable is set",
        "R2_SECRET_ACCESS_KEY is required when any R2_* variable is set",
        "R2_ACCOUNT_ID or R2_ENDPOINT is required when R2 is configured",
      ]),
    );
  });

  it("GIVEN complete R2 variables THEN the R2 endpoint is derived from the account id", () => {
    const env = parseEnv({ DATABASE_URL: DB, R2_ACCOUNT_ID: "acc", R2_ACCESS_KEY_ID: "id", R2_SECRET_ACCESS_KEY: "s", R2_BUCKET: "b" });

    expect(env.r2).toEqual({ endpoint: "https://acc.r2.cloudflarestorage.com", bucket: "b", accessKeyId: "id", secretAccessKey: "s" });
  });

  it("GIVEN an invalid environment THEN the message never echoes secret values", () => {
    const error = (() => {
      try {
        parseEnv({ ...PRODUCTION, ENCRYPTION_KEY: "super-secret-but-invalid" });
      } catch (caught) {
        return caught as Error;
      }
    })();

    expect(error?.message).not.toContain("super-secret-but-invalid");
  });

  describe("ENCRYPTION_KEYS", () => {
    const newer = crypto.randomBytes(32);
    const production = (keys: string) => ({ ...PRODUCTION, ENCRYPTION_KEY: undefined, ENCRYPTION_KEYS: keys });

    it("GIVEN two keys THEN the first seals and a value sealed under the second still opens", () => {
      const before = parseEnv(PRODUCTION);
      const sealedBefore = encryptSecret("shpss_old", before.keyring);

      const env = parseEnv(production(`k2:${newer.toString("base64")},default:${KEY_HEX}`));

      expect(env.keyring.current.id).toBe("k2");
      expect(env.keyring.keys.map((key) => key.id)).toEqual(["k2", "default"]);
      expect(decryptSecret(sealedBefore, env.keyring)).toBe("shpss_old");
      expect(encryptSecret("x", env.keyring)).toMatch(/^v2\.k2\./);
    });

    it("GIVEN ENCRYPTION_KEYS in production without ENCRYPTION_KEY THEN no key variable is reported missing", () => {
      expect(problemsOf(production(`k1:${newer.toString("hex")}`))).toEqual([]);
    });

    it.each([
      ["an entry without an id", newer.toString("base64"), "ENCRYPTION_KEYS entry 1 must be id:key"],
      ["a degenerate second key", `k2:${newer.toString("base64")},k1:${"ab".repeat(32)}`, 'ENCRYPTION_KEYS entry 2 (id "k1") repeats a single byte'],
      ["the local-development key as an older key", `k2:${newer.toString("base64")},dev:bG9jYWwtZGV2LWVuY3J5cHRpb24ta2V5LTMyYnl0ZXM=`, "ENCRYPTION_KEYS contains the public local-development key"],
      ["a repeated id", `k1:${newer.toString("base64")},k1:${KEY_HEX}`, 'ENCRYPTION_KEYS entry 2 (id "k1") repeats an id'],
    ])("GIVEN %s THEN startup names ENCRYPTION_KEYS and the entry, never a key", (_case, keys, message) => {
      const problems = problemsOf(production(keys));

      expect(problems).toEqual([expect.stringContaining(message)]);
      expect(problems.join("\n")).not.toContain(newer.toString("base64"));
      expect(problems.join("\n")).not.toContain(KEY_HEX);
    });
  });
});
