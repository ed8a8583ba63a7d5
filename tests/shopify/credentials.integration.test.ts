// Credential secrets at rest against the real database and, where the defect was seen, over HTTP
// through the real app: sealed under the keyring's current key, v1 values written before key ids
// still open, the startup check names every credential the configured keys cannot open, and a
// request for such a shop answers 503 JSON naming the shop instead of a 500.
import crypto from "node:crypto";
import { getJwt } from "@shopify/shopify-api/test-helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { getEnv } from "../../app/env.server";
import { checkCredentialSecrets, logCredentialSecretCheck } from "../../app/services/shopify/check-credential-secrets";
import { createKeyring, encryptSecret } from "../../app/services/shopify/secret-box";
import { readCredentialSecret, saveShopCredential } from "../../app/services/shopify/shop-credentials";
import type { AppServer } from "../../scripts/lib/app-server";
import { startTestApp } from "../support/app-server";
import { createInstalledShop, uniqueShopDomain, type InstalledShop } from "../support/shops";
import { webhookRequest } from "../support/shopify-requests";

// authenticate.admin answers 410 to bots, and Node's fetch reads as one.
const BROWSER_UA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15";
const GONE_KEY = createKeyring([{ id: "gone", key: crypto.randomBytes(32) }]);

/** The format stored before key ids existed, sealed with `key` as that code did. */
function sealV1(plaintext: string, key: Buffer): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === "string" ? part : part.toString("base64url"))).join(".");
}

/** The query string Shopify's admin loads an embedded app with. */
function embeddedQuery(shop: string, token: string): URLSearchParams {
  const host = Buffer.from(`admin.shopify.com/store/${shop.replace(".myshopify.com", "")}`).toString("base64");
  return new URLSearchParams({ embedded: "1", shop, host, id_token: token });
}

/** Remix logs a warning for every `?_data=` request of a single-fetch app; one test sends one on purpose. */
function silenceDataWarning(): () => void {
  const original = console.error;
  console.error = (...args: unknown[]) => {
    if (!String(args[0]).includes("should not be making ?_data requests")) original(...args);
  };
  return () => {
    console.error = original;
  };
}

/** A PRIVATE shop whose stored secret was sealed under a key this deployment no longer has. */
async function shopWithLostKey(): Promise<InstalledShop> {
  const shop = await createInstalledShop(prisma, { mode: "PRIVATE" });
  await prisma.shopCredential.update({ where: { id: shop.shopId }, data: { apiSecret: encryptSecret(shop.apiSecret, GONE_KEY) } });
  return shop;
}

describe("shop credentials at rest", () => {
  it("GIVEN a PRIVATE credential WHEN saved THEN the raw column holds v2 ciphertext under the current key, never the secret, and it reads back", async () => {
    const secret = "shpss_0123456789abcdef0123456789abcdef";
    const saved = await saveShopCredential(prisma, getEnv().keyring, { shopDomain: uniqueShopDomain(), apiKey: "private-key", apiSecret: secret, mode: "PRIVATE" });

    const [raw] = await prisma.$queryRaw<{ apiSecret: string }[]>`SELECT "apiSecret" FROM "ShopCredential" WHERE id = ${saved.id}`;

    expect(raw.apiSecret).not.toContain(secret.slice(6));
    expect(raw.apiSecret).toMatch(/^v2\.default\./);
    expect(readCredentialSecret(saved, getEnv().keyring)).toBe(secret);
  });

  it("GIVEN a secret stored in the v1 format (no key id) THEN it still reads back with the configured key", async () => {
    const shop = await createInstalledShop(prisma, { mode: "PRIVATE" });
    const [{ key }] = getEnv().keyring.keys;
    const credential = await prisma.shopCredential.update({ where: { id: shop.shopId }, data: { apiSecret: sealV1(shop.apiSecret, key) } });

    expect(readCredentialSecret(credential, getEnv().keyring)).toBe(shop.apiSecret);
  });

  it("GIVEN a PRIVATE credential without a secret THEN it is refused", async () => {
    await expect(saveShopCredential(prisma, getEnv().keyring, { shopDomain: uniqueShopDomain(), apiKey: "k", mode: "PRIVATE" })).rejects.toThrow(/API secret/);
  });
});

