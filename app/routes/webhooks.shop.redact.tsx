import type { ActionFunctionArgs } from "@remix-run/node";
import prisma from "../db.server";
import { redactShop } from "../services/shopify/shop-lifecycle";
import { authenticate } from "../shopify.server";
import { getObjectStore } from "../storage.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await authenticate.webhook(request);
  await redactShop(prisma, getObjectStore(), shop);
  return new Response(null, { status: 200 });
};
