// POST /track: the storefront's only way in. Order of checks (issue #3): CORS, size, JSON, shape,
// bots, rate limits, shop, test, arm; then a group-committed insert. The 202 is sent only after the
// accepted rows are committed, so an acknowledged event is never lost.
import type { IncomingMessage, ServerResponse } from "node:http";
import { isbot } from "isbot";
import { assignArm } from "../../lib/assignment";
import { numericId } from "../../lib/storefront-contract";
import type { EventRow, EventWriter } from "./event-writer";
import type { RateLimiter } from "./rate-limiter";
import { readTrackBody } from "./read-track-body";
import { trackInputFromNode, trackInputFromRequest, type TrackInput } from "./track-input";
import { parseTrackEnvelope, trackEventSchema, type TrackEvent } from "./track-payload";
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
  ipLimiter: RateLimiter;
  visitorLimiter: RateLimiter;
  /** Counts of dropped events by reason, for operators. */
  drops: Map<DropReason, number>;
  /** The server clock (ms): stamps createdAt, which decides an event's statistics day. */
  now?: () => number;
}

export interface TrackResult {
  accepted: number;
  duplicates: number;
  dropped: number;
}

/** How far a client's clock may place an event in the past; later or future times are clamped. */
export const MAX_EVENT_AGE_MS = 24 * 60 * 60 * 1000;

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

function clientAddress(input: TrackInput): string {
  const forwarded = input.header("x-vercel-forwarded-for") ?? input.header("x-real-ip") ?? input.header("x-forwarded-for");
  return forwarded?.split(",")[0].trim() || "unknown";
}

/** The Remix route's entry (Fetch API). */
export async function handleTrackRequest(request: Request, deps: TrackingDeps): Promise<Response> {
  const output = await processTrack(trackInputFromRequest(request), deps);
  return new Response(output.body === null ? null : JSON.stringify(output.body), { status: output.status, headers: output.headers });
}

/** The node:http entry used by the app's own server (scripts/lib/app-server.ts). */
export async function serveTrack(request: IncomingMessage, response: ServerResponse, deps: TrackingDeps): Promise<void> {
  const output = await processTrack(trackInputFromNode(request), deps);
  // A refused body may still be arriving; closing the connection stops it.
  response.writeHead(output.status, output.status === 413 ? { ...output.headers, Connection: "close" } : output.headers);
  response.end(output.body === null ? undefined : JSON.stringify(output.body));
}

export async function processTrack(input: TrackInput, deps: TrackingDeps): Promise<TrackOutput> {
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
  const granted = deps.ipLimiter.take(clientAddress(input), envelope.events.length);
  if (granted === 0) {
    drop("rate_limited", envelope.events.length);
    return error(429, "rate_limited", "too many events from this address", { "Retry-After": "1" });
  }
  drop("rate_limited", envelope.events.length - granted);
  const candidates = envelope.events.slice(0, granted);

  const shopId = await deps.lookups.findShopId(envelope.shop);
  if (!shopId) {
    drop("unknown_shop", candidates.length);
    return json(202, result);
  }

  const events: TrackEvent[] = [];
  for (const candidate of candidates) {
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
    if (deps.visitorLimiter.take(`${shopId}:${event.visitorId}`, 1) === 0) {
      drop("rate_limited");
      continue;
    }
    rows.push(toRow(event, shopId, arm, now));
  }

  try {
    const stored = await deps.writer.write(rows);
    for (const isNew of stored) {
      if (isNew) result.accepted++;
      else result.duplicates++;
    }
  } catch (failure) {
    console.error(JSON.stringify({ event: "track_insert_failed", shop: envelope.shop, rows: rows.length, error: (failure as Error).message }));
    return error(503, "unavailable", "events were not stored; retry later", { "Retry-After": "2" });
  }
  return json(202, result);
}

/** Ids must be Shopify numeric ids (or their GIDs); a purchase needs its order, revenue and currency. */
function isComplete(event: TrackEvent): boolean {
  if (!numericId(event.productId)) return false;
  if (event.variantId !== undefined && event.variantId !== null && !numericId(event.variantId)) return false;
  if (event.type !== "PURCHASE") return true;
  return numericId(event.orderId) !== null && event.revenue !== undefined && event.revenue !== null && Boolean(event.currency);
}

function toRow(event: TrackEvent, shopId: string, arm: EventRow["arm"], now: number): EventRow {
  const variant = numericId(event.variantId);
  const purchase = event.type === "PURCHASE";
  const claimed = event.occurredAt ? Date.parse(event.occurredAt) : now;
  return {
    shopId,
    testId: event.testId,
    arm,
    eventType: event.type,
    productId: `gid://shopify/Product/${numericId(event.productId)}`,
    variantId: variant ? `gid://shopify/ProductVariant/${variant}` : null,
    visitorId: event.visitorId,
    eventId: purchase ? `${event.id}:${event.lineIndex ?? 0}` : event.id,
    quantity: event.quantity ?? 1,
    revenue: purchase ? (Math.round(Number(event.revenue) * 100) / 100).toFixed(2) : null,
    currency: purchase ? event.currency! : null,
    orderId: purchase ? `gid://shopify/Order/${numericId(event.orderId)}` : null,
    occurredAt: new Date(Math.min(now, Math.max(now - MAX_EVENT_AGE_MS, claimed))),
    createdAt: new Date(now),
  };
}
