import { describe, expect, it } from "vitest";
import { formatExactRatio, roundExactRatio } from "./exact-ratio";
import { createSeededRandom } from "./simulate-daily-looks";

/**
 * Independent reference: long division digit by digit on plain integers (no BigInt, no floats
 * beyond exact small integers), then half-up on the next digit and the remainder.
 */
function referenceRatio(numerator: number, denominator: number, decimals: number): string {
  if (denominator === 0) return decimals === 0 ? "0" : `0.${"0".repeat(decimals)}`;
  const whole = Math.floor(numerator / denominator);
  let remainder = numerator % denominator;
  const digits: number[] = [];
  for (let i = 0; i <= decimals; i++) {
    remainder *= 10;
    digits.push(Math.floor(remainder / denominator));
    remainder %= denominator;
  }
  // The digit after the last kept one decides; ≥ 5 rounds up (… 5 exactly with remainder 0 is a tie: away from zero).
  const roundUp = digits.pop()! >= 5;
  let kept = [String(whole), ...digits.map(String)];
  if (roundUp) {
    const asNumber = BigInt(kept.join("")) + 1n; // only to carry; the reference's division stayed integer-exact
    kept = [asNumber.toString().padStart(kept.join("").length, "0")];
  }
  const all = kept.join("").padStart(decimals + 1, "0");
  return decimals === 0 ? all : `${all.slice(0, -decimals)}.${all.slice(-decimals)}`;
}

describe("formatExactRatio", () => {
  it.each([
    // The cells: 6 decimals then 4 gave 0.0089 and 0.1260.
    [1, 113, 4, "0.0088"],
    [15, 119, 4, "0.1261"],
    [1, 113, 6, "0.008850"],
    [15, 119, 6, "0.126050"],
    // Exact ties go away from zero (counts are never negative, so up).
    [1, 8, 2, "0.13"],
    [1, 200, 2, "0.01"],
    [1, 3, 6, "0.333333"],
    [2, 3, 6, "0.666667"],
    [0, 7, 4, "0.0000"],
    [3, 0, 4, "0.0000"],
    [2000, 1, 4, "2000.0000"],
    [7, 2, 0, "4"],
  ])("GIVEN %i / %i to %i decimals THEN %s", (numerator, denominator, decimals, expected) => {
    expect(formatExactRatio(numerator, denominator, decimals)).toBe(expected);
    expect(roundExactRatio(numerator, denominator, decimals)).toBe(Number(expected));
  });

  it("GIVEN every numerator over denominators 1..400 THEN both precisions equal the long-division reference", () => {
    let compared = 0;
    for (let denominator = 1; denominator <= 400; denominator++) {
      for (let numerator = 0; numerator <= denominator; numerator++) {
        expect(formatExactRatio(numerator, denominator, 4)).toBe(referenceRatio(numerator, denominator, 4));
        expect(formatExactRatio(numerator, denominator, 6)).toBe(referenceRatio(numerator, denominator, 6));
        compared++;
      }
    }
    expect(compared).toBe(80_600);
  });

  it("GIVEN random counts up to 1e9 THEN the result equals the reference, and 2^53 − 1 still divides exactly", () => {
    const random = createSeededRandom(11);
    for (let run = 0; run < 2000; run++) {
      const numerator = Math.floor(random() * 1e9);
      const denominator = 1 + Math.floor(random() * 1e9);
      expect(formatExactRatio(numerator, denominator, 4), `${numerator}/${denominator}`).toBe(referenceRatio(numerator, denominator, 4));
    }
    expect(formatExactRatio(Number.MAX_SAFE_INTEGER, 3, 4)).toBe("3002399751580330.3333");
  });

  it.each([[-1, 3], [1.5, 3], [1, -2], [Number.NaN, 1]])("GIVEN %s / %s THEN it refuses the counts", (numerator, denominator) => {
    expect(() => formatExactRatio(numerator, denominator, 4)).toThrow(RangeError);
  });
});
