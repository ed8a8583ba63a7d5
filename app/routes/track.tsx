import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleTrackRequest } from "../services/tracking/handle-track-request";
import { getTrackingDeps } from "../tracking.server";

// Public endpoint for the web pixel (no Shopify auth: the shop and test are checked per event).
// Remix routes OPTIONS (the CORS preflight) and GET to the loader, POST to the action.
// The app's server passes the socket's address as load context; on Vercel there is none and the
// contract takes Vercel's own header instead.
const remoteAddressOf = (context: unknown) => (context as { remoteAddress?: string | null } | undefined)?.remoteAddress ?? null;
export const action = ({ request, context }: ActionFunctionArgs) => handleTrackRequest(request, getTrackingDeps(), remoteAddressOf(context));
export const loader = ({ request, context }: LoaderFunctionArgs) => handleTrackRequest(request, getTrackingDeps(), remoteAddressOf(context));
