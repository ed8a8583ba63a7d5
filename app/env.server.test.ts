import { describe, expect, it } from "vitest";
import { EnvironmentError, parseEnv } from "./env.server";

const DB = "postgresql://u@127.0.0.1:5432/db";
const PRODUCTION = {
  NODE_ENV: "production",
  DATABASE_URL: DB,
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  SHOPIFY_APP_URL: "https://app.example.com",
  SCOPES: "read_products,write_pixels",
  CRON_SECRET: "a-long-enough-cron-secret",
  ENCRYPTION_KEY: "11".repeat(32),
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
    expect(env.scopes).toEqual(["read_products", "write_pixels", "read_customer_events"]);
    expect(env.encryptionKey).toHaveLength(32);
    expect(env.r2).toBeUndefined();
  });

  it("GIVEN a complete production environment THEN it parses and splits the scopes", () => {
    const env = parseEnv(PRODUCTION);

    expect(env.scopes).toEqual(["read_products", "write_pixels"]);
    expect(env.encryptionKey.equals(Buffer.alloc(32, 0x11))).toBe(true);
  });

  it.each(["SHOPIFY_API_KEY", "SHOPIFY_API_SECRET", "SHOPIFY_APP_URL", "SCOPES", "CRON_SECRET", "ENCRYPTION_KEY"])(
    "GIVEN production without %s THEN the error names it",
    (name) => {
      expect(problemsOf({ ...PRODUCTION, [name]: undefined })).toEqual([`${name} is required in production`]);
    },
  );

  it.each([
    ["DATABASE_URL", undefined, "DATABASE_URL is required"],
    ["DATABASE_URL", "mysql://x", "DATABASE_URL must be a postgres:// or postgresql:// URL"],
    ["ENCRYPTION_KEY", "too-short", "ENCRYPTION_KEY must be 32 bytes, as 64 hex characters or base64"],
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
});
