// Runs after every successful authentication (afterAuth): records what the shop is from the Admin API
// and links the session to its credential by foreign key, so no later lookup matches domain strings.
import type { PrismaClient, ShopCredential } from "@prisma/client";
import type { AdminClient } from "./admin-client";
import { SHOP_INFO } from "./admin-operations";

export interface RecordShopInstallInput {
  sessionId: string;
  sessionShop: string;
  apiKey: string;
}

export async function recordShopInstall(prisma: PrismaClient, admin: AdminClient, input: RecordShopInstallInput): Promise<ShopCredential> {
  const { shop } = await admin.request(SHOP_INFO);
  const details = {
    myshopifyDomain: shop.myshopifyDomain,
    primaryDomain: shop.primaryDomain.host,
    ianaTimezone: shop.ianaTimezone,
    currencyCode: shop.currencyCode,
    status: "ACTIVE" as const,
  };
  // A credential may have been configured under the shop's custom (primary) domain before linking.
  const existing = await prisma.shopCredential.findFirst({
    where: {
      OR: [
        { myshopifyDomain: shop.myshopifyDomain },
        { shopDomain: { in: [shop.myshopifyDomain, input.sessionShop, shop.primaryDomain.host] } },
      ],
    },
    orderBy: { myshopifyDomain: { sort: "asc", nulls: "last" } },
  });
  return prisma.$transaction(async (tx) => {
    const credential = existing
      ? await tx.shopCredential.update({ where: { id: existing.id }, data: details })
      : await tx.shopCredential.create({ data: { shopDomain: input.sessionShop, apiKey: input.apiKey, mode: "PUBLIC", ...details } });
    await tx.session.update({ where: { id: input.sessionId }, data: { shopId: credential.id } });
    return credential;
  });
}
