// What every embedded-admin loader and action starts with: the authenticated session, the shop it is
// linked to (Session.shopId, set on install) and an Admin API client for it. Every read and write
// below is scoped to that shopId.
import prisma from "./db.server";
import { getEnv } from "./env.server";
import { NotFoundError } from "./services/ab-tests/ab-test-errors";
import { createAdminClient } from "./services/shopify/admin-client";
import { authenticate } from "./shopify.server";

export async function authenticateShop(request: Request) {
  const { session, redirect } = await authenticate.admin(request);
  const link = await prisma.session.findUnique({ where: { id: session.id }, select: { shopId: true } });
  if (!link?.shopId) throw Response.json({ error: { code: "shop_not_linked", message: "This shop is not linked to the app yet; reopen the app from your Shopify admin." } }, { status: 403 });
  const admin = createAdminClient({ shop: session.shop, accessToken: session.accessToken! }, { origin: getEnv().SHOPIFY_ADMIN_API_ORIGIN });
  return { session, shopId: link.shopId, admin, redirect };
}

/** Runs a shop-scoped service call, answering 404 when the record is not the shop's (or absent). */
export async function orNotFound<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof NotFoundError) throw Response.json({ error: { code: "not_found", message: error.message } }, { status: 404 });
    throw error;
  }
}
