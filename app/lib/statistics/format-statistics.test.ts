import { describe, expect, it } from "vitest";
import { formatChance, formatDuration, formatInterval, formatMoney, formatPercent, formatSignedPercent, formatUtcDate } from "./format-statistics";

describe("formatChance", () => {
  it.each([
    [0.94, "94%"],
    [0.945, "95%"],
    [0.5, "50%"],
    [0.0101, "1%"],
    [0.9899, "99%"],
    [0.99, "99.0%"],
    [0.9949, "99.5%"],
    [0.996, "99.6%"],
    [0.999, "99.9%"],
    [0.9991, ">99.9%"],
    [1, ">99.9%"],
    [0.01, "1.0%"],
    [0.004, "0.4%"],
    [0.001, "0.1%"],
    [0.0009, "<0.1%"],
    [0, "<0.1%"],
  ])("GIVEN a probability of %d WHEN formatted THEN %s (never 100% or 0%)", (probability, expected) => {
    expect(formatChance(probability)).toBe(expected);
  });

  it.each([-0.01, 1.01, Number.NaN])("GIVEN %d WHEN formatted THEN it throws", (probability) => {
    expect(() => formatChance(probability)).toThrow(RangeError);
  });
});

describe("percent and money formatting", () => {
  it.each([
    [0.0342, 2, "3.42%"],
    [0.03425, 2, "3.43%"],
    [0, 2, "0.00%"],
    [1.2, 0, "120%"],
  ])("GIVEN a rate of %d with %d decimals WHEN formatPercent THEN %s", (rate, decimals, expected) => {
    expect(formatPercent(rate, decimals)).toBe(expected);
  });

  it.each([
    [0.097, "+9.7%"],
    [-0.021, "-2.1%"],
    [0, "0.0%"],
    [-0.0004, "0.0%"],
    [-0.0005, "-0.1%"],
    [2.5, "+250.0%"],
  ])("GIVEN a change of %d WHEN formatSignedPercent THEN %s (no '-0.0%')", (change, expected) => {
    expect(formatSignedPercent(change)).toBe(expected);
  });

  it("GIVEN an interval WHEN formatted THEN it names the 95% level", () => {
    expect(formatInterval({ lower: -0.021, upper: 0.215 })).toBe("95% CI -2.1% to +21.5%");
  });

  it.each([
    [1.235, "EUR", "€1.24"],
    [1234.5, "USD", "$1,234.50"],
    // Intl separates a code-style symbol with a no-break space.
    [0.5, "CHF", "CHF\u00a00.50"],
    [1990, "JPY", "¥1,990.00"],
    [-0.001, "EUR", "€0.00"],
    [1234.5, null, "1234.50"],
    [-0.001, undefined, "0.00"],
    [1.235, "", "1.24"],
    [1.235, "EURO", "1.24"],
  ])("GIVEN %d %s WHEN formatMoney THEN %s", (amount, currency, expected) => {
    expect(formatMoney(amount, currency)).toBe(expected);
  });
});

describe("dates and durations", () => {
  it.each([
    ["2026-12-01T23:30:00.000Z", "2026-12-01"],
    ["2026-12-08T00:00:00.000Z", "2026-12-08"],
  ])("GIVEN %s WHEN formatUtcDate THEN the UTC calendar day %s", (iso, expected) => {
    expect(formatUtcDate(iso)).toBe(expected);
  });

  it.each([
    [0, "less than a day"],
    [0.99, "less than a day"],
    [1, "1 day"],
    [13.7, "13 days"],
  ])("GIVEN %d days WHEN formatDuration THEN %s", (days, expected) => {
    expect(formatDuration(days)).toBe(expected);
  });

  it("GIVEN nonsense WHEN formatted THEN it throws", () => {
    expect(() => formatUtcDate("not a date")).toThrow(RangeError);
    expect(() => formatDuration(-1)).toThrow(RangeError);
  });
});
