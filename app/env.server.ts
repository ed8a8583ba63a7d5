// The environment, validated once (epic-stack style). Outside production every Shopify/secret variable
// has a clearly-local default so `npm run dev:local` works on a fresh machine; in production each one
// is required and a missing or invalid one stops startup with a message naming it.
import { z } from "zod";
import { parseTrustedProxies } from "./services/tracking/track-contract";
import { createKeyring, decodeEncryptionKey, parseKeyList, type Keyring } from "./services/shopify/secret-box";

const LOCAL_DEFAULTS = {
  SHOPIFY_API_KEY: "local-dev-api-key",
  SHOPIFY_API_SECRET: "local-dev-api-secret",
  SHOPIFY_APP_URL: "http://127.0.0.1:3000",
  SCOPES: "write_products,write_pixels,read_customer_events,read_orders",
  CRON_SECRET: "local-dev-cron-secret-not-for-production",
  // 32 zero-free bytes, base64; production must supply its own key.
  ENCRYPTION_KEY: "bG9jYWwtZGV2LWVuY3J5cHRpb24ta2V5LTMyYnl0ZXM=",
} as const;

const R2_VARS = ["R2_ACCESS_KEY_ID", "R2_SECRET_ACCESS_KEY", "R2_BUCKET"] as const;

// Published in this file, so never a production key.
const LOCAL_DEFAULT_KEY = Buffer.from(LOCAL_DEFAULTS.ENCRYPTION_KEY, "base64");

/** The id ENCRYPTION_KEY's single key has in the keyring (name it in ENCRYPTION_KEYS to keep it). */
export const SINGLE_KEY_ID = "default";

/** ENCRYPTION_KEYS (`id:key,…`, newest first) or else ENCRYPTION_KEY (one key, id "default"). */
function buildKeyring(keys: string | undefined, single: string): Keyring {
  if (keys) {
    const parsed = parseKeyList(keys);
    if ("keys" in parsed) return createKeyring(parsed.keys);
  }
  const decoded = decodeEncryptionKey(single);
  if ("key" in decoded) return createKeyring([{ id: SINGLE_KEY_ID, key: decoded.key }]);
  throw new Error("unreachable: the schema validated the keys");
}

