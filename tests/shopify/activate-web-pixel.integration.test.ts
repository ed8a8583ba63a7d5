import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { AdminApiError, createAdminClient, type AdminClient } from "../../app/services/shopify/admin-client";
import { WEB_PIXEL } from "../../app/services/shopify/admin-operations";
import {
  activateWebPixel,
  MissingScopeError,
  readWebPixelStatus,
  WebPixelUserError,
} from "../../app/services/shopify/activate-web-pixel";
import { onShopInstalled } from "../../app/services/shopify/on-shop-installed";
import type { FakeShopSeed, PixelSettingsFieldType } from "../fake-shopify/catalog";
import { startFakeAdminApi, type FakeAdminApi } from "../fake-shopify/fake-admin-api";
import { uniqueShopDomain } from "../support/shops";

const APP_URL = "https://abtests.example.com";
/** The settings the extension declares (extensions/ab-test-pixel/shopify.extension.toml). */
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

function addShop(seed: Partial<FakeShopSeed> = {}) {
  const domain = uniqueShopDomain("pixel");
  fake.addShop({ domain, pixelSettingsFields: PIXEL_FIELDS, ...seed });
  const admin = createAdminClient({ shop: domain, accessToken: `shpat_test_${domain}` }, { origin: fake.origin, sleep: async () => {} });
  return { domain, admin };
}

const storedSettings = (domain: string) => {
  const pixel = fake.getShop(domain).pixel;
  return pixel ? (JSON.parse(pixel.settings) as Record<string, unknown>) : null;
};
const requestsOf = (domain: string) => fake.requests.filter((request) => request.shop === domain);

