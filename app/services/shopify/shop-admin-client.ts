// The Admin API client for a shop, from its offline session found through Session.shopId (the FK set
// on install), never by matching domain strings: a shop configured under a custom domain still works.
import type { PrismaClient } from "@prisma/client";
import { createAdminClient, type AdminClient, type AdminClientOptions } from "./admin-client";

export class MissingSessionError extends Error {
  constructor(readonly shopId: string) {
    super(`No offline session is linked to shop ${shopId}; reinstall the app or run link:sessions`);
    this.name = "MissingSessionError";
  }
}

export async function createShopAdminClient(prisma: PrismaClient, shopId: string, options: AdminClientOptions = {}): Promise<AdminClient> {
  const session = await prisma.session.findFirst({
    where: { shopId, isOnline: false, OR: [{ expires: null }, { expires: { gt: new Date() } }] },
    orderBy: { expires: { sort: "desc", nulls: "first" } },
    select: { shop: true, accessToken: true },
  });
  if (!session) throw new MissingSessionError(shopId);
  return createAdminClient({ shop: session.shop, accessToken: session.accessToken }, options);
}
