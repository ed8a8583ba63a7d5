import type { ActionFunctionArgs } from "@remix-run/node";
import { authenticate } from "../shopify.server";

// The app stores no customer identity (visitor ids are random first-party cookie values and events
// hold only order ids), so there is nothing to hand over; acknowledging is the whole job.
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, topic } = await authenticate.webhook(request);
  console.info(JSON.stringify({ event: "compliance_webhook", topic, shop }));
  return new Response(null, { status: 200 });
};
