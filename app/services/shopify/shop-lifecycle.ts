// What the app does when a shop leaves: uninstall keeps statistics history, shop/redact (48 h after
// uninstall, GDPR) erases everything the app holds about the shop, customers/redact erases the
// purchase events (claims and verified purchases) and the stored order lines of the named orders.
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

/** Erases the shop in whatever state it is in: ACTIVE, DISABLED (uninstalled), or partly erased by an
 * earlier attempt (objects gone, sessions gone, credential gone). Every credential row under either of
 * the shop's domains goes, so a re-run finds nothing left and succeeds. */
export async function redactShop(prisma: PrismaClient, objects: ObjectStore, shop: string) {
  const credentials = await prisma.shopCredential.findMany({ where: { OR: [{ myshopifyDomain: shop }, { shopDomain: shop }] }, select: { id: true } });
  const ids = credentials.map((credential) => credential.id);
  let objectsDeleted = 0;
  // Objects first: should this fail, the rows that name their prefixes are still there for the retry.
  for (const id of ids) {
    for (const prefix of [`product-images/${id}/`, `statistics-exports/${id}/`]) objectsDeleted += await objects.deletePrefix(prefix);
  }
  const sessionsDeleted = await prisma.$transaction(async (tx) => {
    const sessions = await tx.session.deleteMany({ where: { OR: [{ shopId: { in: ids } }, { shop }] } });
    // Tests, events, order lines, exports, statistics and image backups go with the credential (ON DELETE CASCADE).
    await tx.shopCredential.deleteMany({ where: { id: { in: ids } } });
    return sessions.count;
  });
  return { credentialDeleted: ids.length > 0, sessionsDeleted, objectsDeleted };
}

export async function redactCustomerOrders(prisma: PrismaClient, shop: string, orderIds: (string | number)[]) {
  const credential = await findShopCredential(prisma, shop);
  if (!credential || orderIds.length === 0) return { eventsDeleted: 0 };
  const ids = orderIds.flatMap((id) => [String(id), `gid://shopify/Order/${id}`]);
  const [lines, events] = await prisma.$transaction([
    prisma.verifiedOrderLine.deleteMany({ where: { shopId: credential.id, orderId: { in: ids } } }),
    prisma.aBTestEvent.deleteMany({ where: { shopId: credential.id, orderId: { in: ids } } }),
  ]);
  return { eventsDeleted: events.count, orderLinesDeleted: lines.count };
}
