import type { ActionFunctionArgs } from "@remix-run/node";
import prisma from "../db.server";
import { disableUninstalledShop } from "../services/shopify/shop-lifecycle";
import { authenticate } from "../shopify.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await authenticate.webhook(request);
  await disableUninstalledShop(prisma, shop);
  return new Response(null, { status: 200 });
};
