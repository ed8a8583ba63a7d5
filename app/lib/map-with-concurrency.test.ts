import { describe, expect, it } from "vitest";
import { mapWithConcurrency } from "./map-with-concurrency";

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe("mapWithConcurrency", () => {
  it.each([1, 3, 50])(
    "GIVEN a limit of %i WHEN mapping 20 items THEN order is kept and the limit never exceeded",
    async (limit) => {
      let inFlight = 0;
      let peak = 0;

      const results = await mapWithConcurrency(
        Array.from({ length: 20 }, (_, index) => index),
        limit,
        async (item) => {
          inFlight++;
          peak = Math.max(peak, inFlight);
          await delay(item % 3);
          inFlight--;
          return item * 2;
        }
      );

      expect(results).toEqual(Array.from({ length: 20 }, (_, index) => index * 2));
      expect(peak).toBe(Math.min(limit, 20));
    }
  );

  it("GIVEN a failing item WHEN mapping THEN no new calls start and the first error is thrown after in-flight calls end", async () => {
    const started: number[] = [];
    let finished = 0;

    const outcome = mapWithConcurrency([0, 1, 2, 3, 4, 5], 2, async (item) => {
      started.push(item);
      if (item === 1) throw new Error("boom");
      await delay(5);
      finished++;
      return item;
    });

    await expect(outcome).rejects.toThrow("boom");
    expect(started).toEqual([0, 1]);
    expect(finished).toBe(1);
  });

  it("GIVEN no items WHEN mapping THEN an empty array", async () => {
    await expect(mapWithConcurrency([], 4, async () => 1)).resolves.toEqual([]);
  });

  it.each([0, -1, 1.5])("GIVEN concurrency %s WHEN mapping THEN RangeError", async (limit) => {
    await expect(mapWithConcurrency([1], limit, async () => 1)).rejects.toBeInstanceOf(RangeError);
  });
});
