// afterAuth: record the shop, then make sure its web pixel points at this app. The pixel is best
// effort: a shop that has not granted the pixel scopes yet must still be able to install and open the
// app, and operators repair pixels later with `bun run activate:pixels`.
import type { PrismaClient, ShopCredential } from "@prisma/client";
import type { AdminClient } from "./admin-client";
import { activateWebPixel, type ActivateWebPixelResult } from "./activate-web-pixel";
import { recordShopInstall, type RecordShopInstallInput } from "./record-shop-install";

export interface ShopInstalledInput extends RecordShopInstallInput {
  /** SHOPIFY_APP_URL: where the pixel sends its events. */
  appUrl: string;
}

export interface ShopInstalledResult {
  credential: ShopCredential;
  /** Null when activation failed (already logged). */
  pixel: ActivateWebPixelResult | null;
}

export async function onShopInstalled(
  prisma: PrismaClient,
  admin: AdminClient,
  input: ShopInstalledInput,
  logger: Pick<Console, "warn"> = console,
): Promise<ShopInstalledResult> {
  const credential = await recordShopInstall(prisma, admin, input);
  try {
    return { credential, pixel: await activateWebPixel(admin, { appUrl: input.appUrl }) };
  } catch (error) {
    logger.warn(
      JSON.stringify({
        event: "web_pixel_activation_failed",
        shop: admin.shop,
        shopId: credential.id,
        error: error instanceof Error ? error.message : String(error),
        errorName: error instanceof Error ? error.name : undefined,
      }),
    );
    return { credential, pixel: null };
  }
}
