// Writes the shop's running tests to the app-owned metafield the theme app embed renders inline, so the
// storefront never calls the app to learn which images to show. Called whenever a test starts, pauses,
// resumes or ends.
import type { PrismaClient } from "@prisma/client";
import { buildStorefrontConfig, type TestImage } from "../../lib/storefront-config";
import { CONFIG_METAFIELD } from "../../lib/storefront-contract";
import type { AdminClient } from "../shopify/admin-client";
import { CURRENT_APP_INSTALLATION, METAFIELDS_SET } from "../shopify/admin-operations";

export class StorefrontConfigRejectedError extends Error {
  constructor(readonly userErrors: { message: string; code: string | null }[]) {
    super(`Shopify refused the storefront configuration: ${userErrors.map((error) => error.message).join("; ")}`);
    this.name = "StorefrontConfigRejectedError";
  }
}

export async function publishStorefrontConfig(prisma: PrismaClient, admin: AdminClient, shopId: string) {
  const tests = await prisma.aBTest.findMany({
    where: { shopId, status: "ACTIVE" },
    select: { id: true, productId: true, trafficSplit: true, controlImages: true, treatmentImages: true },
  });
  const { config, json } = buildStorefrontConfig(
    tests.map((test) => ({ ...test, controlImages: test.controlImages as unknown as TestImage[], treatmentImages: test.treatmentImages as unknown as TestImage[] })),
  );
  const { currentAppInstallation } = await admin.request(CURRENT_APP_INSTALLATION);
  const { metafieldsSet } = await admin.request(METAFIELDS_SET, {
    metafields: [{ ownerId: currentAppInstallation.id, ...CONFIG_METAFIELD, value: json }],
  });
  if (metafieldsSet.userErrors.length > 0) throw new StorefrontConfigRejectedError(metafieldsSet.userErrors);
  return config;
}
