import { describe, expect, it, vi } from "vitest";
import type { TrackEvent } from "./build-events";
import {
  createEventSender,
  MAX_UNSENT_AGE_MS,
  MAX_UNSENT_EVENTS,
  UNSENT_STORAGE_KEY,
  type FetchTrack,
  type Schedule,
} from "./event-sender";
import { createMemoryStorage } from "./fake-pixel-api";

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

describe("createEventSender: events kept through a /track outage", () => {
  /** A clock and scheduler stepped by hand: runDue() runs what is due at the current time. */
  function createClock() {
    let time = 1_000_000;
    let pending: Array<{ callback: () => void; at: number }> = [];
    return {
      now: () => time,
      schedule: ((callback, delayMs) => void pending.push({ callback, at: time + delayMs })) as Schedule,
      async advance(ms: number) {
        time += ms;
        for (;;) {
          const due = pending.filter((entry) => entry.at <= time);
          if (due.length === 0) break;
          pending = pending.filter((entry) => entry.at > time);
          for (const entry of due) entry.callback();
          await new Promise((resolve) => setTimeout(resolve, 0));
        }
      },
    };
  }

  async function stored(storage: ReturnType<typeof createMemoryStorage>): Promise<string[]> {
    const value = await storage.getItem(UNSENT_STORAGE_KEY);
    return value ? (JSON.parse(value) as { events: Array<[TrackEvent, number]> }).events.map(([event]) => event.id) : [];
  }

  function sentIds(fetch: ReturnType<typeof vi.fn<FetchTrack>>): string[][] {
    return fetch.mock.calls.map(([, init]) => (JSON.parse(init.body) as { events: TrackEvent[] }).events.map((event) => event.id));
  }

  it("GIVEN kept events waiting for their backoff WHEN a fresh event gets a 202 THEN the kept ones are resent at once", async () => {
    const clock = createClock();
    const storage = createMemoryStorage();
    const fetch = vi.fn<FetchTrack>().mockResolvedValueOnce({ ok: false, status: 503 }).mockResolvedValue({ ok: true, status: 202 });
    const sender = createEventSender({ url: "u", shop: "s", fetch, isAllowed: () => true, schedule: clock.schedule, now: clock.now, storage });

    sender.enqueue([trackEvent("kept")]);
    await sender.flush();
    expect(await stored(storage)).toEqual(["kept"]);
    sender.enqueue([trackEvent("fresh")]);
    await sender.flush();

    expect(sentIds(fetch)).toEqual([["kept"], ["fresh"], ["kept"]]);
    expect(await stored(storage)).toEqual([]);
  });

  it("GIVEN a new page WHEN the previous page left unsent events in storage THEN they are resent when their backoff is due", async () => {
    const clock = createClock();
    const storage = createMemoryStorage();
    const failing = vi.fn<FetchTrack>().mockResolvedValue({ ok: false, status: 503 });
    const firstPage = createEventSender({ url: "u", shop: "s", fetch: failing, isAllowed: () => true, schedule: () => {}, now: clock.now, storage });
    firstPage.enqueue([trackEvent("from-page-1")]);
    await firstPage.flush();

    const fetch = vi.fn<FetchTrack>().mockResolvedValue({ ok: true, status: 202 });
    createEventSender({ url: "u", shop: "s", fetch, isAllowed: () => true, schedule: clock.schedule, now: clock.now, storage });
    await clock.advance(0);
    expect(fetch).not.toHaveBeenCalled();
    await clock.advance(1_000);

    expect(sentIds(fetch)).toEqual([["from-page-1"]]);
    expect(await stored(storage)).toEqual([]);
  });

  it("GIVEN more events fail than the bound WHEN they are kept THEN only the newest MAX_UNSENT_EVENTS are", async () => {
    const storage = createMemoryStorage();
    const fetch = vi.fn<FetchTrack>().mockResolvedValue({ ok: false, status: 429 });
    const sender = createEventSender({ url: "u", shop: "s", fetch, isAllowed: () => true, schedule: () => {}, storage });

    sender.enqueue(Array.from({ length: MAX_UNSENT_EVENTS + 50 }, (_, i) => trackEvent(`e${i}`)));
    await sender.flush();

    const kept = await stored(storage);
    expect(kept).toHaveLength(MAX_UNSENT_EVENTS);
    expect(kept[0]).toBe("e50");
  });

  it("GIVEN kept events older than MAX_UNSENT_AGE_MS WHEN their resend is due THEN they are dropped, not sent", async () => {
    const clock = createClock();
    const storage = createMemoryStorage();
    const fetch = vi.fn<FetchTrack>().mockResolvedValueOnce({ ok: false, status: 503 }).mockResolvedValue({ ok: true, status: 202 });
    const sender = createEventSender({ url: "u", shop: "s", fetch, isAllowed: () => true, schedule: () => {}, now: clock.now, storage });
    sender.enqueue([trackEvent("stale")]);
    await sender.flush();

    await clock.advance(MAX_UNSENT_AGE_MS + 1);
    createEventSender({ url: "u", shop: "s", fetch, isAllowed: () => true, schedule: clock.schedule, now: clock.now, storage });
    await clock.advance(0);

    expect(fetch).toHaveBeenCalledTimes(1);
    expect(await stored(storage)).toEqual([]);
  });

  it.each([
    ["400 (refused as a whole)", { ok: false, status: 400 }],
    ["413", { ok: false, status: 413 }],
  ])("GIVEN a kept event WHEN its resend is answered %s THEN it is dropped, not resent again", async (_label, answer) => {
    const clock = createClock();
    const storage = createMemoryStorage();
    const fetch = vi.fn<FetchTrack>().mockResolvedValueOnce({ ok: false, status: 503 }).mockResolvedValue(answer);
    const sender = createEventSender({ url: "u", shop: "s", fetch, isAllowed: () => true, schedule: clock.schedule, now: clock.now, storage });
    sender.enqueue([trackEvent("refused")]);
    await clock.advance(0);

    await clock.advance(60_000);

    expect(fetch).toHaveBeenCalledTimes(2);
    expect(await stored(storage)).toEqual([]);
  });

  it("GIVEN kept events WHEN the visitor withdraws consent THEN they are deleted from storage and never sent", async () => {
    const clock = createClock();
    const storage = createMemoryStorage();
    let allowed = true;
    const fetch = vi.fn<FetchTrack>().mockResolvedValue({ ok: false, status: 503 });
    const sender = createEventSender({ url: "u", shop: "s", fetch, isAllowed: () => allowed, schedule: clock.schedule, now: clock.now, storage });
    sender.enqueue([trackEvent("private")]);
    await clock.advance(0);
    expect(await stored(storage)).toEqual(["private"]);

    allowed = false;
    await clock.advance(60_000);

    expect(fetch).toHaveBeenCalledTimes(1);
    expect(await stored(storage)).toEqual([]);
  });
});
