// Creates a DRAFT test for one of the shop's products: control = the product's images as they are
// shown today, treatment = the merchant's chosen images from the same product's media, in order.
import type { PrismaClient } from "@prisma/client";
import type { TestImage } from "../../lib/storefront-config";
import type { AdminClient } from "../shopify/admin-client";
import { PRODUCT_MEDIA } from "../shopify/admin-operations";

export interface CreateAbTestInput {
  productId: string;
  name: string;
  trafficSplit: number;
  treatmentMediaIds: string[];
}

export type CreateAbTestResult = { ok: true; testId: string } | { ok: false; errors: Partial<Record<keyof CreateAbTestInput, string>> };

export async function createAbTest(prisma: PrismaClient, admin: AdminClient, shopId: string, input: CreateAbTestInput): Promise<CreateAbTestResult> {
  const { product } = await admin.request(PRODUCT_MEDIA, { id: input.productId });
  if (!product) return { ok: false, errors: { productId: "This product no longer exists in your store." } };
  const images = new Map<string, TestImage>();
  for (const node of product.media.nodes) {
    if (node.image) images.set(node.id, { mediaId: node.id, url: node.image.url, altText: node.image.altText, width: node.image.width, height: node.image.height });
  }
  const control = [...images.values()];
  if (control.length === 0) return { ok: false, errors: { productId: "This product has no images to test." } };
  const unknown = input.treatmentMediaIds.filter((id) => !images.has(id));
  if (unknown.length > 0) return { ok: false, errors: { treatmentMediaIds: "Choose images of this product only." } };
  const treatment = input.treatmentMediaIds.map((id) => images.get(id)!);
  if (treatment.map((image) => image.mediaId).join() === control.map((image) => image.mediaId).join()) {
    return { ok: false, errors: { treatmentMediaIds: "The treatment shows the same images in the same order as today; change the selection or the order." } };
  }
  const test = await prisma.aBTest.create({
    data: {
      shopId,
      productId: product.id,
      name: input.name,
      trafficSplit: input.trafficSplit,
      controlImages: control as object[],
      treatmentImages: treatment as object[],
    },
    select: { id: true },
  });
  return { ok: true, testId: test.id };
}
