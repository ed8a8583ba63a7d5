import { describe, expect, it } from "vitest";
import { buildDailySeries, MAX_SERIES_DAYS, type DailyArmRow } from "./daily-series";

describe("buildDailySeries", () => {
  it("GIVEN unsorted per-variant rows with a missing day WHEN built THEN one point per day, variants summed, gaps filled, cumulative rates running", () => {
    const rows: DailyArmRow[] = [
      { date: "2025-03-03", arm: "TREATMENT", visitors: 100, orders: 5 },
      { date: "2025-03-01", arm: "CONTROL", visitors: 60, orders: 1 },
      { date: "2025-03-01", arm: "CONTROL", visitors: 40, orders: 2 },
      { date: "2025-03-01", arm: "TREATMENT", visitors: 100, orders: 4 },
      { date: "2025-03-03", arm: "CONTROL", visitors: 100, orders: 5 },
    ];

    const series = buildDailySeries(rows);

    expect(series).toEqual([
      {
        date: "2025-03-01",
        control: { visitors: 100, orders: 3, conversionRate: 0.03, cumulativeVisitors: 100, cumulativeOrders: 3, cumulativeConversionRate: 0.03 },
        treatment: { visitors: 100, orders: 4, conversionRate: 0.04, cumulativeVisitors: 100, cumulativeOrders: 4, cumulativeConversionRate: 0.04 },
      },
      {
        date: "2025-03-02",
        control: { visitors: 0, orders: 0, conversionRate: null, cumulativeVisitors: 100, cumulativeOrders: 3, cumulativeConversionRate: 0.03 },
        treatment: { visitors: 0, orders: 0, conversionRate: null, cumulativeVisitors: 100, cumulativeOrders: 4, cumulativeConversionRate: 0.04 },
      },
      {
        date: "2025-03-03",
        control: { visitors: 100, orders: 5, conversionRate: 0.05, cumulativeVisitors: 200, cumulativeOrders: 8, cumulativeConversionRate: 0.04 },
        treatment: { visitors: 100, orders: 5, conversionRate: 0.05, cumulativeVisitors: 200, cumulativeOrders: 9, cumulativeConversionRate: 0.045 },
      },
    ]);
  });

  it("GIVEN a treatment that starts a day late WHEN built THEN its rates are null until it has visitors", () => {
    const series = buildDailySeries([
      { date: "2024-02-28", arm: "CONTROL", visitors: 10, orders: 1 },
      { date: "2024-03-01", arm: "TREATMENT", visitors: 20, orders: 1 },
    ]);

    expect(series.map((point) => point.date)).toEqual(["2024-02-28", "2024-02-29", "2024-03-01"]);
    expect(series.map((point) => point.treatment.cumulativeConversionRate)).toEqual([null, null, 0.05]);
  });

  it("GIVEN no rows WHEN built THEN an empty series", () => {
    expect(buildDailySeries([])).toEqual([]);
  });

  it.each([
    [{ date: "2025-02-30", arm: "CONTROL", visitors: 1, orders: 0 }],
    [{ date: "2025-3-1", arm: "CONTROL", visitors: 1, orders: 0 }],
    [{ date: "2025-03-01", arm: "NONE", visitors: 1, orders: 0 }],
    [{ date: "2025-03-01", arm: "CONTROL", visitors: -1, orders: 0 }],
    [{ date: "2025-03-01", arm: "CONTROL", visitors: 1, orders: 0.5 }],
  ])("GIVEN an invalid row %j WHEN built THEN it throws", (row) => {
    expect(() => buildDailySeries([row as DailyArmRow])).toThrow(RangeError);
  });

  it("GIVEN rows years apart WHEN built THEN it refuses to chart more than MAX_SERIES_DAYS", () => {
    expect(() =>
      buildDailySeries([
        { date: "1970-01-01", arm: "CONTROL", visitors: 1, orders: 0 },
        { date: "2025-01-01", arm: "CONTROL", visitors: 1, orders: 0 },
      ]),
    ).toThrow(`at most ${MAX_SERIES_DAYS}`);
  });
});