describe("startup check of credential secrets", () => {
  it("GIVEN readable, v1, lost-key and DISABLED lost-key credentials WHEN checked THEN exactly the lost ones are named, with shop and reason, never a secret", async () => {
    const [readable, legacy, lost, lostDisabled] = await Promise.all([
      createInstalledShop(prisma, { mode: "PRIVATE" }),
      createInstalledShop(prisma, { mode: "PRIVATE" }),
      shopWithLostKey(),
      shopWithLostKey(),
    ]);
    await prisma.shopCredential.update({ where: { id: legacy.shopId }, data: { apiSecret: sealV1(legacy.apiSecret, getEnv().keyring.keys[0]!.key) } });
    await prisma.shopCredential.update({ where: { id: lostDisabled.shopId }, data: { status: "DISABLED" } });
    const lines: string[] = [];
    const warnings: string[] = [];

    const check = await logCredentialSecretCheck(prisma, getEnv().keyring, { info: (line) => lines.push(line), warn: (line) => warnings.push(line) });

    // Other test files add credentials to the same database concurrently: look only at these shops.
    const ours = new Set([readable, legacy, lost, lostDisabled].map((shop) => shop.shopDomain));
    expect(check?.unreadable.filter((credential) => ours.has(credential.shop))).toEqual([
      { shop: lost.shopDomain, mode: "PRIVATE", status: "ACTIVE", reason: expect.stringContaining('key id "gone", which is not configured') },
      { shop: lostDisabled.shopDomain, mode: "PRIVATE", status: "DISABLED", reason: expect.stringContaining('key id "gone"') },
    ].sort((a, b) => a.shop.localeCompare(b.shop)));
    expect(warnings.filter((line) => line.includes(lost.shopDomain))).toEqual([
      `⚠ credential secret of ${lost.shopDomain} (PRIVATE, ACTIVE) cannot be decrypted with the configured keys ("default"): ` +
        `the stored secret is sealed under key id "gone", which is not configured. Its admin requests and webhooks answer 503 until its key is back in ENCRYPTION_KEYS.`,
    ]);
    expect(warnings.some((line) => line.includes(readable.shopDomain) || line.includes(legacy.shopDomain))).toBe(false);
    expect(lines).toEqual([expect.stringMatching(/^✓ credential secrets: \d+ of \d+ decrypt \(current key "default"\); \d+ under an older key or format \(run `bun run rotate:secrets`\)$/)]);
    for (const shop of [readable, legacy, lost, lostDisabled]) expect([...lines, ...warnings].join("\n")).not.toContain(shop.apiSecret);
  });

  it("GIVEN the database is unreachable WHEN checked THEN it warns instead of crashing the start", async () => {
    const broken = { shopCredential: { findMany: () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:1")) } } as unknown as typeof prisma;
    const warnings: string[] = [];

    const check = await logCredentialSecretCheck(broken, getEnv().keyring, { info: () => {}, warn: (line) => warnings.push(line) });

    expect(check).toBeNull();
    expect(warnings).toEqual(["⚠ credential secrets could not be checked: connect ECONNREFUSED 127.0.0.1:1"]);
  });

  it("GIVEN a keyring that has the lost key again THEN the same credential checks clean", async () => {
    const lost = await shopWithLostKey();

    const check = await checkCredentialSecrets(prisma, createKeyring([...getEnv().keyring.keys, ...GONE_KEY.keys]));

    expect(check.unreadable.map((credential) => credential.shop)).not.toContain(lost.shopDomain);
  });
});

describe("a request for a shop whose secret cannot be decrypted (over HTTP)", () => {
  let app: AppServer;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.close());

  const messageFor = (shop: InstalledShop) =>
    `The app's stored credential for ${shop.shopDomain} cannot be decrypted with the configured keys; the app operator must restore its key.`;

  /** 503 + Retry-After, the shop named, and neither the secret nor a stack trace in the body. */
  async function expectUnavailable(response: Response, shop: InstalledShop): Promise<string> {
    const text = await response.text();
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("300");
    expect(text).not.toContain(shop.apiSecret);
    expect(text).not.toMatch(/\bat .*\.tsx?:\d+/);
    return text;
  }

  async function expectCredentialUnreadable(response: Response, shop: InstalledShop) {
    const text = await expectUnavailable(response, shop);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(JSON.parse(text)).toEqual({ error: { code: "credential_unreadable", message: messageFor(shop) } });
  }

  it.each([
    // A page's document renders the app's error boundary (Remix lets only redirects escape a page).
    { transport: "document", url: (token: string, shop: string) => `/app?${embeddedQuery(shop, token)}`, bearer: false, type: /^text\/html/ },
    // Single fetch carries the error shape turbo-stream encoded.
    { transport: "single-fetch .data", url: () => "/app.data", bearer: true, type: /^text\/x-script/ },
  ])("GIVEN a correctly signed session token WHEN /app is fetched as a $transport request THEN 503, not a 500", async ({ transport, url, bearer, type }) => {
    const shop = await shopWithLostKey();
    const { token } = await getJwt(shop.shopDomain.replace(".myshopify.com", ""), shop.apiKey, shop.apiSecret);

    const response = await fetch(`${app.url}${url(token, shop.shopDomain)}`, {
      headers: { "User-Agent": BROWSER_UA, ...(bearer ? { Authorization: `Bearer ${token}` } : {}) },
    });

    expect(response.headers.get("content-type")).toMatch(type);
    const text = await expectUnavailable(response, shop);
    if (transport !== "document") expect(text).toContain(messageFor(shop));
  });

  it("GIVEN a correctly signed session token WHEN a ?_data= request is sent THEN 503 JSON names the shop's credential problem", async () => {
    const shop = await shopWithLostKey();
    const { token } = await getJwt(shop.shopDomain.replace(".myshopify.com", ""), shop.apiKey, shop.apiSecret);
    const silenced = silenceDataWarning();

    const response = await fetch(`${app.url}/app?_data=routes%2Fapp`, { headers: { "User-Agent": BROWSER_UA, Authorization: `Bearer ${token}` } }).finally(silenced);

    await expectCredentialUnreadable(response, shop);
  });

  it("GIVEN a PRIVATE shop whose secret is still in the v1 format THEN its admin requests are served (the control)", async () => {
    const shop = await createInstalledShop(prisma, { mode: "PRIVATE" });
    await prisma.shopCredential.update({ where: { id: shop.shopId }, data: { apiSecret: sealV1(shop.apiSecret, getEnv().keyring.current.key) } });
    const { token } = await getJwt(shop.shopDomain.replace(".myshopify.com", ""), shop.apiKey, shop.apiSecret);

    const response = await fetch(`${app.url}/app.data`, { headers: { "User-Agent": BROWSER_UA, Authorization: `Bearer ${token}` } });

    expect(response.status).toBe(200);
    expect(await response.text()).toContain(shop.apiKey);
  });

  it("GIVEN a correctly signed webhook WHEN it arrives THEN 503 JSON (Shopify retries it once the key is back), and nothing changed", async () => {
    const shop = await shopWithLostKey();
    const signed = webhookRequest({ topic: "app/uninstalled", shop: shop.shopDomain, payload: { domain: shop.shopDomain }, secret: shop.apiSecret });

    const response = await fetch(`${app.url}/webhooks/app/uninstalled`, { method: "POST", headers: signed.headers, body: await signed.text() });

    await expectCredentialUnreadable(response, shop);
    expect(await prisma.shopCredential.findUnique({ where: { id: shop.shopId }, select: { status: true } })).toEqual({ status: "ACTIVE" });
    expect(await prisma.session.count({ where: { shopId: shop.shopId } })).toBe(1);
  });
});
