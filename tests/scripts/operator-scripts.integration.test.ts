// The operator scripts run for real: bun child processes against the test database and a fake Admin
// API. Other test files create shops in the same database concurrently, so every run names its own
// shops with --shop and assertions look only at those shops' lines.
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import prisma from "../../app/db.server";
import type { FakeShopSeed, PixelSettingsFieldType } from "../fake-shopify/catalog";
import { startFakeAdminApi, type FakeAdminApi } from "../fake-shopify/fake-admin-api";
import { createABTest } from "../support/ab-tests";
import { createInstalledShop, uniqueShopDomain } from "../support/shops";

const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
const APP_URL = "https://abtests.example.com";
const PIXEL_FIELDS: Record<string, PixelSettingsFieldType> = {
  app_url: "single_line_text_field",
  enabled: "single_line_text_field",
  debug: "single_line_text_field",
};
const HEALTHY = { app_url: APP_URL, enabled: "true", debug: "false" };

let fake: FakeAdminApi;
beforeAll(async () => {
  fake = await startFakeAdminApi();
});
afterAll(() => fake.close());

interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
  lines: string[];
}

function runScript(script: string, args: string[]): Promise<ScriptRun> {
  const child = spawn(path.join(REPO_ROOT, "node_modules/.bin/bun"), [`scripts/${script}`, ...args], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      NODE_ENV: "test",
      DATABASE_URL: inject("databaseUrl"),
      SHOPIFY_ADMIN_API_ORIGIN: fake.origin,
      SHOPIFY_APP_URL: APP_URL,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr, lines: stdout.split("\n").filter(Boolean) }));
  });
}

/** A shop installed in the database (credential + linked session) and on the fake. */
async function installedShop(seed: Partial<FakeShopSeed> = {}) {
  const domain = uniqueShopDomain("ops");
  fake.addShop({ domain, pixelSettingsFields: PIXEL_FIELDS, ...seed });
  return createInstalledShop(prisma, { shopDomain: domain });
}

const lineFor = (run: ScriptRun, domain: string) => run.lines.filter((line) => line.includes(`${domain}:`));

