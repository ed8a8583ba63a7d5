import { getJwt } from "@shopify/shopify-api/test-helpers";
import { describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { getEnv } from "../../app/env.server";
import { saveShopCredential } from "../../app/services/shopify/shop-credentials";
import { SHOPIFY_APP_CACHE_CAPACITY, shopifyAppForShop } from "../../app/shopify.server";
import { loader as appLoader } from "../../app/routes/app";
import { loader as dashboardLoader } from "../../app/routes/app._index";
import { createInstalledShop } from "../support/shops";
import { adminRequest, embeddedQuery, respond } from "../support/shopify-requests";

const args = (request: Request) => ({ request, params: {}, context: {} });

describe("admin authentication (/app)", () => {
  it("GIVEN an installed shop WHEN a request carries a valid signed id_token THEN the /app loaders answer with that shop's data", async () => {
    const shop = await createInstalledShop(prisma);
    await prisma.aBTest.create({
      data: { shopId: shop.shopId, productId: "gid://shopify/Product/1", name: "Hero", status: "ACTIVE", controlImages: [], treatmentImages: [] },
    });
    const request = await adminRequest("/app", shop.shopDomain, shop.apiKey, shop.apiSecret);

    const layout = await appLoader(args(request));
    const summary = await dashboardLoader(args(request));

    expect(layout).toEqual({ apiKey: shop.apiKey });
    expect(summary.shop).toBe(shop.shopDomain);
    expect(summary.tests.map((test) => [test.name, test.status])).toEqual([["Hero", "ACTIVE"]]);
  });

  it("GIVEN a document request whose id_token has the wrong signature THEN 401 with the error shape and no data", async () => {
    const shop = await createInstalledShop(prisma);
    const request = await adminRequest("/app", shop.shopDomain, shop.apiKey, "not-the-app-secret");

    const response = (await respond(() => dashboardLoader(args(request)))) as Response;

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: { code: "invalid_session_token", message: expect.any(String) } });
  });

  it("GIVEN a document request whose correctly signed id_token has expired THEN it is bounced for a fresh token", async () => {
    const shop = await createInstalledShop(prisma);
    const expired = (await getJwt(shop.shopDomain.replace(".myshopify.com", ""), shop.apiKey, shop.apiSecret, { exp: Date.now() / 1000 - 600 })).token;
    const request = new Request(`http://127.0.0.1:3000/app?${embeddedQuery(shop.shopDomain, expired)}`);

    const response = (await respond(() => dashboardLoader(args(request)))) as Response;

    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toMatch(/^\/auth\/session-token\?/);
  });

  it("GIVEN a fetch request whose bearer token has the wrong signature THEN it answers 401", async () => {
    const shop = await createInstalledShop(prisma);
    const signed = await adminRequest("/app", shop.shopDomain, shop.apiKey, "not-the-app-secret");
    const token = new URL(signed.url).searchParams.get("id_token");
    const request = new Request("http://127.0.0.1:3000/app", { headers: { Authorization: `Bearer ${token}` } });

    const response = (await respond(() => dashboardLoader(args(request)))) as Response;

    expect(response.status).toBe(401);
  });

  it("GIVEN a token for another app (wrong audience) THEN the request is refused", async () => {
    const shop = await createInstalledShop(prisma);
    const request = await adminRequest("/app", shop.shopDomain, "another-apps-key", shop.apiSecret);

    const response = await respond(() => dashboardLoader(args(request)));

    expect(response).toBeInstanceOf(Response);
  });

  it("GIVEN a PRIVATE credential WHEN a token is signed with that app's own secret THEN it is accepted, and the public secret is not", async () => {
    const shop = await createInstalledShop(prisma, { mode: "PRIVATE" });
    const good = await adminRequest("/app", shop.shopDomain, shop.apiKey, shop.apiSecret);
    const signedByPublicApp = await adminRequest("/app", shop.shopDomain, shop.apiKey, process.env.SHOPIFY_API_SECRET ?? "local-dev-api-secret");

    expect(await appLoader(args(good))).toEqual({ apiKey: shop.apiKey });
    expect(await respond(() => appLoader(args(signedByPublicApp)))).toBeInstanceOf(Response);
  });

  it("GIVEN an uninstalled (DISABLED) PRIVATE shop reinstalling WHEN its token is signed with its own secret THEN it is accepted, and the public secret is not", async () => {
    const shop = await createInstalledShop(prisma, { mode: "PRIVATE" });
    await prisma.shopCredential.update({ where: { id: shop.shopId }, data: { status: "DISABLED" } });
    const good = await adminRequest("/app", shop.shopDomain, shop.apiKey, shop.apiSecret);
    const signedByPublicApp = await adminRequest("/app", shop.shopDomain, getEnv().SHOPIFY_API_KEY, getEnv().SHOPIFY_API_SECRET);

    expect(await appLoader(args(good))).toEqual({ apiKey: shop.apiKey });
    expect(((await respond(() => appLoader(args(signedByPublicApp)))) as Response).status).toBe(401);
  });

  it("GIVEN a session linked to another shop's credential WHEN its own shop's genuine token arrives THEN 401, not the other shop's data", async () => {
    const [shop, other] = await Promise.all([createInstalledShop(prisma), createInstalledShop(prisma, { mode: "PRIVATE" })]);
    await prisma.aBTest.create({ data: { shopId: other.shopId, productId: "gid://shopify/Product/1", name: "Other's", status: "ACTIVE", controlImages: [], treatmentImages: [] } });
    await prisma.session.update({ where: { id: shop.sessionId }, data: { shopId: other.shopId } });

    const signed = await adminRequest("/app", shop.shopDomain, shop.apiKey, shop.apiSecret);
    const answer = (await respond(() => dashboardLoader(args(signed)))) as Response;

    expect(answer.status).toBe(401);
    expect(await answer.json()).toEqual({ error: { code: "shop_mismatch", message: expect.any(String) } });
  });
});

describe("the per-credential Shopify app cache", () => {
  it("GIVEN a PRIVATE shop WHEN its credential's secret changes THEN the cached app is replaced: the new secret verifies, the old one no longer does", async () => {
    const shop = await createInstalledShop(prisma, { mode: "PRIVATE" });
    const cache = globalThis.__abtShopifyApps!;
    const before = await shopifyAppForShop(shop.shopDomain);
    expect(await shopifyAppForShop(shop.shopDomain)).toBe(before);
    const size = cache.size;

    await saveShopCredential(prisma, getEnv().keyring, { shopDomain: shop.shopDomain, apiKey: shop.apiKey, apiSecret: "rotated-secret", mode: "PRIVATE" });
    const after = await shopifyAppForShop(shop.shopDomain);
    const withNewSecret = await adminRequest("/app", shop.shopDomain, shop.apiKey, "rotated-secret");
    const withOldSecret = await adminRequest("/app", shop.shopDomain, shop.apiKey, shop.apiSecret);

    expect(after).not.toBe(before);
    expect(cache.size).toBe(size);
    expect(cache.capacity).toBe(SHOPIFY_APP_CACHE_CAPACITY);
    expect(await appLoader(args(withNewSecret))).toEqual({ apiKey: shop.apiKey });
    expect(((await respond(() => appLoader(args(withOldSecret)))) as Response).status).toBe(401);
  });
});
