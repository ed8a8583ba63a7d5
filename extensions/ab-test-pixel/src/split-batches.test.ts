import { describe, expect, it } from "vitest";
import type { TrackEvent } from "./build-events";
import { MAX_BODY_BYTES, MAX_EVENTS_PER_REQUEST, splitIntoBodies, utf8ByteLength } from "./split-batches";

const SHOP = "ab-demo.myshopify.com";

function trackEvent(id: string): TrackEvent {
  return { id, type: "IMPRESSION", testId: "t", arm: "CONTROL", visitorId: "v", productId: "1", quantity: 1, occurredAt: "2025-06-01T00:00:00Z" };
}

function eventsIn(bodies: string[]): string[] {
  return bodies.flatMap((body) => (JSON.parse(body) as { events: TrackEvent[] }).events.map((event) => event.id));
}

describe("splitIntoBodies", () => {
  it.each([
    [0, []],
    [1, [1]],
    [50, [50]],
    [51, [50, 1]],
    [101, [50, 50, 1]],
  ])("GIVEN %i small events THEN the request sizes are %j", (count, expected) => {
    const events = Array.from({ length: count }, (_, index) => trackEvent(`e${index}`));

    const { bodies } = splitIntoBodies(SHOP, events);

    expect(bodies.map((body) => JSON.parse(body).events.length)).toEqual(expected);
    expect(eventsIn(bodies)).toEqual(events.map((event) => event.id));
  });

  it("GIVEN events whose total passes the byte limit THEN every body is exactly JSON.stringify({ shop, events }) and within the limit", () => {
    const events = Array.from({ length: 30 }, (_, index) => trackEvent(`${"é".repeat(400)}-${index}`));
    const limits = { maxEvents: MAX_EVENTS_PER_REQUEST, maxBodyBytes: 5_000 };

    const { bodies, oversized } = splitIntoBodies(SHOP, events, limits);

    expect(oversized).toEqual([]);
    expect(bodies.length).toBeGreaterThan(1);
    for (const body of bodies) {
      expect(utf8ByteLength(body)).toBeLessThanOrEqual(limits.maxBodyBytes);
      const payload = JSON.parse(body);
      expect(body).toBe(JSON.stringify({ shop: SHOP, events: payload.events }));
      expect(payload.shop).toBe(SHOP);
    }
    expect(eventsIn(bodies)).toEqual(events.map((event) => event.id));
  });

  it("GIVEN a body that fills the limit exactly THEN it is not split", () => {
    const events = [trackEvent("a"), trackEvent("b")];
    const exactBytes = utf8ByteLength(JSON.stringify({ shop: SHOP, events }));

    expect(splitIntoBodies(SHOP, events, { maxEvents: 50, maxBodyBytes: exactBytes }).bodies).toHaveLength(1);
    expect(splitIntoBodies(SHOP, events, { maxEvents: 50, maxBodyBytes: exactBytes - 1 }).bodies).toHaveLength(2);
  });

  it("GIVEN one event larger than a body may be THEN it is reported and the others are still sent", () => {
    const huge = trackEvent("h".repeat(MAX_BODY_BYTES));

    const { bodies, oversized } = splitIntoBodies(SHOP, [trackEvent("a"), huge, trackEvent("b")]);

    expect(oversized).toEqual([huge]);
    expect(eventsIn(bodies)).toEqual(["a", "b"]);
  });
});

describe("utf8ByteLength", () => {
  it.each(["", "plain ascii", "é", "€ and ü", "emoji 😀 pair", "\u0000", "mixed 日本語 text"])("GIVEN %j THEN it matches Buffer.byteLength", (value) => {
    expect(utf8ByteLength(value)).toBe(Buffer.byteLength(value, "utf8"));
  });
});
