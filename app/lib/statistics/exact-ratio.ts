// The one owner of "a ratio of two counts, rounded once" (DESIGN §4): ctr and conversionRate in
// storage, JSON, the CSV and the admin table all come from here, computed from the exact counts.
//
// Why integers: numerator / denominator in a double is already rounded (1/113 is 0.00884955…
// stored as the nearest binary fraction), and rounding a 6-decimal value again to 4 decimals gives
// the wrong 4th decimal whenever the 6-decimal value ends in 5 (1/113 → 0.008850 → "0.0089", the
// exact ratio 0.0088496 → "0.0088"). Scaling with BigInt, n·10^d / m, and rounding the integer
// quotient half away from zero gives the correctly rounded decimal for any counts.

/** Counts are non-negative safe integers (SQL COUNTs); anything else is a caller's bug. */
function toBigInt(value: number | bigint, label: string): bigint {
  if (typeof value === "bigint") {
    if (value < 0n) throw new RangeError(`${label} must be non-negative, got ${value}`);
    return value;
  }
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${label} must be a non-negative integer, got ${value}`);
  return BigInt(value);
}

/**
 * numerator / denominator rounded half away from zero to `decimals` places, as a decimal string with
 * exactly `decimals` digits after the point ("0.0088", "2000.000000"); "0.000…" when the denominator
 * is 0 (DESIGN §4: a ratio over no impressions is 0).
 */
export function formatExactRatio(numerator: number | bigint, denominator: number | bigint, decimals: number): string {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 20) throw new RangeError(`decimals must be an integer in [0, 20], got ${decimals}`);
  const n = toBigInt(numerator, "numerator");
  const m = toBigInt(denominator, "denominator");
  const scale = 10n ** BigInt(decimals);
  // Both counts are non-negative, so "half away from zero" is "half up": ⌊(2·n·10^d + m) / (2·m)⌋.
  const scaled = m === 0n ? 0n : (2n * n * scale + m) / (2n * m);
  const digits = scaled.toString().padStart(decimals + 1, "0");
  return decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

/**
 * The same ratio as a number: the double nearest to the correctly rounded decimal (what storage's
 * numeric column and JSON carry). Parsing the exact decimal string rounds once more only in binary,
 * which prints back as the same decimal — never a different one.
 */
export function roundExactRatio(numerator: number | bigint, denominator: number | bigint, decimals: number): number {
  return Number(formatExactRatio(numerator, denominator, decimals));
}

/** DESIGN §4 precision of every stored and JSON ratio. */
export const STORED_RATIO_DECIMALS = 6;
/** DESIGN §4 precision of every CSV ratio. */
export const CSV_RATIO_DECIMALS = 4;
