import type { ActionFunctionArgs } from "@remix-run/node";
import prisma from "../db.server";
import { jsonError } from "../lib/api-error";
import { getOrderDeps } from "../orders.server";
import { recordOrder } from "../services/orders/record-order";
import { authenticate } from "../shopify.server";

// Shopify's own order verifies the purchases the pixel claimed (ADR 008). authenticate.webhook checks the
// HMAC with the shop's own credential (401 otherwise) before anything is read.
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, payload } = await authenticate.webhook(request);
  let result: Awaited<ReturnType<typeof recordOrder>>;
  try {
    result = await recordOrder(prisma, shop, payload, new Date(getOrderDeps().now()));
  } catch (error) {
    // The payload was valid, so this is the database: Shopify redelivers a webhook answered non-2xx,
    // and storing it is idempotent.
    console.error("[orders/create] order not stored:", (error as Error)?.name ?? "error");
    return jsonError(503, "unavailable", "The order could not be stored now; deliver it again later.", { "Retry-After": "30" });
  }
  if (!result.ok) return jsonError(400, "invalid_payload", result.message);
  return new Response(null, { status: 200 });
};
