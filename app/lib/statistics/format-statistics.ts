// Plain-words formatting of the statistics for the admin page. Locale-independent on purpose
// (toFixed, ASCII minus; money through Intl with a fixed "en-US") so a headline reads the same on
// every server, in the browser that hydrates it and in snapshots.
import { CONFIDENCE_LEVEL, type ConfidenceInterval } from "./confidence";

/**
 * A probability as a percentage, never claiming certainty:
 * - above 99.9% → ">99.9%", below 0.1% → "<0.1%" (a posterior is never exactly 0 or 1);
 * - from 99% to 99.9% and from 0.1% to 1% → one decimal ("99.4%", "0.6%"), so a 99.6% chance
 *   is not rounded to "100%";
 * - otherwise whole percent, rounded half up ("94%").
 */
export function formatChance(probability: number): string {
  if (!(probability >= 0 && probability <= 1)) throw new RangeError(`probability must lie in [0, 1], got ${probability}`);
  if (probability > 0.999) return ">99.9%";
  if (probability < 0.001) return "<0.1%";
  const percent = probability * 100;
  if (probability >= 0.99 || probability <= 0.01) return `${roundHalfAwayFromZero(percent, 1).toFixed(1)}%`;
  return `${roundHalfAwayFromZero(percent, 0).toFixed(0)}%`;
}

/**
 * Rounds half away from zero to `decimals`, after absorbing float noise (0.945 * 100 is
 * 94.49999999999999, which a merchant reads as 94.5 and expects to see as 95).
 */
function roundHalfAwayFromZero(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  const magnitude = Math.round(Number((Math.abs(value) * scale).toPrecision(12))) / scale;
  return value < 0 ? -magnitude : magnitude;
}

/** A rate as a percentage with `decimals` decimals: 0.0342 → "3.42%". */
export function formatPercent(rate: number, decimals = 2): string {
  return `${withoutNegativeZero(roundHalfAwayFromZero(rate * 100, decimals)).toFixed(decimals)}%`;
}

/** A relative change with an explicit sign: 0.097 → "+9.7%", -0.021 → "-2.1%", 0 → "0.0%". */
export function formatSignedPercent(change: number, decimals = 1): string {
  const rounded = withoutNegativeZero(roundHalfAwayFromZero(change * 100, decimals));
  return `${rounded > 0 ? "+" : ""}${rounded.toFixed(decimals)}%`;
}

/** "95% CI -2.1% to +21.5%". */
export function formatInterval(interval: ConfidenceInterval, decimals = 1): string {
  return `${Math.round(CONFIDENCE_LEVEL * 100)}% CI ${formatSignedPercent(interval.lower, decimals)} to ${formatSignedPercent(interval.upper, decimals)}`;
}

/**
 * A money amount with two decimals in the shop currency: "€1,234.50", "CHF 1.24"; a plain "1234.50"
 * when the currency is missing or not an ISO 4217 code. Two decimals even for JPY: the amounts
 * include per-visitor averages.
 */
export function formatMoney(amount: number, currencyCode?: string | null): string {
  // Rounded here first: Intl rounds the binary value, so 1.235 would show as 1.23.
  const rounded = withoutNegativeZero(roundHalfAwayFromZero(amount, 2));
  const format = currencyCode ? currencyFormat(currencyCode) : null;
  return format ? format.format(rounded) : rounded.toFixed(2);
}

function currencyFormat(currencyCode: string): Intl.NumberFormat | null {
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency: currencyCode, minimumFractionDigits: 2, maximumFractionDigits: 2 });
  } catch {
    return null;
  }
}

function withoutNegativeZero(value: number): number {
  return value === 0 ? 0 : value;
}

/** A UTC calendar date, "2026-12-08": the page states dates the way the exports and DESIGN's days do. */
export function formatUtcDate(iso: string | Date): string {
  const date = typeof iso === "string" ? new Date(iso) : iso;
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a date: ${String(iso)}`);
  return date.toISOString().slice(0, 10);
}

/** Elapsed days in words: "less than a day", "1 day", "12 days" (whole days, rounded down). */
export function formatDuration(days: number): string {
  if (!(days >= 0) || !Number.isFinite(days)) throw new RangeError(`days must be a non-negative number, got ${days}`);
  const whole = Math.floor(days);
  return whole === 0 ? "less than a day" : `${whole} ${whole === 1 ? "day" : "days"}`;
}
