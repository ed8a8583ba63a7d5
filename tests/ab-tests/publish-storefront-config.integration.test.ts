import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import type { StorefrontConfig } from "../../app/lib/storefront-contract";
import { publishStorefrontConfig } from "../../app/services/ab-tests/publish-storefront-config";
import { createAdminClient } from "../../app/services/shopify/admin-client";
import { startFakeAdminApi, type FakeAdminApi } from "../fake-shopify/fake-admin-api";
import { createABTest } from "../support/ab-tests";
import { createInstalledShop } from "../support/shops";

let fake: FakeAdminApi;
beforeAll(async () => {
  fake = await startFakeAdminApi();
});
afterAll(() => fake.close());

describe("publishStorefrontConfig", () => {
  it("GIVEN active, paused and draft tests THEN only the active ones are written to the app-owned metafield", async () => {
    const shop = await createInstalledShop(prisma);
    fake.addShop({ domain: shop.shopDomain, accessToken: shop.accessToken });
    const active = await createABTest(prisma, shop.shopId, { productId: "gid://shopify/Product/111", trafficSplit: 30 });
    await createABTest(prisma, shop.shopId, { productId: "gid://shopify/Product/222", status: "PAUSED" });
    await createABTest(prisma, shop.shopId, { productId: "gid://shopify/Product/333", status: "DRAFT" });
    const admin = createAdminClient({ shop: shop.shopDomain, accessToken: shop.accessToken }, { origin: fake.origin });

    await publishStorefrontConfig(prisma, admin, shop.shopId);

    const stored = fake.getShop(shop.shopDomain).metafields.find((metafield) => metafield.key === "config");
    expect(stored).toMatchObject({ namespace: "ab_image_tests", type: "json" });
    const config = JSON.parse(stored!.value) as StorefrontConfig;
    expect(config).toEqual({
      v: 1,
      tests: [{ id: active.id, product: "111", split: 30, control: [{ media: "1", url: "https://cdn.example/a.png" }], treatment: [{ media: "2", url: "https://cdn.example/b.png" }] }],
    });
    expect(fake.rejectedQueries).toEqual([]);
  });
});
