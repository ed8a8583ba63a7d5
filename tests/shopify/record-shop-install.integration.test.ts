import { setUpValidSession } from "@shopify/shopify-api/test-helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { createAdminClient } from "../../app/services/shopify/admin-client";
import { recordShopInstall } from "../../app/services/shopify/record-shop-install";
import { sessionStorage } from "../../app/shopify.server";
import { startFakeAdminApi, type FakeAdminApi } from "../fake-shopify/fake-admin-api";
import { uniqueShopDomain } from "../support/shops";

let fake: FakeAdminApi;
beforeAll(async () => {
  fake = await startFakeAdminApi();
});
afterAll(() => fake.close());

async function installSession(domain: string, primaryDomainHost: string) {
  fake.addShop({ domain, ianaTimezone: "America/New_York", currencyCode: "USD", primaryDomainHost });
  const session = setUpValidSession({ shop: domain, expires: undefined, isOnline: false, accessToken: `shpat_test_${domain}` });
  await sessionStorage.storeSession(session);
  const admin = createAdminClient({ shop: domain, accessToken: session.accessToken! }, { origin: fake.origin });
  return { session, admin };
}

describe("recordShopInstall (afterAuth)", () => {
  it("GIVEN a first install THEN a PUBLIC credential is created from the Admin API's shop and the session is linked by FK", async () => {
    const domain = uniqueShopDomain();
    const { session, admin } = await installSession(domain, `www.${domain.split(".")[0]}.example`);

    const credential = await recordShopInstall(prisma, admin, { sessionId: session.id, sessionShop: domain, apiKey: "public-key" });

    expect(credential).toMatchObject({
      shopDomain: domain,
      myshopifyDomain: domain,
      primaryDomain: `www.${domain.split(".")[0]}.example`,
      ianaTimezone: "America/New_York",
      currencyCode: "USD",
      mode: "PUBLIC",
      status: "ACTIVE",
    });
    expect((await prisma.session.findUnique({ where: { id: session.id } }))?.shopId).toBe(credential.id);
    expect(fake.rejectedQueries).toEqual([]);
  });

  it("GIVEN a credential configured under the shop's custom domain THEN the install links to it instead of creating another", async () => {
    const domain = uniqueShopDomain();
    const customDomain = `shop-${domain.split(".")[0]}.example.com`;
    const configured = await prisma.shopCredential.create({ data: { shopDomain: customDomain, apiKey: "k", status: "DISABLED" } });
    const { session, admin } = await installSession(domain, customDomain);

    const credential = await recordShopInstall(prisma, admin, { sessionId: session.id, sessionShop: domain, apiKey: "k" });

    expect(credential.id).toBe(configured.id);
    expect(credential).toMatchObject({ myshopifyDomain: domain, status: "ACTIVE" });
    expect(await prisma.shopCredential.count({ where: { OR: [{ shopDomain: domain }, { myshopifyDomain: domain }] } })).toBe(1);
  });
});
