// Daily conversion-rate series per arm for the admin chart: each day's rate and the running
// (cumulative) rate, from per-day per-arm rows such as VariantDailyStatistics.
//
// Denominator: visitors, like the test-level rates (not impressions as in DESIGN's daily CSV).
// Cumulative visitors are the sum of daily distinct visitors, i.e. visitor-days: a visitor who
// returns on three days counts three times, so the last cumulative rate can differ slightly from
// the test-level rate computed over distinct visitors. That is fine for a trend line; the
// test-level numbers come from analyzeTest.
import type { Arm } from "../assignment";

export interface DailyArmRow {
  /** UTC day, "YYYY-MM-DD" (DESIGN §4). */
  date: string;
  arm: Arm;
  visitors: number;
  orders: number;
}

export interface DailyArmPoint {
  visitors: number;
  orders: number;
  /** orders / visitors that day; null on a day without visitors, so the chart shows a gap, not a 0% dip. */
  conversionRate: number | null;
  cumulativeVisitors: number;
  cumulativeOrders: number;
  /** Running orders / visitors up to and including the day; null until the arm has a visitor. */
  cumulativeConversionRate: number | null;
}

export interface DailySeriesPoint {
  date: string;
  control: DailyArmPoint;
  treatment: DailyArmPoint;
}

/** A span longer than this is a bad date in the input, not a test: refuse rather than allocate it. */
export const MAX_SERIES_DAYS = 3_660;

const MILLISECONDS_PER_DAY = 86_400_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDay(date: string): number {
  const match = DATE_PATTERN.exec(date);
  const time = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
  // Round-trip check rejects impossible dates such as 2024-02-30, which Date.UTC would roll over.
  if (!match || new Date(time).toISOString().slice(0, 10) !== date) throw new RangeError(`date must be a real YYYY-MM-DD day, got ${date}`);
  return time / MILLISECONDS_PER_DAY;
}

function formatDay(dayNumber: number): string {
  return new Date(dayNumber * MILLISECONDS_PER_DAY).toISOString().slice(0, 10);
}

/**
 * One point per day from the first to the last date in `rows`, days without rows included (as
 * zero visitors), sorted ascending. Several rows for the same day and arm (one per variant) are
 * summed.
 */
export function buildDailySeries(rows: readonly DailyArmRow[]): DailySeriesPoint[] {
  const totals = new Map<number, { CONTROL: { visitors: number; orders: number }; TREATMENT: { visitors: number; orders: number } }>();
  for (const row of rows) {
    if (row.arm !== "CONTROL" && row.arm !== "TREATMENT") throw new RangeError(`arm must be CONTROL or TREATMENT, got ${String(row.arm)}`);
    for (const field of ["visitors", "orders"] as const) {
      if (!Number.isSafeInteger(row[field]) || row[field] < 0) throw new RangeError(`${field} must be a non-negative integer, got ${row[field]} on ${row.date}`);
    }
    const day = parseDay(row.date);
    const entry = totals.get(day) ?? { CONTROL: { visitors: 0, orders: 0 }, TREATMENT: { visitors: 0, orders: 0 } };
    entry[row.arm].visitors += row.visitors;
    entry[row.arm].orders += row.orders;
    totals.set(day, entry);
  }
  if (totals.size === 0) return [];
  const days = [...totals.keys()];
  const first = Math.min(...days);
  const last = Math.max(...days);
  if (last - first + 1 > MAX_SERIES_DAYS) throw new RangeError(`the rows span ${last - first + 1} days; at most ${MAX_SERIES_DAYS} are charted`);

  const running = { CONTROL: { visitors: 0, orders: 0 }, TREATMENT: { visitors: 0, orders: 0 } };
  const toPoint = (arm: Arm, day: { visitors: number; orders: number }): DailyArmPoint => {
    running[arm].visitors += day.visitors;
    running[arm].orders += day.orders;
    return {
      visitors: day.visitors,
      orders: day.orders,
      conversionRate: day.visitors > 0 ? day.orders / day.visitors : null,
      cumulativeVisitors: running[arm].visitors,
      cumulativeOrders: running[arm].orders,
      cumulativeConversionRate: running[arm].visitors > 0 ? running[arm].orders / running[arm].visitors : null,
    };
  };
  const series: DailySeriesPoint[] = [];
  for (let day = first; day <= last; day++) {
    const entry = totals.get(day);
    series.push({
      date: formatDay(day),
      control: toPoint("CONTROL", entry?.CONTROL ?? { visitors: 0, orders: 0 }),
      treatment: toPoint("TREATMENT", entry?.TREATMENT ?? { visitors: 0, orders: 0 }),
    });
  }
  return series;
}