describe("activateWebPixel", () => {
  it("GIVEN a shop without a pixel WHEN activated twice and then with a new app URL THEN it creates, leaves alone, then updates", async () => {
    const { domain, admin } = addShop();

    const created = await activateWebPixel(admin, { appUrl: `${APP_URL}/` });
    const unchanged = await activateWebPixel(admin, { appUrl: APP_URL });
    const updated = await activateWebPixel(admin, { appUrl: "https://moved.example.com" });

    expect(created).toEqual({ action: "created", pixelId: expect.stringMatching(/^gid:\/\/shopify\/WebPixel\/\d+$/), settings: HEALTHY, changes: [] });
    expect(unchanged).toEqual({ action: "unchanged", pixelId: created.pixelId, settings: HEALTHY, changes: [] });
    expect(updated).toMatchObject({ action: "updated", pixelId: created.pixelId, changes: [`app_url "${APP_URL}" → "https://moved.example.com"`] });
    expect(storedSettings(domain)).toEqual({ ...HEALTHY, app_url: "https://moved.example.com" });
    expect(requestsOf(domain).map((request) => request.operationName)).toEqual([
      "WebPixel",
      "WebPixelCreate",
      "WebPixel",
      "WebPixel",
      "WebPixelUpdate",
    ]);
    expect(fake.rejectedQueries).toEqual([]);
  });

  it.each([
    { existing: HEALTHY, options: {}, action: "unchanged", changes: [] },
    { existing: { ...HEALTHY, app_url: "https://old.example.com" }, options: {}, action: "updated", changes: [`app_url "https://old.example.com" → "${APP_URL}"`] },
    { existing: { ...HEALTHY, enabled: "false" }, options: {}, action: "updated", changes: ['enabled "false" → "true"'] },
    { existing: HEALTHY, options: { debug: true }, action: "updated", changes: ['debug "false" → "true"'] },
    { existing: HEALTHY, options: { enabled: false }, action: "updated", changes: ['enabled "true" → "false"'] },
    { existing: { app_url: APP_URL, enabled: "true" }, options: {}, action: "updated", changes: ['debug unset → "false"'] },
    { existing: { ...HEALTHY, legacy: "x" }, options: {}, action: "updated", changes: ["legacy removed"] },
  ] as const)("GIVEN a pixel with $existing and options $options THEN it is $action", async ({ existing, options, action, changes }) => {
    const { domain, admin } = addShop({ pixelSettings: existing });

    const result = await activateWebPixel(admin, { appUrl: APP_URL, ...options });

    expect(result).toMatchObject({ action, changes });
    expect(storedSettings(domain)).toEqual(result.settings);
    expect(requestsOf(domain).some((request) => request.operationName === "WebPixelUpdate")).toBe(action === "updated");
  });

  it("GIVEN the extension defines other settings WHEN creating THEN Shopify's userErrors become a WebPixelUserError", async () => {
    const { domain, admin } = addShop({ pixelSettingsFields: { app_url: "single_line_text_field", enabled: "single_line_text_field" } });

    const error = await activateWebPixel(admin, { appUrl: APP_URL }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(WebPixelUserError);
    expect(error).toMatchObject({
      operation: "WebPixelCreate",
      userErrors: [{ field: ["webPixel", "settings"], code: "INVALID_SETTINGS" }],
      message: expect.stringContaining("Setting 'debug' is not defined by the web pixel extension."),
    });
    expect(fake.getShop(domain).pixel).toBeNull();
  });

  it.each([
    { missing: "write_pixels", grantedScopes: ["read_products", "read_customer_events"], requiredScopes: ["read_pixels"] },
    { missing: "read_customer_events", grantedScopes: ["read_products", "write_pixels"], requiredScopes: ["write_pixels", "read_customer_events"] },
  ])("GIVEN a shop that has not granted $missing THEN a MissingScopeError says which scopes to grant and how", async ({ grantedScopes, requiredScopes }) => {
    const { domain, admin } = addShop({ grantedScopes });

    const error = await activateWebPixel(admin, { appUrl: APP_URL }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(MissingScopeError);
    const missingScope = error as MissingScopeError;
    expect(missingScope.requiredScopes).toEqual(requiredScopes);
    expect(missingScope.scopesToGrant).toEqual(["write_pixels", "read_customer_events"]);
    expect(missingScope.message).toContain("grant write_pixels, read_customer_events");
    expect(missingScope.message).toMatch(/SCOPES.*shopify\.app\.toml.*re-open the app/);
    expect(fake.getShop(domain).pixel).toBeNull();
  });

  it("GIVEN Shopify throttles the first two requests THEN the pixel is still created", async () => {
    const { domain, admin } = addShop();
    fake.injectFailures({ shop: domain, kind: "throttled", times: 2 });

    const result = await activateWebPixel(admin, { appUrl: APP_URL });

    expect(result.action).toBe("created");
    expect(requestsOf(domain).map((request) => request.failure)).toEqual(["throttled", "throttled", null, null]);
    expect(storedSettings(domain)).toEqual(HEALTHY);
  });

  it("GIVEN another process creates the pixel between our read and our create THEN it updates that pixel instead of failing", async () => {
    const { domain, admin } = addShop({ pixelSettings: { ...HEALTHY, app_url: "https://old.example.com" } });
    let hidden = false;
    const racing: AdminClient = {
      shop: admin.shop,
      async request(operation, variables) {
        if (operation === (WEB_PIXEL as unknown) && !hidden) {
          hidden = true;
          const notFound = [{ message: "No web pixel was found for this app." }];
          throw new AdminApiError("WebPixel: No web pixel was found for this app.", "GRAPHQL_ERROR", {
            shop: admin.shop,
            operation: "WebPixel",
            tries: 1,
            graphQLErrors: notFound,
          });
        }
        return admin.request(operation, variables);
      },
    };

    const result = await activateWebPixel(racing, { appUrl: APP_URL });

    expect(result).toMatchObject({ action: "updated", pixelId: fake.getShop(domain).pixel!.id });
    expect(storedSettings(domain)).toEqual(HEALTHY);
  });

  it.each(["", "abtests.example.com", "ftp://abtests.example.com"])("GIVEN appUrl %j THEN it refuses before calling Shopify", async (appUrl) => {
    const { domain, admin } = addShop();

    await expect(activateWebPixel(admin, { appUrl })).rejects.toThrow(TypeError);
    expect(requestsOf(domain)).toEqual([]);
  });
});

describe("readWebPixelStatus", () => {
  it.each([
    { case: "no pixel", settings: undefined, exists: false, problems: ["no web pixel on the shop"] },
    { case: "healthy", settings: HEALTHY, exists: true, problems: [] },
    { case: "trailing slash", settings: { ...HEALTHY, app_url: `${APP_URL}/` }, exists: true, problems: [] },
    {
      case: "another app URL",
      settings: { ...HEALTHY, app_url: "https://old.example.com" },
      exists: true,
      problems: [`app_url is "https://old.example.com" but the app runs at "${APP_URL}"`],
    },
    { case: "paused", settings: { ...HEALTHY, enabled: "false" }, exists: true, problems: ['enabled is "false": tracking is paused'] },
    {
      case: "no app_url, enabled missing, bad debug",
      settings: { debug: "yes" },
      exists: true,
      problems: [
        "app_url is missing: the pixel sends nothing",
        'enabled is null: the pixel only tracks when it is "true"',
        'debug is "yes": expected "true" or "false"',
      ],
    },
  ])("GIVEN $case THEN it reports exists=$exists and problems $problems", async ({ settings, exists, problems }) => {
    const { admin } = addShop({ pixelSettings: settings });

    const status = await readWebPixelStatus(admin, { appUrl: APP_URL });

    expect(status).toEqual({
      exists,
      problems,
      ...(exists ? { pixelId: expect.stringMatching(/^gid:\/\/shopify\/WebPixel\//), settings } : {}),
    });
  });

  it("GIVEN settings that are not JSON THEN that is the problem reported", async () => {
    const { domain, admin } = addShop({ pixelSettings: HEALTHY });
    fake.getShop(domain).pixel!.settings = "app_url=https://abtests.example.com";

    const status = await readWebPixelStatus(admin, { appUrl: APP_URL });

    expect(status).toEqual({ exists: true, pixelId: expect.any(String), problems: ["settings are not a JSON object: app_url=https://abtests.example.com"] });
  });

  it("GIVEN a shop without read access to pixels THEN it throws a MissingScopeError", async () => {
    const { admin } = addShop({ grantedScopes: ["read_products"] });

    await expect(readWebPixelStatus(admin, { appUrl: APP_URL })).rejects.toThrow(MissingScopeError);
  });
});

describe("onShopInstalled (afterAuth)", () => {
  async function install(seed: Partial<FakeShopSeed>) {
    const { domain, admin } = addShop(seed);
    const session = await prisma.session.create({
      data: { id: `offline_${domain}`, shop: domain, state: "", isOnline: false, accessToken: `shpat_test_${domain}` },
    });
    const warnings: string[] = [];
    const result = await onShopInstalled(
      prisma,
      admin,
      { sessionId: session.id, sessionShop: domain, apiKey: "public-key", appUrl: APP_URL },
      { warn: (message: string) => void warnings.push(message) },
    );
    const linkedShopId = (await prisma.session.findUniqueOrThrow({ where: { id: session.id } })).shopId;
    return { domain, result, warnings, linkedShopId };
  }

  it("GIVEN a shop with the pixel scopes THEN the install records the shop and creates its pixel", async () => {
    const { domain, result, warnings, linkedShopId } = await install({});

    expect(result.credential).toMatchObject({ myshopifyDomain: domain, status: "ACTIVE" });
    expect(linkedShopId).toBe(result.credential.id);
    expect(result.pixel).toMatchObject({ action: "created", settings: HEALTHY });
    expect(storedSettings(domain)).toEqual(HEALTHY);
    expect(warnings).toEqual([]);
  });

  it("GIVEN a shop missing write_pixels THEN the install still succeeds and the pixel failure is logged", async () => {
    const { domain, result, warnings, linkedShopId } = await install({ grantedScopes: ["read_products"] });

    expect(linkedShopId).toBe(result.credential.id);
    expect(result.pixel).toBeNull();
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0])).toMatchObject({
      event: "web_pixel_activation_failed",
      shop: domain,
      shopId: result.credential.id,
      errorName: "MissingScopeError",
      error: expect.stringContaining("write_pixels"),
    });
  });
});
