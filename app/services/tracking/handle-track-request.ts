// POST /track: the storefront's only way in. Order of checks (issue #3): CORS, size, JSON, shape,
// bots, rate limits, shop, test, arm; then a group-committed insert. The 202 is sent only after the
// accepted rows are committed, so an acknowledged event is never lost.
import type { IncomingMessage, ServerResponse } from "node:http";
import { isbot } from "isbot";
import { assignArm } from "../../lib/assignment";
import { numericId } from "../../lib/storefront-contract";
import type { EventRow, EventWriter } from "./event-writer";
import { createFailureSummary, type FailureSummary } from "./failure-summary";
import { takeAll, type Charge, type RateLimiter } from "./rate-limiter";
import { readTrackBody } from "./read-track-body";
import { MAX_EVENT_AGE_MS, resolveClientAddress, type AddressPolicy } from "./track-contract";
import { trackInputFromNode, trackInputFromRequest, type TrackInput } from "./track-input";
import { parseTrackEnvelope, trackEventSchema, type TrackEvent } from "./track-payload";
import { DatabaseUnavailableError, RowsRejectedError } from "./tracking-errors";
import type { TrackingLookups } from "./tracking-lookups";

export type DropReason =
  | "bot"
  | "invalid"
  | "rate_limited"
  | "unknown_shop"
  | "unknown_test"
  | "inactive_test"
  | "product_mismatch"
  | "arm_mismatch";

export interface TrackingDeps {
  lookups: TrackingLookups;
  writer: EventWriter;
  /** Per client address (track-contract.ts: resolveClientAddress), checked before any lookup. */
  ipLimiter: RateLimiter;
  /** Per shop: one shop's flood cannot take the writer's capacity from the others. */
  shopLimiter: RateLimiter;
  /** Per shop and visitor. */
  visitorLimiter: RateLimiter;
  /** Which proxies' forwarding headers are believed; none when absent. */
  addressPolicy?: AddressPolicy;
  /** Counts of dropped events by reason, for operators. */
  drops: Map<DropReason, number>;
  /** The server clock (ms): stamps createdAt, which decides an event's statistics day. */
  now?: () => number;
  /** Outage and refusal counts, logged once per interval rather than once per request. */
  failures?: FailureSummary;
}

const defaultFailures = createFailureSummary();

export interface TrackResult {
  accepted: number;
  duplicates: number;
  dropped: number;
}

export { MAX_EVENT_AGE_MS } from "./track-contract";

const NO_TRUSTED_PROXY: AddressPolicy = { onVercel: false, trustedProxies: null };
/** Retry-After is whole seconds; a budget refills within this many at the configured rates. */
const MAX_RETRY_AFTER_SECONDS = 60;

export const CORS_HEADERS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "POST, OPTIONS",
  "Access-Control-Allow-Headers": "Content-Type",
  "Access-Control-Max-Age": "86400",
};

export interface TrackOutput {
  status: number;
  headers: Record<string, string>;
  body: TrackResult | { error: { code: string; message: string } } | null;
}

function json(status: number, body: TrackOutput["body"], extra?: Record<string, string>): TrackOutput {
  return { status, body, headers: { ...CORS_HEADERS, "Content-Type": "application/json", "Cache-Control": "no-store", ...extra } };
}

function error(status: number, code: string, message: string, extra?: Record<string, string>): TrackOutput {
  return json(status, { error: { code, message } }, extra);
}

function tooManyEvents(waitSeconds: number, message: string): TrackOutput {
  const retryAfter = Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, Math.ceil(waitSeconds)));
  return error(429, "rate_limited", message, { "Retry-After": String(retryAfter) });
}

