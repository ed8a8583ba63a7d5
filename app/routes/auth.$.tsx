// Shopify's auth paths other than the login page (/auth, /auth/callback, /auth/session-token,
// /auth/exit-iframe) go to authenticate.admin. A resource route (no page): the library answers with a
// redirect or a page of its own (the App Bridge bounce and exit-iframe pages), which must reach the
// browser as they are rather than through an error boundary.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { jsonError } from "../lib/api-error";
import { authenticate } from "../shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  return null;
};

// Only the login page (auth.login.tsx) takes a POST.
export const action = () => jsonError(405, "method_not_allowed", "This auth path only answers GET.", { Allow: "GET" });
