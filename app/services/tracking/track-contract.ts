// The /track contract's limits (DESIGN §4, "Input bounds" and "Client address"), in one place: the
// payload schema (track-payload.ts), the request handler and the column widths of the migration
// 20261208000000_wide_counters are all sized from these numbers. Pure: no I/O.
import { BlockList, isIP } from "node:net";

// ---------------------------------------------------------------------------------------------------
// Input bounds. An event outside them is dropped as `invalid` before any row reaches the writer; an
// envelope outside them (its shop, its event count) is a 400.

export const MAX_EVENTS_PER_REQUEST = 50;

/** Max lengths of the string fields, sized to their use (the columns are TEXT; these keep rows small). */
export const MAX_LENGTH = {
  eventId: 128,
  testId: 64,
  visitorId: 128,
  /** A Shopify id as a numeric string or a GID; only ≤ 20 digits survive numericId(). */
  shopifyId: 64,
  /** Shopify's checkout token (32 hex characters today); a purchase without an order id names it. */
  checkoutToken: 128,
  shopDomain: 255,
} as const;

/** Units of one purchase line: a plausible order line, far from any counter's range. */
export const QUANTITY_MIN = 1;
export const QUANTITY_MAX = 1_000;
/** Lines of one checkout (lineIndex is 0 … MAX_LINE_INDEX). */
export const MAX_LINE_INDEX = 999;
/** Revenue of one purchase line, in cents: 0 … 1,000,000.00 after rounding to 2 decimals. */
export const REVENUE_MAX_CENTS = 100_000_000n;
/** How far a client's clock may place an event in the past; later or future times are clamped to now. */
export const MAX_EVENT_AGE_MS = 24 * 60 * 60 * 1000;

// U+0000–U+001F and U+007F: a NUL is refused by Postgres' text type (it failed a whole group-committed
// INSERT, issue #9) and the others have no business in an id; checked before any trimming.
export function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/**
 * A line's revenue as exactly 2 decimals ("19.99"), rounded half away from zero from at most 4 given
 * decimals, or null when it is not a non-negative decimal within [0, 1,000,000.00]. Decimal strings are
 * rounded in integer arithmetic, so "0.125" is "0.13" and "9999999999.995" is refused, never a float
 * that rounds up past the column.
 */
export function normalizeRevenue(value: string | number): string | null {
  let text: string;
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value < 0 || value > Number(REVENUE_MAX_CENTS) / 100) return null;
    // toFixed(4) of a number within bounds is plain positional notation (no exponent).
    text = value.toFixed(4);
  } else {
    text = value;
  }
  const match = /^(\d{1,10})(?:\.(\d{1,4}))?$/.exec(text);
  if (!match) return null;
  const fraction = (match[2] ?? "").padEnd(4, "0");
  const tenThousandths = BigInt(match[1] + fraction);
  const cents = tenThousandths / 100n + (tenThousandths % 100n >= 50n ? 1n : 0n);
  if (cents > REVENUE_MAX_CENTS) return null;
  return `${cents / 100n}.${String(cents % 100n).padStart(2, "0")}`;
}

// ---------------------------------------------------------------------------------------------------
// Client address (the per-address rate limit's key). The socket's peer, unless that peer is a proxy the
// deployment declares trusted: on Vercel (VERCEL=1) its edge sets `x-vercel-forwarded-for` itself; with
// TRUSTED_PROXIES the right-most X-Forwarded-For hop that is not one of those proxies. A header a client
// can set is never the key on its own.

export interface AddressPolicy {
  /** Running on Vercel: its edge overwrites `x-vercel-forwarded-for` with the client's address. */
  onVercel: boolean;
  /** Proxies whose X-Forwarded-For is believed (TRUSTED_PROXIES); null when none is declared. */
  trustedProxies: BlockList | null;
}

export type TrustedProxiesResult = { ok: true; list: BlockList | null; entries: string[] } | { ok: false; message: string };

/** TRUSTED_PROXIES: comma-separated IPv4/IPv6 addresses and CIDR ranges ("10.0.0.0/8, ::1"). */
export function parseTrustedProxies(text: string | undefined): TrustedProxiesResult {
  const entries = (text ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) return { ok: true, list: null, entries };
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefix, extra] = entry.split("/");
    const family = isIP(address);
    if (family === 0 || extra !== undefined) return { ok: false, message: `has "${entry}", which is not an IP address or CIDR range` };
    const type = family === 4 ? "ipv4" : "ipv6";
    if (prefix === undefined) {
      list.addAddress(address, type);
      continue;
    }
    const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : Number.NaN;
    if (!(bits >= 0 && bits <= (family === 4 ? 32 : 128))) return { ok: false, message: `has "${entry}", whose prefix length is out of range` };
    list.addSubnet(address, bits, type);
  }
  return { ok: true, list, entries };
}

function isTrusted(list: BlockList, address: string): boolean {
  return list.check(address, isIP(address) === 4 ? "ipv4" : "ipv6");
}

/**
 * The rate-limit key of a request's client: its address (IPv4, or the /64 of an IPv6 address, which
 * one client usually holds whole), or null when the transport knows no peer address and no trusted
 * header names one.
 */
export function resolveClientAddress(socketAddress: string | null, header: (name: string) => string | null, policy: AddressPolicy): string | null {
  if (policy.onVercel) {
    const vercel = header("x-vercel-forwarded-for")?.split(",")[0].trim();
    if (vercel && isIP(unmapIPv4(vercel))) return addressKey(vercel);
  }
  const peer = socketAddress ? unmapIPv4(socketAddress) : null;
  if (!peer || !isIP(peer)) return null;
  const trusted = policy.trustedProxies;
  if (!trusted || !isTrusted(trusted, peer)) return addressKey(peer);
  // Each trusted proxy appends the address it received the request from; walk back from the right
  // past our own proxies. Whatever lies left of the first untrusted hop is client-written and ignored.
  let client = peer;
  const hops = (header("x-forwarded-for") ?? "").split(",").map((hop) => unmapIPv4(hop.trim()));
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!isIP(hops[i])) break;
    client = hops[i];
    if (!isTrusted(trusted, client)) break;
  }
  return addressKey(client);
}

function unmapIPv4(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return mapped ? mapped[1] : address;
}

function addressKey(address: string): string {
  const plain = unmapIPv4(address);
  if (isIP(plain) !== 6) return plain;
  return `${expandIPv6(plain).slice(0, 4).join(":")}::/64`;
}

/** The 8 hextets of an IPv6 address (a trailing dotted IPv4 part counts as two). */
function expandIPv6(address: string): string[] {
  const [head, tail] = address.toLowerCase().split("%")[0].split("::");
  const part = (text: string | undefined) =>
    (text ? text.split(":") : []).flatMap((group) => {
      if (!group.includes(".")) return [group.padStart(4, "0")];
      const [a, b, c, d] = group.split(".").map(Number);
      return [((a << 8) | b).toString(16).padStart(4, "0"), ((c << 8) | d).toString(16).padStart(4, "0")];
    });
  const left = part(head);
  const right = part(tail);
  return tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill("0000"), ...right];
}
