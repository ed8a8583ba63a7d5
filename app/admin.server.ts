// What every embedded-admin loader and action starts with: the authenticated session, the shop it is
// linked to (Session.shopId, set on install) and an Admin API client for it. Every read and write
// below is scoped to that shopId, which must be the very credential the session's shop resolves to.
import prisma from "./db.server";
import { getEnv } from "./env.server";
import { jsonError } from "./lib/api-error";
import { NotFoundError } from "./services/ab-tests/ab-test-errors";
import { createAdminClient } from "./services/shopify/admin-client";
import { authenticate } from "./shopify.server";

export async function authenticateShop(request: Request) {
  const { session, redirect, credentialId } = await authenticate.admin(request);
  const link = await prisma.session.findUnique({ where: { id: session.id }, select: { shopId: true } });
  if (!link?.shopId) throw jsonError(403, "shop_not_linked", "This shop is not linked to the app yet; reopen the app from your Shopify admin.");
  // Defence in depth: a session linked to another shop's credential than the one its shop resolves to
  // would scope every query below to that other shop.
  if (link.shopId !== credentialId) {
    console.error(JSON.stringify({ event: "admin_session_link_mismatch", shop: session.shop, sessionId: session.id }));
    throw jsonError(401, "shop_mismatch", "This session is not linked to its own shop.");
  }
  const admin = createAdminClient({ shop: session.shop, accessToken: session.accessToken! }, { origin: getEnv().SHOPIFY_ADMIN_API_ORIGIN });
  return { session, shopId: link.shopId, admin, redirect };
}

/** Runs a shop-scoped service call, answering 404 when the record is not the shop's (or absent). */
export async function orNotFound<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof NotFoundError) throw jsonError(404, "not_found", error.message);
    throw error;
  }
}
