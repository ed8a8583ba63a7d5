import type { ABTestStatus, PrismaClient } from "@prisma/client";

export async function createABTest(
  prisma: PrismaClient,
  shopId: string,
  options: { productId?: string; status?: ABTestStatus; trafficSplit?: number } = {},
) {
  return prisma.aBTest.create({
    data: {
      shopId,
      productId: options.productId ?? "gid://shopify/Product/111",
      name: "Hero image",
      status: options.status ?? "ACTIVE",
      trafficSplit: options.trafficSplit ?? 50,
      controlImages: [{ mediaId: "gid://shopify/MediaImage/1", url: "https://cdn.example/a.png" }],
      treatmentImages: [{ mediaId: "gid://shopify/MediaImage/2", url: "https://cdn.example/b.png" }],
      startedAt: options.status === "DRAFT" ? null : new Date(),
    },
  });
}
