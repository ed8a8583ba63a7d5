// Delivers /track events: events that fire together (a checkout's lines, a burst of views) are
// queued and sent once per tick, split to /track's limits, and never throw into Shopify's analytics
// callbacks. Events /track could not take (503, 429, network error) are kept: in memory and in the
// tab's sessionStorage, so they outlive the page, and resent with backoff on this page, on the next
// page, and as soon as a fresh request gets through. Resending is safe because /track dedupes by event
// id. The kept events are bounded in count and age, and dropped when consent is withdrawn.
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
  /** First resend delay; doubles per failed resend up to MAX_RETRY_DELAY_MS. */
  retryDelayMs?: number;
  limits?: BatchLimits;
  /** Where unsent events survive the page (the sandbox's `browser.sessionStorage`); memory only when absent. */
  storage?: UnsentStorage;
  now?: () => number;
}

/** The async subset of the Web Pixels `browser.sessionStorage` / `localStorage` API used here. */
export interface UnsentStorage {
  getItem(key: string): Promise<string | null>;
  setItem(key: string, value: string): Promise<void>;
}

export interface EventSender {
  enqueue(events: readonly TrackEvent[]): void;
  /** Sends what is queued now; resolves once each request's first attempt has settled (resends follow on their timer). */
  flush(): Promise<void>;
}

export const RETRY_DELAY_MS = 1_000;
export const MAX_RETRY_DELAY_MS = 60_000;
/** Kept unsent events: enough for a long browsing session during an outage; the oldest go first. */
export const MAX_UNSENT_EVENTS = 200;
/** An event older than this is not resent: it would count for a day it did not happen on. */
export const MAX_UNSENT_AGE_MS = 60 * 60 * 1000;
export const UNSENT_STORAGE_KEY = "abt_unsent_events";
/** Browsers refuse a keepalive fetch once the keepalive bodies in flight would pass 64 KiB. */
const KEEPALIVE_QUOTA_BYTES = 64 * 1024;

type AttemptResult = "sent" | "retry" | "rejected";

/** An unsent event and when it was first kept (ms). */
type Unsent = [event: TrackEvent, keptAt: number];

interface StoredUnsent {
  events: Unsent[];
  /** Current backoff (ms) and when the next resend is due (ms since epoch). */
  delay: number;
  at: number;
}

/** /track's dedupe key: a purchase line is `id:lineIndex`. */
const keyOf = (event: TrackEvent) => `${event.id}:${event.lineIndex ?? ""}`;

export function createEventSender(options: EventSenderOptions): EventSender {
  const schedule: Schedule = options.schedule ?? ((callback, delayMs) => setTimeout(callback, delayMs));
  const retryDelayMs = options.retryDelayMs ?? RETRY_DELAY_MS;
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => {});
  let queue: TrackEvent[] = [];
  let flushScheduled = false;
  let keepaliveBytesInFlight = 0;
  const unsent: StoredUnsent = { events: [], delay: 0, at: 0 };
  let resendScheduled = false;
  let resending = false;

  // The previous page's unsent events, merged with any this page kept before they were read.
  if (options.storage) {
    options.storage
      .getItem(UNSENT_STORAGE_KEY)
      .then((stored) => {
        const previous = stored ? (JSON.parse(stored) as StoredUnsent) : null;
        if (!Array.isArray(previous?.events) || previous.events.length === 0) return;
        unsent.delay = Math.max(unsent.delay, previous.delay);
        unsent.at = Math.max(unsent.at, previous.at);
        keep(previous.events);
        scheduleResend(unsent.at - now());
      })
      .catch((error: unknown) => log("[ab-test-pixel] unsent events unreadable", error));
  }

  function persist(): void {
    options.storage?.setItem(UNSENT_STORAGE_KEY, JSON.stringify(unsent)).catch((error: unknown) => log("[ab-test-pixel] unsent events not stored", error));
  }

  /** Adds events to the kept ones, deduped and within the bounds (the newest MAX_UNSENT_EVENTS, none too old). */
  function keep(events: Unsent[]): void {
    const byKey = new Map(unsent.events.map((entry) => [keyOf(entry[0]), entry]));
    for (const entry of events) if (!byKey.has(keyOf(entry[0]))) byKey.set(keyOf(entry[0]), entry);
    unsent.events = [...byKey.values()].slice(-MAX_UNSENT_EVENTS);
    prune();
  }

  function prune(): void {
    const oldest = now() - MAX_UNSENT_AGE_MS;
    unsent.events = unsent.events.filter(([, keptAt]) => keptAt > oldest);
    persist();
  }

  function forget(keys: Set<string>): void {
    unsent.events = unsent.events.filter(([event]) => !keys.has(keyOf(event)));
    persist();
  }

  /** After a failed attempt: the next resend waits twice as long as the last, up to MAX_RETRY_DELAY_MS. */
  function backOff(): void {
    unsent.delay = unsent.delay ? Math.min(MAX_RETRY_DELAY_MS, unsent.delay * 2) : retryDelayMs;
    unsent.at = now() + unsent.delay;
    persist();
    scheduleResend(unsent.delay);
  }

  function discardUnsent(): void {
    if (unsent.events.length === 0) return;
    unsent.events = [];
    persist();
  }

  function scheduleResend(delayMs: number): void {
    if (resendScheduled || unsent.events.length === 0) return;
    resendScheduled = true;
    schedule(() => {
      resendScheduled = false;
      resend().catch((error: unknown) => log("[ab-test-pixel] resend failed", error));
    }, Math.max(0, delayMs));
  }

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
      discardUnsent();
      return;
    }
    const results = await sendAll(events, false);
    // A fresh request got through: /track is back, so what was kept goes now rather than at its backoff.
    if (!results.includes("retry") && unsent.events.length > 0) await resend();
  }

  /** Sends the kept events now; those /track takes or refuses are forgotten, the rest wait longer. */
  async function resend(): Promise<void> {
    if (resending) return;
    if (!options.isAllowed()) return discardUnsent();
    prune();
    resending = true;
    try {
      const results = await sendAll(
        unsent.events.map(([event]) => event),
        true,
      );
      if (!results.includes("retry")) unsent.delay = unsent.at = 0;
    } finally {
      resending = false;
    }
    persist();
  }

  /** Sends events in /track-sized bodies; keeps fresh events /track could not take, forgets kept ones it did. */
  async function sendAll(events: TrackEvent[], resent: boolean): Promise<AttemptResult[]> {
    const { bodies, oversized } = splitIntoBodies(options.shop, events, options.limits);
    if (oversized.length > 0) {
      log("[ab-test-pixel] events too large to send; dropped", oversized);
      if (resent) forget(new Set(oversized.map(keyOf)));
    }
    const results = await Promise.all(
      bodies.map(async (body) => {
        const result = await attempt(body);
        const bodyEvents = (JSON.parse(body) as { events: TrackEvent[] }).events;
        if (result === "retry" && !resent) keep(bodyEvents.map((event) => [event, now()]));
        if (result !== "retry" && resent) forget(new Set(bodyEvents.map(keyOf)));
        if (result === "rejected") log("[ab-test-pixel] /track refused events; dropped", bodyEvents.length);
        return result;
      }),
    );
    if (results.includes("retry")) backOff();
    return results;
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
      // Network errors, blocked requests and unreadable CORS responses all land here; a resend
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
