// Per-arm totals of an A/B test and the rates the admin page shows for them.
//
// Denominators: every test-level rate here is PER VISITOR (distinct visitors with an impression),
// because a visitor is the unit that is randomised into an arm; the statistical tests treat
// visitors as the independent trials. This differs on purpose from DESIGN §4's daily CSV, whose
// ctr and conversionRate divide by IMPRESSIONS (a per-row exposure measure for exports); the two
// must never be compared or mixed on one screen without saying which is which.

/**
 * Totals for one arm over the analysed window, as the caller aggregates them in SQL.
 * Counts are non-negative integers; money is a plain number in the shop currency (convert a
 * Prisma Decimal with `.toNumber()`: doubles are exact to the cent far beyond any shop's revenue).
 */
export interface ArmTotals {
  /**
   * Distinct visitorIds with an IMPRESSION in this arm over the WHOLE window. Not the sum of daily
   * distinct counts: that counts a returning visitor once per day, inflating n and shrinking every
   * interval (and it breaks the sample-ratio check, which assumes one row per visitor).
   */
  visitors: number;
  /** IMPRESSION events. */
  impressions: number;
  /** ADD_TO_CART events (not distinct visitors: one visitor may add several times). */
  addToCarts: number;
  /** Distinct orderIds among PURCHASE events. */
  orders: number;
  /** Sum of PURCHASE quantities. */
  units: number;
  /** Sum of PURCHASE line revenue (the lines' final prices), in the shop currency. */
  revenue: number;
  /**
   * Σ over this arm's visitors of (that visitor's revenue)², where a visitor's revenue is the sum
   * of their PURCHASE line revenue in the window and visitors who bought nothing contribute 0
   * (so they need no row: sum the squares over buyers only). In SQL, for example:
   *   SELECT SUM(r * r) FROM (SELECT SUM("revenue") AS r FROM "ABTestEvent"
   *     WHERE "testId" = $1 AND "arm" = $2::"Arm" AND "eventType" = 'PURCHASE'
   *     GROUP BY "visitorId") AS per_visitor
   * Per-order or per-line squares are NOT a substitute: they understate the variance. Omit it
   * (or pass null) when unavailable; revenue per visitor then has a point estimate but no interval.
   */
  revenueSumOfSquares?: number | null;
  /**
   * Σ and Σ² of per-visitor revenue after capping each visitor at the test's cap (see
   * REVENUE_CAP_PERCENTILE in analyze-test.ts); the revenue statistics use these when present,
   * the table keeps showing the raw `revenue`.
   */
  cappedRevenue?: { sum: number; sumOfSquares: number } | null;
}

export interface ArmSummary {
  visitors: number;
  impressions: number;
  addToCarts: number;
  orders: number;
  units: number;
  revenue: number;
  /** addToCarts / visitors (may exceed 1: add-to-carts are events); 0 with no visitors. */
  addToCartRate: number;
  /** orders / visitors; 0 with no visitors. */
  conversionRate: number;
  /** revenue / visitors; 0 with no visitors. */
  revenuePerVisitor: number;
}

const COUNT_FIELDS = ["visitors", "impressions", "addToCarts", "orders", "units"] as const;

/**
 * Rejects totals no SQL aggregate can produce (negative, fractional or non-finite counts), so a
 * caller's bug fails loudly instead of rendering NaN or a confident-looking wrong result.
 */
export function validateArmTotals(totals: ArmTotals, label = "arm"): void {
  for (const field of COUNT_FIELDS) {
    const value = totals[field];
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${label}.${field} must be a non-negative integer, got ${value}`);
  }
  if (!Number.isFinite(totals.revenue) || totals.revenue < 0) throw new RangeError(`${label}.revenue must be a non-negative number, got ${totals.revenue}`);
  const squares = totals.revenueSumOfSquares;
  if (squares !== undefined && squares !== null && (!Number.isFinite(squares) || squares < 0)) {
    throw new RangeError(`${label}.revenueSumOfSquares must be a non-negative number or null, got ${squares}`);
  }
  const capped = totals.cappedRevenue;
  if (capped && !(Number.isFinite(capped.sum) && capped.sum >= 0 && Number.isFinite(capped.sumOfSquares) && capped.sumOfSquares >= 0)) {
    throw new RangeError(`${label}.cappedRevenue must hold non-negative finite sums, got ${JSON.stringify(capped)}`);
  }
}

/** Divides, answering 0 for an empty denominator: an arm nobody has seen yet shows 0%, not NaN. */
export function divideOrZero(numerator: number, denominator: number): number {
  return denominator > 0 ? numerator / denominator : 0;
}

export function summarizeArm(totals: ArmTotals): ArmSummary {
  validateArmTotals(totals);
  return {
    visitors: totals.visitors,
    impressions: totals.impressions,
    addToCarts: totals.addToCarts,
    orders: totals.orders,
    units: totals.units,
    revenue: totals.revenue,
    addToCartRate: divideOrZero(totals.addToCarts, totals.visitors),
    conversionRate: divideOrZero(totals.orders, totals.visitors),
    revenuePerVisitor: divideOrZero(totals.revenue, totals.visitors),
  };
}
