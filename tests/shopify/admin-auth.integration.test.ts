import { describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { loader as appLoader } from "../../app/routes/app";
import { loader as dashboardLoader } from "../../app/routes/app._index";
import { createInstalledShop } from "../support/shops";
import { adminRequest, respond } from "../support/shopify-requests";

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

  it("GIVEN a document request whose id_token has the wrong signature THEN no data is returned and it is bounced for a fresh token", async () => {
    const shop = await createInstalledShop(prisma);
    const request = await adminRequest("/app", shop.shopDomain, shop.apiKey, "not-the-app-secret");

    const response = (await respond(() => dashboardLoader(args(request)))) as Response;

    expect(response).toBeInstanceOf(Response);
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
});
