import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import prisma from "../db.server";
import { jsonError } from "../lib/api-error";
import { redactCustomerOrders } from "../services/shopify/shop-lifecycle";
import { authenticate } from "../shopify.server";

const payloadSchema = z.object({ orders_to_redact: z.array(z.union([z.number(), z.string()])).default([]) });

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, payload } = await authenticate.webhook(request);
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) return jsonError(400, "invalid_payload", "orders_to_redact must be a list of order ids");
  await redactCustomerOrders(prisma, shop, parsed.data.orders_to_redact);
  return new Response(null, { status: 200 });
};
