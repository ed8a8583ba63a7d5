// Delivers /track events: events that fire together (a checkout's lines, a burst of views) are
// queued and sent once per tick, split to /track's limits, retried once, and never throw into
// Shopify's analytics callbacks.
import type { TrackEvent } from "./build-events";
import { splitIntoBodies, utf8ByteLength, type BatchLimits } from "./split-batches";

export interface TrackRequestInit {
  method: "POST";
  body: string;
  keepalive: boolean;
  headers: Record<string, string>;
}

export type FetchTrack = (url: string, init: TrackRequestInit) => Promise<{ ok: boolean; status: number }>;
export type Schedule = (callback: () => void, delayMs: number) => unknown;

export interface EventSenderOptions {
  url: string;
  shop: string;
  fetch: FetchTrack;
  /** Asked before every request: nothing is sent once the visitor withdrew analytics consent. */
  isAllowed: () => boolean;
  /** Debug logger; silent when absent. */
  log?: (message: string, detail?: unknown) => void;
  schedule?: Schedule;
  retryDelayMs?: number;
  limits?: BatchLimits;
}

export interface EventSender {
  enqueue(events: readonly TrackEvent[]): void;
  /** Sends what is queued now; resolves once every request, retries included, has settled. */
  flush(): Promise<void>;
}

export const RETRY_DELAY_MS = 1_000;
/** Browsers refuse a keepalive fetch once the keepalive bodies in flight would pass 64 KiB. */
const KEEPALIVE_QUOTA_BYTES = 64 * 1024;

type AttemptResult = "sent" | "retry" | "rejected";

export function createEventSender(options: EventSenderOptions): EventSender {
  const schedule: Schedule = options.schedule ?? ((callback, delayMs) => setTimeout(callback, delayMs));
  const retryDelayMs = options.retryDelayMs ?? RETRY_DELAY_MS;
  const log = options.log ?? (() => {});
  let queue: TrackEvent[] = [];
  let flushScheduled = false;
  let keepaliveBytesInFlight = 0;

  function enqueue(events: readonly TrackEvent[]): void {
    if (events.length === 0) return;
    for (const event of events) log("[ab-test-pixel] event", event);
    queue.push(...events);
    if (flushScheduled) return;
    flushScheduled = true;
    // A macrotask runs after the microtasks in which the other events of this tick finish
    // reading their cookies, so they all share one request.
    schedule(() => {
      flush().catch((error: unknown) => log("[ab-test-pixel] flush failed", error));
    }, 0);
  }

  async function flush(): Promise<void> {
    flushScheduled = false;
    const events = queue;
    queue = [];
    if (events.length === 0) return;
    if (!options.isAllowed()) {
      log("[ab-test-pixel] analytics consent withdrawn; dropped events", events.length);
      return;
    }
    const { bodies, oversized } = splitIntoBodies(options.shop, events, options.limits);
    if (oversized.length > 0) log("[ab-test-pixel] events too large to send; dropped", oversized);
    await Promise.all(bodies.map((body) => sendWithRetry(body)));
  }

  async function sendWithRetry(body: string): Promise<void> {
    if ((await attempt(body)) !== "retry") return;
    await new Promise<void>((resolve) => schedule(resolve, retryDelayMs));
    if (!options.isAllowed()) return;
    if ((await attempt(body)) !== "sent") log("[ab-test-pixel] /track failed twice; giving up", body);
  }

  async function attempt(body: string): Promise<AttemptResult> {
    const bytes = utf8ByteLength(body);
    // keepalive lets the request outlive the page (add to cart, then navigate away); past the
    // quota a plain request still arrives while the page stays open, instead of being refused.
    const keepalive = keepaliveBytesInFlight + bytes <= KEEPALIVE_QUOTA_BYTES;
    if (keepalive) keepaliveBytesInFlight += bytes;
    try {
      const response = await options.fetch(options.url, {
        method: "POST",
        body,
        keepalive,
        // A CORS-safelisted content type: no preflight, which a keepalive request on an
        // unloading page might not survive. /track parses text/plain bodies as JSON.
        headers: { "Content-Type": "text/plain" },
      });
      if (response.ok) return "sent";
      log("[ab-test-pixel] /track answered", response.status);
      return isRetryableStatus(response.status) ? "retry" : "rejected";
    } catch (error) {
      // Network errors, blocked requests and unreadable CORS responses all land here; a retry
      // of a request that did arrive is harmless because /track dedupes by event id.
      log("[ab-test-pixel] /track request failed", error);
      return "retry";
    } finally {
      if (keepalive) keepaliveBytesInFlight -= bytes;
    }
  }

  return { enqueue, flush };
}

/** 4xx means /track refused this body as a whole; sending it again would be refused again. */
function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
