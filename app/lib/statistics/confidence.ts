// The confidence level every interval and "winner" decision in the admin uses, in one place so
// the page's wording ("95% confidence") cannot drift from the maths.

/** Two-sided confidence level of every interval: 95%, i.e. α = 0.05. */
export const CONFIDENCE_LEVEL = 0.95;

/** A two-sided confidence interval at CONFIDENCE_LEVEL; lower ≤ upper. */
export interface ConfidenceInterval {
  lower: number;
  upper: number;
}

/** Counts of successes out of trials (visitors) for one arm. */
export interface ProportionCounts {
  successes: number;
  trials: number;
}

/**
 * The binomial model behind the proportion tests needs successes ≤ trials. Orders can exceed
 * visitors (a visitor ordering twice, or a purchase whose impression was lost) and add-to-carts
 * are events, so such counts are capped at the number of visitors and the cap is reported.
 */
export function capAtTrials(counts: ProportionCounts): { successes: number; trials: number; capped: boolean } {
  const capped = counts.successes > counts.trials;
  return { successes: capped ? counts.trials : counts.successes, trials: counts.trials, capped };
}

export function assertProportionCounts(counts: ProportionCounts, label: string): void {
  for (const [field, value] of Object.entries(counts)) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${label}.${field} must be a non-negative integer, got ${value}`);
  }
}
