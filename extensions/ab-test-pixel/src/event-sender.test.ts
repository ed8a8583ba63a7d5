import { describe, expect, it, vi } from "vitest";
import type { TrackEvent } from "./build-events";
import { createEventSender, type FetchTrack, type Schedule } from "./event-sender";

function trackEvent(id: string): TrackEvent {
  return { id, type: "IMPRESSION", testId: "t", arm: "CONTROL", visitorId: "v", productId: "1", quantity: 1, occurredAt: "2025-06-01T00:00:00Z" };
}

/** A scheduler the test steps by hand, recording the requested delays. */
function createManualSchedule() {
  const pending: Array<{ callback: () => void; delayMs: number }> = [];
  const schedule: Schedule = (callback, delayMs) => pending.push({ callback, delayMs });
  return {
    schedule,
    delays: () => pending.map((entry) => entry.delayMs),
    runNext: () => pending.shift()?.callback(),
  };
}

describe("createEventSender", () => {
  it("GIVEN events enqueued in one tick WHEN the scheduled flush runs THEN a single flush is scheduled and one request sent", async () => {
    const fetch = vi.fn<FetchTrack>(async () => ({ ok: true, status: 202 }));
    const manual = createManualSchedule();
    const sender = createEventSender({ url: "https://app.example.com/track", shop: "s.myshopify.com", fetch, isAllowed: () => true, schedule: manual.schedule });

    sender.enqueue([trackEvent("a")]);
    sender.enqueue([trackEvent("b"), trackEvent("c")]);
    sender.enqueue([]);

    expect(manual.delays()).toEqual([0]);
    await sender.flush();
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(JSON.parse(fetch.mock.calls[0][1].body)).toEqual({ shop: "s.myshopify.com", events: [trackEvent("a"), trackEvent("b"), trackEvent("c")] });
  });

  it("GIVEN a failed request WHEN it is retried THEN the retry waits the configured delay", async () => {
    const fetch = vi.fn<FetchTrack>().mockRejectedValueOnce(new TypeError("Failed to fetch")).mockResolvedValue({ ok: true, status: 202 });
    const manual = createManualSchedule();
    const sender = createEventSender({ url: "u", shop: "s", fetch, isAllowed: () => true, schedule: manual.schedule, retryDelayMs: 750 });

    sender.enqueue([trackEvent("a")]);
    manual.runNext();
    await vi.waitFor(() => expect(manual.delays()).toEqual([750]));
    manual.runNext();

    await vi.waitFor(() => expect(fetch).toHaveBeenCalledTimes(2));
  });

  it("GIVEN keepalive bodies already in flight near the 64 KiB quota WHEN another body is sent THEN it goes without keepalive rather than being refused", async () => {
    const releases: Array<() => void> = [];
    const fetch = vi.fn<FetchTrack>(
      () =>
        new Promise((resolve) => {
          releases.push(() => resolve({ ok: true, status: 202 }));
        }),
    );
    const sender = createEventSender({
      url: "u",
      shop: "s",
      fetch,
      isAllowed: () => true,
      schedule: () => {},
      limits: { maxEvents: 1, maxBodyBytes: 60_000 },
    });
    const big = (id: string) => trackEvent(`${id}${"x".repeat(40_000)}`);

    sender.enqueue([big("a"), big("b")]);
    const flushed = sender.flush();
    expect(fetch.mock.calls.map(([, init]) => init.keepalive)).toEqual([true, false]);
    releases.forEach((release) => release());
    await flushed;

    sender.enqueue([big("c")]);
    const second = sender.flush();
    expect(fetch.mock.calls[2][1].keepalive).toBe(true);
    releases[2]();
    await second;
  });
});