const optionalString = z
  .string()
  .trim()
  .transform((value) => value || undefined)
  .optional();

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL"),
    DIRECT_URL: optionalString.pipe(z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres URL").optional()),
    SHOPIFY_API_KEY: optionalString,
    SHOPIFY_API_SECRET: optionalString,
    SHOPIFY_APP_URL: optionalString.pipe(z.url().optional()),
    SCOPES: optionalString,
    CRON_SECRET: optionalString.pipe(z.string().min(16, "must be at least 16 characters").optional()),
    // Validated in superRefine so each problem names the variable and never echoes a key.
    ENCRYPTION_KEY: optionalString,
    ENCRYPTION_KEYS: optionalString,
    /** Where the Admin API is reached instead of https://{shop}; local fake API only. */
    SHOPIFY_ADMIN_API_ORIGIN: optionalString.pipe(z.url().optional()),
    DATA_DIR: z.string().default(".data"),
    R2_ACCOUNT_ID: optionalString,
    R2_ENDPOINT: optionalString.pipe(z.url().optional()),
    R2_ACCESS_KEY_ID: optionalString,
    R2_SECRET_ACCESS_KEY: optionalString,
    R2_BUCKET: optionalString,
    /** Proxies in front of the app whose X-Forwarded-For names the client (IPs/CIDRs, comma-separated). */
    TRUSTED_PROXIES: optionalString.pipe(
      z
        .string()
        .superRefine((value, ctx) => {
          const parsed = parseTrustedProxies(value);
          if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.message });
        })
        .optional(),
    ),
    /** "1" on Vercel (set by the platform): its edge's x-vercel-forwarded-for names the client. */
    VERCEL: optionalString,
    /** Events per second one shop may send to /track (10 s of it at once); see app/tracking.server.ts. */
    TRACK_SHOP_EVENTS_PER_SECOND: optionalString.pipe(z.coerce.number<string | undefined>().int().min(1).optional()),
  })
  .superRefine((env, ctx) => {
    if (env.ENCRYPTION_KEY && env.ENCRYPTION_KEYS) {
      ctx.addIssue({ code: "custom", path: ["ENCRYPTION_KEYS"], message: "and ENCRYPTION_KEY are both set; put every key in ENCRYPTION_KEYS (id:key,…) and unset ENCRYPTION_KEY" });
    } else if (env.ENCRYPTION_KEYS) {
      const parsed = parseKeyList(env.ENCRYPTION_KEYS);
      if ("problems" in parsed) for (const problem of parsed.problems) ctx.addIssue({ code: "custom", path: ["ENCRYPTION_KEYS"], message: problem });
      else if (env.NODE_ENV === "production" && parsed.keys.some(({ key }) => key.equals(LOCAL_DEFAULT_KEY))) {
        ctx.addIssue({ code: "custom", path: ["ENCRYPTION_KEYS"], message: "contains the public local-development key" });
      }
    } else if (env.ENCRYPTION_KEY) {
      const decoded = decodeEncryptionKey(env.ENCRYPTION_KEY);
      if ("problem" in decoded) ctx.addIssue({ code: "custom", path: ["ENCRYPTION_KEY"], message: decoded.problem });
      else if (env.NODE_ENV === "production" && decoded.key.equals(LOCAL_DEFAULT_KEY)) {
        ctx.addIssue({ code: "custom", path: ["ENCRYPTION_KEY"], message: "is the public local-development key" });
      }
    }
    if (env.NODE_ENV === "production") {
      for (const name of Object.keys(LOCAL_DEFAULTS) as (keyof typeof LOCAL_DEFAULTS)[]) {
        if (name === "ENCRYPTION_KEY" && env.ENCRYPTION_KEYS) continue;
        if (!env[name]) ctx.addIssue({ code: "custom", path: [name], message: name === "ENCRYPTION_KEY" ? "or ENCRYPTION_KEYS is required in production" : "is required in production" });
      }
      if (env.SHOPIFY_ADMIN_API_ORIGIN) {
        ctx.addIssue({ code: "custom", path: ["SHOPIFY_ADMIN_API_ORIGIN"], message: "is for local runs only" });
      }
    }
    const r2Set = R2_VARS.filter((name) => env[name]);
    if (r2Set.length > 0) {
      for (const name of R2_VARS) {
        if (!env[name]) ctx.addIssue({ code: "custom", path: [name], message: "is required when any R2_* variable is set" });
      }
      if (!env.R2_ACCOUNT_ID && !env.R2_ENDPOINT) {
        ctx.addIssue({ code: "custom", path: ["R2_ACCOUNT_ID"], message: "or R2_ENDPOINT is required when R2 is configured" });
      }
    }
  })
  .transform((env) => {
    const withDefaults = {
      ...env,
      SHOPIFY_API_KEY: env.SHOPIFY_API_KEY ?? LOCAL_DEFAULTS.SHOPIFY_API_KEY,
      SHOPIFY_API_SECRET: env.SHOPIFY_API_SECRET ?? LOCAL_DEFAULTS.SHOPIFY_API_SECRET,
      SHOPIFY_APP_URL: env.SHOPIFY_APP_URL ?? LOCAL_DEFAULTS.SHOPIFY_APP_URL,
      SCOPES: env.SCOPES ?? LOCAL_DEFAULTS.SCOPES,
      CRON_SECRET: env.CRON_SECRET ?? LOCAL_DEFAULTS.CRON_SECRET,
      ENCRYPTION_KEY: env.ENCRYPTION_KEY ?? LOCAL_DEFAULTS.ENCRYPTION_KEY,
    };
    const r2 =
      env.R2_ACCESS_KEY_ID && env.R2_SECRET_ACCESS_KEY && env.R2_BUCKET
        ? {
            endpoint: env.R2_ENDPOINT ?? `https://${env.R2_ACCOUNT_ID}.r2.cloudflarestorage.com`,
            bucket: env.R2_BUCKET,
            accessKeyId: env.R2_ACCESS_KEY_ID,
            secretAccessKey: env.R2_SECRET_ACCESS_KEY,
          }
        : undefined;
    return {
      ...withDefaults,
      scopes: withDefaults.SCOPES.split(",").map((scope) => scope.trim()).filter(Boolean),
      keyring: buildKeyring(env.ENCRYPTION_KEYS, withDefaults.ENCRYPTION_KEY),
      r2,
    };
  });

export type Env = z.infer<typeof schema>;

export class EnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "EnvironmentError";
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    throw new EnvironmentError(
      result.error.issues.map((issue) => {
        const name = issue.path.join(".") || "environment";
        return issue.code === "invalid_type" && issue.input === undefined
          ? `${name} is required`
          : `${name} ${issue.message}`;
      }),
    );
  }
  return result.data;
}

let cached: Env | undefined;

/** Forgets the parsed environment so the next getEnv() reads process.env again (tests only). */
export function resetEnvCache(): void {
  cached = undefined;
}

/** The validated environment of this process, parsed on first use. */
export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
