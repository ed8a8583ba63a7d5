// What the app does when a shop leaves: uninstall keeps statistics history, shop/redact (48 h after
// uninstall, GDPR) erases everything the app holds about the shop, customers/redact erases the
// purchase events of the named orders.
import type { PrismaClient } from "@prisma/client";
import type { ObjectStore } from "../storage/object-store";
import { findShopCredential } from "./shop-credentials";

export async function disableUninstalledShop(prisma: PrismaClient, shop: string) {
  const credential = await findShopCredential(prisma, shop);
  return prisma.$transaction(async (tx) => {
    const sessions = await tx.session.deleteMany({
      where: credential ? { OR: [{ shopId: credential.id }, { shop }] } : { shop },
    });
    if (credential) await tx.shopCredential.update({ where: { id: credential.id }, data: { status: "DISABLED" } });
    return { sessionsDeleted: sessions.count, credentialDisabled: Boolean(credential) };
  });
}

export async function redactShop(prisma: PrismaClient, objects: ObjectStore, shop: string) {
  const credential = await findShopCredential(prisma, shop);
  let objectsDeleted = 0;
  if (credential) {
    for (const prefix of [`product-images/${credential.id}/`, `statistics-exports/${credential.id}/`]) {
      objectsDeleted += await objects.deletePrefix(prefix);
    }
  }
  const sessionsDeleted = await prisma.$transaction(async (tx) => {
    const sessions = await tx.session.deleteMany({
      where: credential ? { OR: [{ shopId: credential.id }, { shop }] } : { shop },
    });
    // Tests, events, exports, statistics and image backups go with the credential (ON DELETE CASCADE).
    if (credential) await tx.shopCredential.delete({ where: { id: credential.id } });
    return sessions.count;
  });
  return { credentialDeleted: Boolean(credential), sessionsDeleted, objectsDeleted };
}

export async function redactCustomerOrders(prisma: PrismaClient, shop: string, orderIds: (string | number)[]) {
  const credential = await findShopCredential(prisma, shop);
  if (!credential || orderIds.length === 0) return { eventsDeleted: 0 };
  const ids = orderIds.flatMap((id) => [String(id), `gid://shopify/Order/${id}`]);
  const { count } = await prisma.aBTestEvent.deleteMany({ where: { shopId: credential.id, orderId: { in: ids } } });
  return { eventsDeleted: count };
}
