// Splits queued events into /track request bodies: /track takes 1–50 events per request, and a
// keepalive fetch is refused by browsers once in-flight keepalive bodies pass 64 KiB.
import type { TrackEvent, TrackPayload } from "./build-events";

export const MAX_EVENTS_PER_REQUEST = 50;
/** Below the 64 KiB keepalive quota, with headroom for the request's other bytes. */
export const MAX_BODY_BYTES = 60_000;

export interface BatchLimits {
  maxEvents: number;
  maxBodyBytes: number;
}

export interface SplitResult {
  /** Serialized payloads (`JSON.stringify({ shop, events })`), in event order. */
  bodies: string[];
  /** Events that alone exceed the byte limit; they can never be sent. */
  oversized: TrackEvent[];
}

export function splitIntoBodies(
  shop: string,
  events: readonly TrackEvent[],
  limits: BatchLimits = { maxEvents: MAX_EVENTS_PER_REQUEST, maxBodyBytes: MAX_BODY_BYTES },
): SplitResult {
  // `{"shop":…,"events":[` + events joined by "," + `]}` is exactly what JSON.stringify produces,
  // so sizes can be summed per event instead of re-serializing the growing batch.
  const envelopeBytes = utf8ByteLength(JSON.stringify({ shop, events: [] } satisfies TrackPayload));
  const bodies: string[] = [];
  const oversized: TrackEvent[] = [];
  let batch: TrackEvent[] = [];
  let batchBytes = envelopeBytes;

  const closeBatch = () => {
    if (batch.length > 0) bodies.push(JSON.stringify({ shop, events: batch } satisfies TrackPayload));
    batch = [];
    batchBytes = envelopeBytes;
  };

  for (const event of events) {
    const eventBytes = utf8ByteLength(JSON.stringify(event));
    if (envelopeBytes + eventBytes > limits.maxBodyBytes) {
      oversized.push(event);
      continue;
    }
    const separatorBytes = batch.length > 0 ? 1 : 0;
    if (batch.length >= limits.maxEvents || batchBytes + separatorBytes + eventBytes > limits.maxBodyBytes) closeBatch();
    batchBytes += (batch.length > 0 ? 1 : 0) + eventBytes;
    batch.push(event);
  }
  closeBatch();
  return { bodies, oversized };
}

/** UTF-8 size of a string, counted without allocating an encoded copy. */
export function utf8ByteLength(value: string): number {
  let bytes = 0;
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    // Each half of a surrogate pair counts 2, so the pair totals its 4 UTF-8 bytes.
    else if (code >= 0xd800 && code <= 0xdfff) bytes += 2;
    else bytes += 3;
  }
  return bytes;
}
