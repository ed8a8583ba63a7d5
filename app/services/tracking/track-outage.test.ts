// How /track answers when the database work behind it fails (issue #9 item 6): lookups or writer
// away → 503 + Retry-After, counted in the failure summary; rows Postgres refuses → dropped, 202.
import { describe, expect, it, vi } from "vitest";
import type { EventWriter } from "./event-writer";
import type { FailureSummary } from "./failure-summary";
import { processTrack, type TrackingDeps } from "./handle-track-request";
import { createRateLimiter } from "./rate-limiter";
import { trackInputFromRequest } from "./track-input";
import { DatabaseUnavailableError, RowsRejectedError } from "./tracking-errors";
import type { TrackingLookups } from "./tracking-lookups";

const SHOP = "outage.myshopify.com";
const TEST = { id: "test-1", shopId: "shop-1", productId: "gid://shopify/Product/111", status: "ACTIVE" as const, trafficSplit: 50 };

function deps(overrides: { lookups?: Partial<TrackingLookups>; writer?: EventWriter }) {
  const failures = { record: vi.fn(), flush: vi.fn(), stop: vi.fn() } satisfies FailureSummary;
  const value: TrackingDeps = {
    lookups: { findShopId: async () => TEST.shopId, findTests: async () => new Map([[TEST.id, TEST]]), ...overrides.lookups },
    writer: overrides.writer ?? { write: async (rows) => rows.map(() => true) },
    ipLimiter: createRateLimiter({ ratePerSecond: 1000, burst: 1000 }),
    shopLimiter: createRateLimiter({ ratePerSecond: 1000, burst: 1000 }),
    visitorLimiter: createRateLimiter({ ratePerSecond: 1000, burst: 1000 }),
    drops: new Map(),
    failures,
  };
  return { deps: value, failures };
}

function request() {
  const body = JSON.stringify({ shop: SHOP, events: [{ id: "evt-1", type: "IMPRESSION", testId: TEST.id, visitorId: "visitor-1", productId: "111" }] });
  return trackInputFromRequest(
    new Request("http://app.test/track", {
      method: "POST",
      body,
      headers: { "content-type": "text/plain", "user-agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148" },
    }),
  );
}

const down = () => Promise.reject(new DatabaseUnavailableError("connect ECONNREFUSED"));

describe("processTrack when the database fails", () => {
  it.each<[string, Parameters<typeof deps>[0]]>([
    ["the shop lookup", { lookups: { findShopId: down } }],
    ["the test lookup", { lookups: { findTests: down } }],
    ["the writer", { writer: { write: down } }],
  ])("GIVEN %s is unavailable WHEN an event arrives THEN 503 + Retry-After, counted in the summary and not logged per request", async (_label, overrides) => {
    const { deps: trackingDeps, failures } = deps(overrides);
    const log = vi.spyOn(console, "error").mockImplementation(() => {});

    const output = await processTrack(request(), trackingDeps);

    expect(output.status).toBe(503);
    expect(output.headers["Retry-After"]).toBe("2");
    expect(output.body).toEqual({ error: { code: "unavailable", message: expect.any(String) } });
    expect(failures.record).toHaveBeenCalledWith("track_unavailable", expect.any(DatabaseUnavailableError));
    expect(log).not.toHaveBeenCalled();
    log.mockRestore();
  });

  it("GIVEN the writer reports that Postgres refused this request's rows WHEN an event arrives THEN it is dropped as invalid with 202, not retried", async () => {
    const { deps: trackingDeps, failures } = deps({ writer: { write: () => Promise.reject(new RowsRejectedError("22021", "invalid byte sequence")) } });

    const output = await processTrack(request(), trackingDeps);

    expect(output.status).toBe(202);
    expect(output.body).toEqual({ accepted: 0, duplicates: 0, dropped: 1 });
    expect(trackingDeps.drops.get("invalid")).toBe(1);
    expect(failures.record).toHaveBeenCalledWith("track_rows_rejected", expect.any(RowsRejectedError));
  });

  it("GIVEN an unexpected bug (not a database failure) WHEN an event arrives THEN it is not disguised as a 503", async () => {
    const { deps: trackingDeps } = deps({ lookups: { findShopId: () => Promise.reject(new TypeError("bug")) } });

    await expect(processTrack(request(), trackingDeps)).rejects.toThrow(TypeError);
  });
});
