// Reading an embedded-admin session token before Shopify's library verifies it. The token's own
// `dest` names the shop it was issued for, and only that shop's credential may verify it (a PRIVATE
// merchant knows its own secret and could otherwise sign a token for any shop). Pure: no I/O.
import { createHmac, timingSafeEqual } from "node:crypto";

/** The session token the library will verify: the Authorization header first, else `?id_token=`
 * (same precedence and parsing as shopify-app-remix, so both read the very same token). */
export function readSessionToken(request: Request): string | null {
  const header = request.headers.get("authorization")?.replace("Bearer ", "");
  return header || new URL(request.url).searchParams.get("id_token") || null;
}

/** The shop named by the token's `dest` claim (the hostname, as the library derives session.shop), or
 * null when the token is not a readable JWT with a dest URL. Unverified: used to pick the credential. */
export function readTokenDest(token: string): string | null {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const { dest } = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { dest?: unknown };
    return typeof dest === "string" ? new URL(dest).hostname.toLowerCase() || null : null;
  } catch {
    return null;
  }
}

/** True when the token is an HS256 JWT signed with `secret`. Expiry and audience stay the library's
 * job: a correctly signed but expired token must still reach it, to be bounced for a fresh one. */
export function isSignedWith(token: string, secret: string): boolean {
  const parts = token.split(".");
  if (parts.length !== 3) return false;
  const [header, payload, signature] = parts;
  try {
    const { alg } = JSON.parse(Buffer.from(header, "base64url").toString("utf8")) as { alg?: unknown };
    if (alg !== "HS256") return false;
  } catch {
    return false;
  }
  const expected = createHmac("sha256", secret).update(`${header}.${payload}`).digest();
  const actual = Buffer.from(signature, "base64url");
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