/** The Remix route's entry (Fetch API); `remoteAddress` when the adapter exposes the peer's. */
export async function handleTrackRequest(request: Request, deps: TrackingDeps, remoteAddress: string | null = null): Promise<Response> {
  const output = await processTrack(trackInputFromRequest(request, remoteAddress), deps);
  // As in serveTrack: the refused remainder must not be read as the next request on a kept-alive socket.
  const headers = output.status === 413 ? { ...output.headers, Connection: "close" } : output.headers;
  return new Response(output.body === null ? null : JSON.stringify(output.body), { status: output.status, headers });
}

/** The node:http entry used by the app's own server (scripts/lib/app-server.ts). */
export async function serveTrack(request: IncomingMessage, response: ServerResponse, deps: TrackingDeps): Promise<void> {
  const output = await processTrack(trackInputFromNode(request), deps);
  // A refused body may still be arriving; closing the connection stops it.
  response.writeHead(output.status, output.status === 413 ? { ...output.headers, Connection: "close" } : output.headers);
  response.end(output.body === null ? undefined : JSON.stringify(output.body));
}

/** Any database trouble (lookups or writer) is a 503 + Retry-After within the writer's and pool's bounds, never a 500. */
export async function processTrack(input: TrackInput, deps: TrackingDeps): Promise<TrackOutput> {
  try {
    return await processTrackRequest(input, deps);
  } catch (failure) {
    if (!(failure instanceof DatabaseUnavailableError)) throw failure;
    (deps.failures ?? defaultFailures).record("track_unavailable", failure);
    return error(503, "unavailable", "events were not stored; retry later", { "Retry-After": "2" });
  }
}

async function processTrackRequest(input: TrackInput, deps: TrackingDeps): Promise<TrackOutput> {
  if (input.method === "OPTIONS") return { status: 204, headers: CORS_HEADERS, body: null };
  if (input.method !== "POST") return error(405, "method_not_allowed", "use POST", { Allow: "POST, OPTIONS" });

  const body = await readTrackBody(input);
  if (!body.ok) return error(body.status, body.code, body.message);
  const envelope = parseTrackEnvelope(body.body);
  if (!envelope.ok) return error(400, "invalid_request", envelope.message);

  const result: TrackResult = { accepted: 0, duplicates: 0, dropped: 0 };
  const drop = (reason: DropReason, count = 1) => {
    result.dropped += count;
    deps.drops.set(reason, (deps.drops.get(reason) ?? 0) + count);
  };

  if (isbot(input.header("user-agent") ?? "")) {
    drop("bot", envelope.events.length);
    return json(202, result);
  }
  // Without a known peer (a Fetch Request off Vercel) there is no address to key on: sharing one
  // bucket would let any client starve all the others, so only the shop and visitor budgets apply.
  const address = resolveClientAddress(input.remoteAddress, input.header, deps.addressPolicy ?? NO_TRUSTED_PROXY);
  const addressCharge: Charge[] = address === null ? [] : [{ limiter: deps.ipLimiter, key: address, count: envelope.events.length }];
  // Checked (not taken) before any lookup, so a flooding address costs no database query; taken below
  // together with the other budgets, all or nothing.
  const addressWait = address === null ? 0 : deps.ipLimiter.waitSeconds(address, envelope.events.length);
  if (addressWait > 0) {
    drop("rate_limited", envelope.events.length);
    return tooManyEvents(addressWait, "too many events from this address");
  }

  const shopId = await deps.lookups.findShopId(envelope.shop);
  if (!shopId) {
    const wait = takeAll(addressCharge);
    drop(wait > 0 ? "rate_limited" : "unknown_shop", envelope.events.length);
    return wait > 0 ? tooManyEvents(wait, "too many events from this address") : json(202, result);
  }

  const events: TrackEvent[] = [];
  for (const candidate of envelope.events) {
    const parsed = trackEventSchema.safeParse(candidate);
    if (parsed.success && isComplete(parsed.data)) events.push(parsed.data);
    else drop("invalid");
  }
  const tests = await deps.lookups.findTests(events.map((event) => event.testId));
  const now = deps.now?.() ?? Date.now();
  const rows: EventRow[] = [];
  for (const event of events) {
    const test = tests.get(event.testId);
    if (!test || test.shopId !== shopId) {
      drop("unknown_test");
      continue;
    }
    if (test.status !== "ACTIVE") {
      drop("inactive_test");
      continue;
    }
    if (numericId(event.productId) !== numericId(test.productId)) {
      drop("product_mismatch");
      continue;
    }
    const arm = assignArm(test.id, event.visitorId, test.trafficSplit);
    if (event.arm && event.arm !== arm) {
      drop("arm_mismatch");
      continue;
    }
    rows.push(toRow(event, shopId, arm, now));
  }

  // The whole request or nothing: a partly granted batch would be acknowledged with events the pixel
  // never resends.
  const perVisitor = new Map<string, number>();
  for (const row of rows) perVisitor.set(row.visitorId, (perVisitor.get(row.visitorId) ?? 0) + 1);
  const wait = takeAll([
    ...addressCharge,
    { limiter: deps.shopLimiter, key: shopId, count: rows.length },
    ...[...perVisitor].map(([visitorId, count]) => ({ limiter: deps.visitorLimiter, key: `${shopId}:${visitorId}`, count })),
  ]);
  if (wait > 0) {
    deps.drops.set("rate_limited", (deps.drops.get("rate_limited") ?? 0) + rows.length);
    return tooManyEvents(wait, "too many events for this address, shop or visitor; retry the whole request later");
  }

  try {
    const stored = await deps.writer.write(rows);
    for (const isNew of stored) {
      if (isNew) result.accepted++;
      else result.duplicates++;
    }
  } catch (failure) {
    if (!(failure instanceof RowsRejectedError)) throw failure;
    // Postgres refused this request's own values (the input bounds should have stopped them); the
    // writer kept the other requests of its batch apart, and resending these would fail again.
    (deps.failures ?? defaultFailures).record("track_rows_rejected", failure);
    drop("invalid", rows.length);
  }
  return json(202, result);
}

