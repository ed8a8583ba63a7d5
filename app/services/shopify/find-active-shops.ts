// The ACTIVE shops an operation covers: all of them, or those named by any of their domains
// (myshopify, configured or primary). Operators paste admin URLs as often as bare domains.
import type { PrismaClient, ShopCredential } from "@prisma/client";

export function normalizeShopDomain(input: string): string {
  return input.trim().toLowerCase().replace(/^https?:\/\//, "").replace(/\/.*$/, "");
}

export async function findActiveShops(prisma: PrismaClient, domains?: string[]): Promise<{ shops: ShopCredential[]; unknownDomains: string[] }> {
  const wanted = domains?.map(normalizeShopDomain);
  const shops = await prisma.shopCredential.findMany({
    where: {
      status: "ACTIVE",
      ...(wanted ? { OR: [{ shopDomain: { in: wanted } }, { myshopifyDomain: { in: wanted } }, { primaryDomain: { in: wanted } }] } : {}),
    },
    orderBy: { shopDomain: "asc" },
  });
  const unknownDomains = (wanted ?? []).filter((domain) => !shops.some((shop) => [shop.shopDomain, shop.myshopifyDomain, shop.primaryDomain].includes(domain)));
  return { shops, unknownDomains };
}
