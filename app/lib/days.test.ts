import { describe, expect, it } from "vitest";
import { addDays, dayRange, daysFrom, isDay, yesterday } from "./days";

describe("days", () => {
  it.each([
    ["2026-11-24", true],
    ["2026-02-29", false],
    ["2028-02-29", true],
    ["2026-13-01", false],
    ["2026-1-01", false],
    ["", false],
  ])("GIVEN %j THEN isDay is %s", (value, expected) => {
    expect(isDay(value)).toBe(expected);
  });

  it("GIVEN a day THEN its range is the half-open UTC interval", () => {
    expect(dayRange("2026-11-23")).toEqual({ start: new Date("2026-11-23T00:00:00.000Z"), end: new Date("2026-11-24T00:00:00.000Z") });
  });

  it.each([
    ["2026-11-24T00:00:00.000Z", "2026-11-23"],
    ["2026-11-24T23:59:59.999Z", "2026-11-23"],
    ["2026-03-01T00:00:00.000Z", "2026-02-28"],
  ])("GIVEN now = %s THEN yesterday is %s", (now, expected) => {
    expect(yesterday(new Date(now))).toBe(expected);
  });

  it("GIVEN a range across a month end THEN every day is listed once", () => {
    expect(daysFrom("2026-11-29", "2026-12-02")).toEqual(["2026-11-29", "2026-11-30", "2026-12-01", "2026-12-02"]);
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(() => dayRange("2026-02-30")).toThrow(/Not a calendar day/);
  });
});