/** Ids must be Shopify numeric ids (or their GIDs); a purchase needs its order (its id, or the checkout
 * token when Shopify gave no order id yet), revenue and currency. */
function isComplete(event: TrackEvent): boolean {
  if (!numericId(event.productId)) return false;
  if (event.variantId !== undefined && event.variantId !== null && !numericId(event.variantId)) return false;
  if (event.type !== "PURCHASE") return true;
  return (numericId(event.orderId) !== null || Boolean(event.checkoutToken)) && event.revenue !== undefined && event.revenue !== null && Boolean(event.currency);
}

function toRow(event: TrackEvent, shopId: string, arm: EventRow["arm"], now: number): EventRow {
  const variant = numericId(event.variantId);
  const purchase = event.type === "PURCHASE";
  const claimed = event.occurredAt ? Date.parse(event.occurredAt) : now;
  return {
    shopId,
    testId: event.testId,
    arm,
    // A purchase from /track is a claim: it counts only once Shopify's order confirms it (ADR 008).
    eventType: purchase ? "PURCHASE_CLAIM" : event.type,
    productId: `gid://shopify/Product/${numericId(event.productId)}`,
    variantId: variant ? `gid://shopify/ProductVariant/${variant}` : null,
    visitorId: event.visitorId,
    eventId: purchase ? `${event.id}:${event.lineIndex ?? 0}` : event.id,
    quantity: event.quantity ?? 1,
    // Already exact to the cent and within bounds (normalizeRevenue in the schema).
    revenue: purchase ? event.revenue! : null,
    currency: purchase ? event.currency! : null,
    orderId: purchase && numericId(event.orderId) ? `gid://shopify/Order/${numericId(event.orderId)}` : null,
    checkoutToken: purchase ? (event.checkoutToken ?? null) : null,
    occurredAt: new Date(Math.min(now, Math.max(now - MAX_EVENT_AGE_MS, claimed))),
    createdAt: new Date(now),
  };
}
