// The settings page: the web pixel's state on the shop and what the theme app embed needs.
import type { PrismaClient } from "@prisma/client";
import type { AdminClient } from "./admin-client";
import { readWebPixelStatus } from "./activate-web-pixel";
import { getPixelHealth } from "../tracking/get-pixel-health";

/** The theme app embed's block handle (extensions/ab-test-embed/blocks/ab-test-embed.liquid). */
export const EMBED_BLOCK_HANDLE = "ab-test-embed";

export async function getPixelSettingsPage(prisma: PrismaClient, admin: AdminClient, shopId: string, options: { appUrl: string; apiKey: string }) {
  const [shop, status, health] = await Promise.all([
    prisma.shopCredential.findUniqueOrThrow({ where: { id: shopId }, select: { shopDomain: true, myshopifyDomain: true } }),
    readWebPixelStatus(admin, { appUrl: options.appUrl }).catch((error: Error) => ({ exists: false, problems: [error.message] })),
    getPixelHealth(prisma, [shopId]),
  ]);
  const domain = shop.myshopifyDomain ?? shop.shopDomain;
  const pixel = health.get(shopId)!;
  return {
    pixel: { exists: status.exists, problems: status.problems },
    events: { last24h: pixel.eventsLast24h, last7d: pixel.eventsLast7d, lastEventAt: pixel.lastEventAt?.toISOString() ?? null },
    themeEditorUrl: `https://${domain}/admin/themes/current/editor?context=apps&template=product&activateAppId=${encodeURIComponent(options.apiKey)}/${EMBED_BLOCK_HANDLE}`,
  };
}
