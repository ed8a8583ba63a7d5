import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleTrackRequest } from "../services/tracking/handle-track-request";
import { getTrackingDeps } from "../tracking.server";

// Public endpoint for the web pixel (no Shopify auth: the shop and test are checked per event).
// Remix routes OPTIONS (the CORS preflight) and GET to the loader, POST to the action.
export const action = ({ request }: ActionFunctionArgs) => handleTrackRequest(request, getTrackingDeps());
export const loader = ({ request }: LoaderFunctionArgs) => handleTrackRequest(request, getTrackingDeps());
