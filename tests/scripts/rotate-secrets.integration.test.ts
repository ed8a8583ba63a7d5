// `bun run rotate:secrets` and the startup check of `dev:local`, run for real: child processes against
// the test database. Other test files create shops in the same database concurrently, so every run
// names its own shops with --shop and assertions look only at those shops' lines.
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import prisma from "../../app/db.server";
import { getEnv } from "../../app/env.server";
import { createKeyring, decryptSecret, encryptSecret } from "../../app/services/shopify/secret-box";
import { createInstalledShop, uniqueShopDomain, type InstalledShop } from "../support/shops";

const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
/** The key the test process (and so every shop created here) seals with: ENCRYPTION_KEY's local default, id "default". */
const OLD = getEnv().keyring.current;
const NEW = { id: "k2", key: crypto.randomBytes(32) };
const LOST = createKeyring([{ id: "gone", key: crypto.randomBytes(32) }]);
const keyList = (...keys: { id: string; key: Buffer }[]) => keys.map(({ id, key }) => `${id}:${key.toString("base64")}`).join(",");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  lines: string[];
}

function run(command: string, args: string[], env: Record<string, string>, until?: RegExp): Promise<Run> {
  const child = spawn(path.join(REPO_ROOT, "node_modules/.bin", command), args, {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_ENV: "test", DATABASE_URL: inject("databaseUrl"), ENCRYPTION_KEY: "", ENCRYPTION_KEYS: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const onOutput = () => {
    if (until?.test(stdout)) child.kill("SIGTERM");
  };
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
    onOutput();
  });
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr, lines: `${stdout}\n${stderr}`.split("\n").filter(Boolean) }));
  });
}

const rotate = (args: string[], keys: string) => run("bun", ["scripts/rotate-secrets.ts", ...args], { ENCRYPTION_KEYS: keys });
const shopArgs = (...shops: InstalledShop[]) => shops.flatMap((shop) => ["--shop", shop.shopDomain]);
const lineFor = (result: Run, shop: InstalledShop) => result.lines.filter((line) => line.includes(`${shop.shopDomain}:`) || line.includes(`${shop.shopDomain} (`));
const storedSecret = async (shop: InstalledShop) => (await prisma.shopCredential.findUniqueOrThrow({ where: { id: shop.shopId }, select: { apiSecret: true } })).apiSecret!;

/** The format stored before key ids existed, sealed with `key` as that code did. */
function sealV1(plaintext: string, key: Buffer): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === "string" ? part : part.toString("base64url"))).join(".");
}

async function privateShop(apiSecret?: (shop: InstalledShop) => string, status: "ACTIVE" | "DISABLED" = "ACTIVE"): Promise<InstalledShop> {
  const shop = await createInstalledShop(prisma, { mode: "PRIVATE" });
  if (apiSecret || status !== "ACTIVE") {
    await prisma.shopCredential.update({ where: { id: shop.shopId }, data: { status, ...(apiSecret ? { apiSecret: apiSecret(shop) } : {}) } });
  }
  return shop;
}

