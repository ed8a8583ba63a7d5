import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createFailureSummary } from "./failure-summary";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("createFailureSummary", () => {
  it("GIVEN 1,390 failures in one interval WHEN the interval ends THEN two lines are logged: the first failure at once, then the count", () => {
    const lines: string[] = [];
    const summary = createFailureSummary({ intervalMs: 10_000, log: (line) => lines.push(line) });

    for (let i = 1; i <= 1_390; i++) summary.record("track_unavailable", new Error(`connect ECONNREFUSED #${i}`));
    expect(lines.map((line) => JSON.parse(line))).toEqual([{ event: "track_unavailable", n: 1, first: true, lastError: "connect ECONNREFUSED #1" }]);
    vi.advanceTimersByTime(10_000);

    expect(JSON.parse(lines[1])).toEqual({ event: "track_unavailable", n: 1_389, intervalMs: 10_000, lastError: "connect ECONNREFUSED #1390" });
    expect(lines).toHaveLength(2);
    summary.stop();
  });

  it("GIVEN an outage that ended WHEN a quiet interval passes THEN nothing more is logged and the next failure is logged at once again", () => {
    const lines: string[] = [];
    const summary = createFailureSummary({ intervalMs: 1_000, log: (line) => lines.push(line) });

    summary.record("track_unavailable", new Error("down"));
    summary.record("track_unavailable", new Error("down"));
    vi.advanceTimersByTime(5_000);
    expect(lines).toHaveLength(2);
    summary.record("track_unavailable", new Error("down again"));

    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[2])).toMatchObject({ first: true, lastError: "down again" });
    summary.stop();
  });
});
