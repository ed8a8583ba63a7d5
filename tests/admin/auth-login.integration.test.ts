// /auth/login over HTTP through the real app: the login page renders, a bad shop domain is answered on
// the page, a good one is sent to that shop's install page for the app (public or PRIVATE) serving it,
// and the other /auth paths still go through authenticate.admin.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { getEnv } from "../../app/env.server";
import type { AppServer } from "../../scripts/lib/app-server";
import { startTestApp } from "../support/app-server";
import { createInstalledShop, uniqueShopDomain } from "../support/shops";

let app: AppServer;

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

// authenticate.admin answers 410 to bots, and Node's fetch reads as one.
const BROWSER_UA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15";
const get = (path: string) => fetch(`${app.url}${path}`, { headers: { "User-Agent": BROWSER_UA }, redirect: "manual" });
const postLogin = (shop: string) => fetch(`${app.url}/auth/login`, { method: "POST", body: new URLSearchParams({ shop }), redirect: "manual" });
const installUrl = (shop: string, apiKey: string) => `https://admin.shopify.com/store/${shop.replace(".myshopify.com", "")}/oauth/install?client_id=${apiKey}`;

describe("/auth/login", () => {
  it("GIVEN no shop WHEN the login page is opened THEN it answers 200 with a shop domain field and no error", async () => {
    const response = await get("/auth/login");
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(html).toMatch(/<form method="post" action="\/auth\/login"/);
    expect(html).toMatch(/<label [^>]*><span [^>]*>Shop domain<\/span><\/label>/);
    expect(html).toMatch(/<input [^>]*name="shop"/);
    expect(html).not.toContain("Polaris-InlineError");
  });

  it.each([
    { name: "a domain that is not a shop", shop: "not a shop!", error: "Enter a valid shop domain." },
    { name: "another site's domain", shop: "example.com", error: "Enter a valid shop domain." },
    { name: "nothing", shop: "", error: "Enter your shop domain to log in." },
  ])("GIVEN $name WHEN posted THEN the page shows the error beside the field", async ({ shop, error }) => {
    const response = await postLogin(shop);
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(html).toMatch(/class="Polaris-InlineError"/);
    expect(html).toContain(error);
  });

  it("GIVEN a bad shop in the URL WHEN the login page is opened THEN it shows the error too", async () => {
    const response = await get(`/auth/login?shop=${encodeURIComponent("not a shop!")}`);

    expect(response.status).toBe(200);
    expect(await response.text()).toContain("Enter a valid shop domain");
  });

  it("GIVEN a shop served by the public app WHEN its name is posted THEN the merchant is sent to install the public app", async () => {
    const shop = uniqueShopDomain("login");

    const response = await postLogin(shop.replace(".myshopify.com", ""));

    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(installUrl(shop, getEnv().SHOPIFY_API_KEY));
  });

  it("GIVEN a shop with a PRIVATE credential WHEN its domain is posted THEN the merchant is sent to install that shop's own app", async () => {
    const shop = await createInstalledShop(prisma, { mode: "PRIVATE" });

    const response = await postLogin(` ${shop.shopDomain} `);

    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(installUrl(shop.shopDomain, shop.apiKey));
  });

  it("GIVEN a PRIVATE shop typed without .myshopify.com THEN it still reaches its own app", async () => {
    const shop = await createInstalledShop(prisma, { mode: "PRIVATE" });

    const response = await postLogin(shop.shopDomain.replace(".myshopify.com", ""));

    expect(response.headers.get("location")).toBe(installUrl(shop.shopDomain, shop.apiKey));
  });
});

describe("the other /auth paths", () => {
  it.each(["/auth", "/auth/callback"])("GIVEN no shop WHEN %s is opened THEN authenticate.admin sends the request to the login page", async (path) => {
    const response = await get(path);

    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/auth/login");
  });

  it("GIVEN a POST to an auth path other than login THEN it is refused as before", async () => {
    const response = await fetch(`${app.url}/auth/callback`, { method: "POST", body: new URLSearchParams({ shop: "x" }), redirect: "manual" });

    expect(response.status).toBe(405);
  });
});

describe("/auth/exit-iframe", () => {
  const exitIframe = (destination: string) => get(`/auth/exit-iframe?${new URLSearchParams({ shop: "exit-test.myshopify.com", host: Buffer.from("admin.shopify.com/store/exit-test").toString("base64"), exitIframe: destination })}`);

  it.each(["https://evil.example/phish", "javascript:alert(1)", "//evil.example", "https://exit-test.myshopify.com/", "https://cdn.shopify.com/x", ""])(
    "GIVEN an untrusted destination %j THEN 400 with the error shape, not 500",
    async (destination) => {
      const response = await exitIframe(destination);

      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: { code: "invalid_redirect", message: expect.any(String) } });
    },
  );

  // (The app's own paths are trusted too, but the page then insists on https, which the local app URL is not.)
  it.each(["https://admin.shopify.com/store/exit-test/apps", "https://exit-test.myshopify.com/admin/charges/1"])(
    "GIVEN a trusted destination %j THEN the App Bridge page that leaves the iframe is served",
    async (destination) => {
      const response = await exitIframe(destination);

      expect(response.status).toBe(200);
      expect(await response.text()).toContain("app-bridge.js");
    },
  );
});

describe("/auth/session-token (the bounce page that fetches a fresh session token)", () => {
  it.each(["PUBLIC", "PRIVATE"] as const)("GIVEN a %s shop THEN the App Bridge page is served with that shop's own API key", async (mode) => {
    const shop = await createInstalledShop(prisma, { mode });
    const host = Buffer.from(`admin.shopify.com/store/${shop.shopDomain.replace(".myshopify.com", "")}`).toString("base64");

    const response = await get(`/auth/session-token?${new URLSearchParams({ shop: shop.shopDomain, host, "shopify-reload": "/app" })}`);

    expect(response.status).toBe(200);
    expect(await response.text()).toContain(`data-api-key="${shop.apiKey}"`);
  });
});