describe("rotate:secrets", () => {
  it("GIVEN --help THEN it prints its usage and exits 0; an unknown flag exits 2", async () => {
    const [help, unknown] = await Promise.all([rotate(["--help"], keyList(OLD)), rotate(["--frobnicate"], keyList(OLD))]);

    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: bun run rotate:secrets");
    for (const flag of ["--shop", "--dry-run"]) expect(help.stdout).toContain(flag);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--frobnicate'");
  });

  it("GIVEN v2, v1, DISABLED and lost-key secrets WHEN a new key is put first and it runs twice THEN the readable ones move to the new key once, the lost one gets ✗ each time, and the old key can then go", async () => {
    const [current, legacy, disabled, lost] = await Promise.all([
      privateShop(),
      privateShop((shop) => sealV1(shop.apiSecret, OLD.key)),
      privateShop(undefined, "DISABLED"),
      privateShop((shop) => encryptSecret(shop.apiSecret, LOST)),
    ]);
    const lostBefore = await storedSecret(lost);
    const shops = shopArgs(current, legacy, disabled, lost);

    const first = await rotate(shops, keyList(NEW, OLD));

    expect(first.code).toBe(1);
    expect(lineFor(first, current)).toEqual([`✓ ${current.shopDomain}: re-encrypted under key "k2" (was key "default")`]);
    expect(lineFor(first, legacy)).toEqual([`✓ ${legacy.shopDomain}: re-encrypted under key "k2" (was key "default", v1 format)`]);
    expect(lineFor(first, disabled)).toEqual([`✓ ${disabled.shopDomain}: re-encrypted under key "k2" (was key "default")`]);
    expect(lineFor(first, lost)).toEqual([
      `✗ ${lost.shopDomain}: not re-encrypted — the stored secret is sealed under key id "gone", which is not configured; add the key it was sealed with to ENCRYPTION_KEYS and run again`,
    ]);
    expect(first.lines.at(-1)).toBe('rotate:secrets: 4 secrets — 3 re-encrypted, 0 already current, 1 failed (newest key "k2")');
    const onlyNew = createKeyring([NEW]);
    for (const shop of [current, legacy, disabled]) {
      const sealed = await storedSecret(shop);
      expect(sealed).toMatch(/^v2\.k2\./);
      expect(decryptSecret(sealed, onlyNew)).toBe(shop.apiSecret);
    }
    expect(await storedSecret(lost)).toBe(lostBefore);
    expect(first.stdout + first.stderr).not.toContain(current.apiSecret);

    const again = await rotate(shops, keyList(NEW, OLD));

    expect(again.code).toBe(1);
    expect(lineFor(again, legacy)).toEqual([`✓ ${legacy.shopDomain}: already under key "k2"`]);
    expect(again.lines.at(-1)).toBe('rotate:secrets: 4 secrets — 0 re-encrypted, 3 already current, 1 failed (newest key "k2")');

    // The old key dropped: everything rotated still opens.
    const withoutOld = await rotate(shopArgs(current, legacy, disabled), keyList(NEW));

    expect(withoutOld.code).toBe(0);
    expect(withoutOld.lines.at(-1)).toBe('rotate:secrets: 3 secrets — 0 re-encrypted, 3 already current, 0 failed (newest key "k2")');
  });

  it("GIVEN --dry-run THEN it reports what it would re-encrypt and writes nothing; an unknown --shop gets ✗", async () => {
    const shop = await privateShop();
    const before = await storedSecret(shop);
    const unknown = uniqueShopDomain("nowhere");

    const result = await rotate([...shopArgs(shop), "--shop", unknown, "--dry-run"], keyList(NEW, OLD));

    expect(result.code).toBe(1);
    expect(lineFor(result, shop)).toEqual([`✓ ${shop.shopDomain}: would re-encrypt under key "k2" (was key "default")`]);
    expect(result.lines).toContain(`✗ ${unknown}: no stored credential secret has this domain`);
    expect(result.lines.at(-1)).toBe('rotate:secrets: 1 secret — 1 would be re-encrypted (dry run: nothing written), 0 already current, 0 failed (newest key "k2")');
    expect(await storedSecret(shop)).toBe(before);
  });

  it("GIVEN a degenerate key in ENCRYPTION_KEYS THEN it refuses to start, naming the variable and not the value", async () => {
    const zero = `k3:${Buffer.alloc(32).toString("base64")}`;

    const result = await rotate(["--shop", uniqueShopDomain()], `${zero},${keyList(OLD)}`);

    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toContain('ENCRYPTION_KEYS entry 1 (id "k3") is all zero bytes');
    expect(result.stdout + result.stderr).not.toContain(Buffer.alloc(32).toString("base64"));
  });
});

describe("dev:local startup check", () => {
  it("GIVEN a credential sealed under a key that is not configured WHEN dev:local starts THEN a warning names that shop (never a secret) as the app starts", async () => {
    const [lost] = await Promise.all([privateShop((shop) => encryptSecret(shop.apiSecret, LOST)), privateShop()]);

    const result = await run("tsx", ["scripts/dev-local.ts"], { PORT: "0", ENCRYPTION_KEYS: keyList(OLD) }, /app listening on/);

    const warning = lineFor(result, lost);
    expect(warning).toEqual([expect.stringMatching(new RegExp(`^⚠ credential secret of ${lost.shopDomain.replace(/\./g, "\\.")} \\(PRIVATE, ACTIVE\\) cannot be decrypted .*key id "gone"`))]);
    expect(result.stdout).toMatch(/✓ credential secrets: \d+ of \d+ decrypt \(current key "default"\)/);
    expect(result.stdout + result.stderr).not.toContain(lost.apiSecret);
  });
});
