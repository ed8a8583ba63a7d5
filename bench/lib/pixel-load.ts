// Drives a /track-compatible endpoint with pixel-shaped requests from 50 connections and counts the
// events the server acknowledged (202 bodies), so stored rows can be checked against them.
import { randomUUID } from "node:crypto";
import autocannon from "autocannon";
import { assignArm } from "../../app/lib/assignment";

export interface LoadTarget {
  url: string;
  shop: string;
  testId: string;
  productId: string;
  trafficSplit: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  eventsPerSecond: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
  /** Event ids (as stored) of every event the server acknowledged with a 202. */
  acknowledgedIds: string[];
}

const VISITORS = Array.from({ length: 20_000 }, () => randomUUID());

/** What the pixel sends: mostly single product views, some add-to-carts, a few two-line checkouts. */
export function makePixelBody(target: LoadTarget, random = Math.random): { body: string; eventIds: string[] } {
  const visitorId = VISITORS[Math.floor(random() * VISITORS.length)];
  const base = {
    testId: target.testId,
    arm: assignArm(target.testId, visitorId, target.trafficSplit),
    visitorId,
    productId: target.productId,
    variantId: String(1000 + Math.floor(random() * 5)),
    occurredAt: new Date().toISOString(),
  };
  const roll = random();
  const id = randomUUID();
  const events =
    roll < 0.8
      ? [{ ...base, id, type: "IMPRESSION" }]
      : roll < 0.95
        ? [{ ...base, id, type: "ADD_TO_CART", quantity: 1 }]
        : [0, 1].map((lineIndex) => ({ ...base, id, type: "PURCHASE", lineIndex, quantity: 1, revenue: "24.90", currency: "EUR", orderId: String(Math.floor(random() * 1e9)) }));
  const eventIds = events.map((event) => ("lineIndex" in event ? `${event.id}:${event.lineIndex}` : event.id));
  return { body: JSON.stringify({ shop: target.shop, events }), eventIds };
}

export async function runPixelLoad(target: LoadTarget, options: { connections?: number; durationSeconds: number }): Promise<LoadResult> {
  const acknowledgedIds: string[] = [];
  let events = 0;
  let ip = 0;
  const result = await autocannon({
    url: `${target.url}/track`,
    connections: options.connections ?? 50,
    duration: options.durationSeconds,
    requests: [
      {
        method: "POST",
        // One request in flight per connection, so the connection's context ties a response to its body.
        setupRequest: (request, context: { eventIds?: string[] }) => {
          const { body, eventIds } = makePixelBody(target);
          context.eventIds = eventIds;
          ip = (ip + 1) % 60_000;
          return {
            ...request,
            body,
            headers: {
              "content-type": "text/plain",
              "user-agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
              "x-forwarded-for": `10.${ip >> 16}.${(ip >> 8) & 255}.${ip & 255}`,
            },
          };
        },
        onResponse: (status, body, context: { eventIds?: string[] }) => {
          if (status !== 202) return;
          const parsed = JSON.parse(body) as { accepted: number; duplicates: number };
          if (parsed.accepted + parsed.duplicates === context.eventIds?.length) acknowledgedIds.push(...context.eventIds);
          events += parsed.accepted;
        },
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.average,
    eventsPerSecond: events / options.durationSeconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    acknowledgedIds,
  };
}