describe("operator scripts", () => {
  it.each([
    { script: "link-sessions-to-credentials.ts", usage: "bun run link:sessions", flags: ["--shop", "--dry-run"] },
    { script: "check-pixel-status.ts", usage: "bun run check:pixels", flags: ["--shop"] },
    { script: "activate-pixel-all-shops.ts", usage: "bun run activate:pixels", flags: ["--shop", "--debug"] },
  ])("GIVEN --help WHEN $script runs THEN it prints its usage and exits 0; an unknown flag exits 2", async ({ script, usage, flags }) => {
    const [help, unknown] = await Promise.all([runScript(script, ["--help"]), runScript(script, ["--frobnicate"])]);

    expect(help.code).toBe(0);
    expect(help.stdout).toContain(`Usage: ${usage}`);
    for (const flag of flags) expect(help.stdout).toContain(flag);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--frobnicate'");
  });

  it("GIVEN two shops, one lacking write_pixels WHEN activate:pixels runs THEN the other is activated, the first gets ✗ with the scope to grant, and it exits 1", async () => {
    const [good, denied] = await Promise.all([installedShop(), installedShop({ grantedScopes: ["read_products", "read_customer_events"] })]);

    const run = await runScript("activate-pixel-all-shops.ts", ["--shop", good.shopDomain, "--shop", denied.shopDomain]);

    expect(run.code).toBe(1);
    expect(lineFor(run, good.shopDomain)).toEqual([
      expect.stringMatching(new RegExp(`^✓ ${good.shopDomain}: created web pixel gid://shopify/WebPixel/\\d+ \\(app_url ${APP_URL}, enabled true, debug false\\)$`)),
    ]);
    expect(lineFor(run, denied.shopDomain)).toEqual([expect.stringMatching(/^✗ .*grant write_pixels, read_customer_events .*shopify\.app\.toml/)]);
    expect(run.lines.at(-1)).toBe("activate:pixels: 2 shops — 1 created, 0 updated, 0 unchanged, 1 failed");
    expect(JSON.parse(fake.getShop(good.shopDomain).pixel!.settings)).toEqual(HEALTHY);
    expect(fake.getShop(denied.shopDomain).pixel).toBeNull();

    const again = await runScript("activate-pixel-all-shops.ts", ["--shop", good.shopDomain]);

    expect(again.code).toBe(0);
    expect(lineFor(again, good.shopDomain)).toEqual([expect.stringMatching(/^✓ .*: unchanged web pixel /)]);
    expect(again.lines.at(-1)).toBe("activate:pixels: 1 shop — 0 created, 0 updated, 1 unchanged, 0 failed");
  });

  it("GIVEN a pixel pointing at an old URL WHEN activate:pixels runs THEN it is updated; an unknown --shop gets ✗", async () => {
    const shop = await installedShop({ pixelSettings: { ...HEALTHY, app_url: "https://old.example.com" } });
    const unknown = uniqueShopDomain("nowhere");

    const run = await runScript("activate-pixel-all-shops.ts", ["--shop", `https://${shop.shopDomain}/`, "--shop", unknown]);

    expect(run.code).toBe(1);
    expect(lineFor(run, shop.shopDomain)).toEqual([expect.stringContaining(`updated web pixel`)]);
    expect(lineFor(run, shop.shopDomain)[0]).toContain(`app_url "https://old.example.com" → "${APP_URL}"`);
    expect(lineFor(run, unknown)).toEqual([`✗ ${unknown}: no ACTIVE shop has this domain`]);
  });

  it("GIVEN healthy, misconfigured, missing and silent pixels WHEN check:pixels runs THEN each shop gets its ✓/✗ and it exits 1", async () => {
    const [healthy, oldUrl, missing, silent] = await Promise.all([
      installedShop({ pixelSettings: HEALTHY }),
      installedShop({ pixelSettings: { ...HEALTHY, app_url: "https://old.example.com" } }),
      installedShop(),
      installedShop({ pixelSettings: HEALTHY }),
    ]);
    const [healthyTest] = await Promise.all([createABTest(prisma, healthy.shopId), createABTest(prisma, silent.shopId)]);
    const eventAt = new Date(Date.now() - 3600_000);
    await prisma.aBTestEvent.create({
      data: {
        shopId: healthy.shopId,
        testId: healthyTest.id,
        arm: "CONTROL",
        eventType: "IMPRESSION",
        productId: healthyTest.productId,
        visitorId: "visitor-1",
        eventId: "event-1",
        occurredAt: eventAt,
        createdAt: eventAt,
      },
    });

    const run = await runScript("check-pixel-status.ts", [healthy, oldUrl, missing, silent].flatMap((shop) => ["--shop", shop.shopDomain]));

    expect(run.code).toBe(1);
    expect(lineFor(run, healthy.shopDomain)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^✓ ${healthy.shopDomain}: pixel gid://shopify/WebPixel/\\d+ \\(app_url ${APP_URL}, enabled true, debug false\\); ` +
            `1 ACTIVE test; events 24h 1, 7d 1, last ${eventAt.toISOString()}$`,
        ),
      ),
    ]);
    expect(lineFor(run, oldUrl.shopDomain)).toEqual([
      expect.stringMatching(/^✗ .*app_url https:\/\/old\.example\.com.*0 ACTIVE tests.* — app_url is "https:\/\/old\.example\.com" but the app runs at .*bun run activate:pixels/),
    ]);
    expect(lineFor(run, missing.shopDomain)).toEqual([expect.stringMatching(/^✗ .*: no web pixel; 0 ACTIVE tests; events 24h 0, 7d 0, last never — no web pixel on the shop/)]);
    expect(lineFor(run, silent.shopDomain)).toEqual([expect.stringMatching(/^✗ .*: pixel .*; 1 ACTIVE test; events 24h 0, 7d 0, last never — ACTIVE tests but no event in the last 24 h$/)]);
    expect(run.lines.at(-1)).toBe("check:pixels: 4 shops — 1 ok, 3 with problems");

    const healthyOnly = await runScript("check-pixel-status.ts", ["--shop", healthy.shopDomain]);

    expect(healthyOnly.code).toBe(0);
    expect(healthyOnly.lines.at(-1)).toBe("check:pixels: 1 shop — 1 ok, 0 with problems");
  });

  it("GIVEN unlinked sessions WHEN link:sessions runs with --dry-run, then for real THEN the custom-domain shop is linked and the unknown one gets ✗", async () => {
    const custom = uniqueShopDomain("ops-link");
    const customDomain = `www.${custom.split(".")[0]}.example.com`;
    const orphan = uniqueShopDomain("ops-orphan");
    fake.addShop({ domain: custom, primaryDomainHost: customDomain });
    fake.addShop({ domain: orphan });
    const credential = await prisma.shopCredential.create({ data: { shopDomain: customDomain, apiKey: "k" } });
    for (const domain of [custom, orphan]) {
      await prisma.session.create({ data: { id: `offline_${domain}`, shop: domain, state: "", isOnline: false, accessToken: `shpat_test_${domain}` } });
    }

    const dryRun = await runScript("link-sessions-to-credentials.ts", ["--shop", custom, "--dry-run"]);

    expect(dryRun.code).toBe(0);
    expect(dryRun.lines).toEqual([
      `✓ ${custom}: would link to credential ${customDomain} (would fill myshopifyDomain, primaryDomain, ianaTimezone, currencyCode)`,
      "link:sessions: 1 unlinked session — 1 would be linked (dry run: nothing written), 0 not linked, 0 failed",
    ]);
    expect((await prisma.session.findUniqueOrThrow({ where: { id: `offline_${custom}` } })).shopId).toBeNull();

    const run = await runScript("link-sessions-to-credentials.ts", ["--shop", custom, "--shop", orphan]);

    expect(run.code).toBe(1);
    expect(lineFor(run, custom)).toEqual([`✓ ${custom}: linked to credential ${customDomain} (filled myshopifyDomain, primaryDomain, ianaTimezone, currencyCode)`]);
    expect(lineFor(run, orphan)).toEqual([expect.stringMatching(new RegExp(`^✗ ${orphan}: not linked — no credential matches \\(tried ${orphan}\\)`))]);
    expect(run.lines.at(-1)).toBe("link:sessions: 2 unlinked sessions — 1 linked, 1 not linked, 0 failed");
    expect((await prisma.session.findUniqueOrThrow({ where: { id: `offline_${custom}` } })).shopId).toBe(credential.id);

    const rerun = await runScript("link-sessions-to-credentials.ts", ["--shop", custom]);

    expect(rerun.code).toBe(0);
    expect(rerun.lines[0]).toBe(`✓ no unlinked offline sessions for ${custom}`);
  });
});
