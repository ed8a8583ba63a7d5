// The embed's first-party cookies (names and formats in app/lib/storefront-contract.ts): the visitor
// id the arm is derived from, and the exposures the web pixel reads to attribute events.
import { COOKIE_MAX_AGE_SECONDS } from "../../../app/lib/storefront-contract";

/** Ids this script or a previous version wrote; anything else is replaced rather than trusted. */
const VISITOR_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

/** `name` is one of the contract's cookie names (no regular-expression characters). */
export function readCookie(cookieHeader: string, name: string): string | null {
  const match = new RegExp(`(?:^|;)\\s*${name}=([^;]*)`).exec(cookieHeader);
  return match ? match[1].trim() : null;
}

/**
 * A `document.cookie` assignment. Lax keeps the cookie on top-level navigations from other sites
 * (ads, emails) so a returning visitor keeps their arm; Secure whenever the page is https.
 */
export function formatCookie(name: string, value: string, secure: boolean): string {
  return `${name}=${value}; path=/; max-age=${COOKIE_MAX_AGE_SECONDS}; SameSite=Lax${secure ? "; Secure" : ""}`;
}

export function isVisitorId(value: string | null): value is string {
  return value !== null && VISITOR_ID_PATTERN.test(value);
}

type RandomSource = Partial<Pick<Crypto, "randomUUID" | "getRandomValues">>;

/**
 * A random v4 UUID. `crypto.randomUUID` exists only in secure contexts (not on plain-http pages) and
 * browsers since 2021; `getRandomValues` exists in every browser that runs this ES2017 script.
 */
export function createVisitorId(random: RandomSource): string {
  if (typeof random.randomUUID === "function") return random.randomUUID();
  const nibbles = random.getRandomValues!(new Uint8Array(31));
  let next = 0;
  // x: a random hex digit; 4: the version; y: the RFC 4122 variant (8–b).
  return "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, (char) => {
    const nibble = nibbles[next++] & 15;
    return (char === "x" ? nibble : (nibble & 3) | 8).toString(16);
  });
}
