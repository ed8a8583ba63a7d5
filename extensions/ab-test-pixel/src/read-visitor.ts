// Reads what the theme app embed recorded in first-party cookies. Read on every event rather than
// once: the embed adds an exposure on each tested product page the visitor opens.
import type { BrowserCookie } from "@shopify/web-pixels-extension";
import { decodeExposures, EXPOSURE_COOKIE, VISITOR_COOKIE } from "../../../app/lib/storefront-contract";
import type { Visitor } from "./build-events";

/** Longer values are not ids the embed wrote; capping them keeps every request small. */
const MAX_VISITOR_ID_LENGTH = 128;

/** The visitor, or null when there is nothing to attribute (no id, or no exposure at all). */
export async function readVisitor(cookie: Pick<BrowserCookie, "get">): Promise<Visitor | null> {
  const [visitorCookie, exposureCookie] = await Promise.all([cookie.get(VISITOR_COOKIE), cookie.get(EXPOSURE_COOKIE)]);
  // The sandbox answers "" for a missing cookie.
  const visitorId = (visitorCookie ?? "").trim();
  if (!visitorId || visitorId.length > MAX_VISITOR_ID_LENGTH) return null;
  const exposures = decodeExposures(exposureCookie);
  return exposures.length > 0 ? { visitorId, exposures } : null;
}
