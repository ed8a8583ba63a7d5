import { describe, expect, it } from "vitest";
import { analyzeTest, isChanceConsistent } from "./analyze-test";
import {
  buildSequentialComparison,
  compareMeansSequentially,
  compareRatesSequentially,
  computeMixtureHalfWidth,
  MINIMUM_DECISIVE_CHANCE,
  MIXTURE_STANDARD_DEVIATION,
} from "./confidence-sequence";
import { normalQuantile } from "./distributions";
import { compareProportions } from "./proportion-test";
import { createSeededRandom } from "./simulate-daily-looks";

/**
 * The mixture likelihood ratio of Johari et al. (2022), eq. (11) with a N(0, τ²) mixing density,
 * integrated NUMERICALLY (trapezoid over θ) instead of by its closed form: an independent check of
 * the boundary. Λ = ∫ exp((θ·x − θ²/2)/V) φ(θ; 0, τ²) dθ for an estimate x ~ N(θ, V).
 */
function integrateMixtureRatio(estimate: number, variance: number, mixtureVariance: number): number {
  const sd = Math.sqrt(mixtureVariance);
  const steps = 200_000;
  const low = -12 * sd + Math.min(0, estimate);
  const high = 12 * sd + Math.max(0, estimate);
  const h = (high - low) / steps;
  let sum = 0;
  for (let i = 0; i <= steps; i++) {
    const theta = low + i * h;
    const value = Math.exp((theta * estimate - (theta * theta) / 2) / variance - (theta * theta) / (2 * mixtureVariance)) / (sd * Math.sqrt(2 * Math.PI));
    sum += i === 0 || i === steps ? value / 2 : value;
  }
  return sum * h;
}

const counts = (successes: number, trials: number) => ({ successes, trials });

describe("computeMixtureHalfWidth", () => {
  it.each([
    // √(V(V+τ²)/τ² · (2 ln(1/α) + ln(1 + τ²/V))): V = 1, τ² = 1, α = 0.05 → √(2·(5.991465 + 0.693147)) = √13.369224 = 3.656395.
    { variance: 1, mixtureVariance: 1, expected: 3.656395 },
    // V = 0.001, τ² = 0.01: √(0.0011·(5.991465 + ln 11)).
    {
      variance: 0.001,
      mixtureVariance: 0.01,
      expected: Math.sqrt(((0.001 * 0.011) / 0.01) * (2 * Math.log(20) + Math.log(11))),
    },
  ])("GIVEN V = $variance and τ² = $mixtureVariance THEN the half-width is the closed form", ({ variance, mixtureVariance, expected }) => {
    expect(computeMixtureHalfWidth(variance, 0.05, mixtureVariance)).toBeCloseTo(expected, 6);
  });

  it.each([
    { variance: 1, mixtureVariance: 1 },
    { variance: 0.002, mixtureVariance: 0.01 },
    { variance: 0.05, mixtureVariance: 0.01 },
  ])("GIVEN an estimate exactly on the boundary (V = $variance) THEN the numerically integrated mixture ratio is 1/α = 20 (Ville's threshold)", ({ variance, mixtureVariance }) => {
    const boundary = computeMixtureHalfWidth(variance, 0.05, mixtureVariance);

    expect(integrateMixtureRatio(boundary, variance, mixtureVariance)).toBeCloseTo(20, 4);
  });

  it("GIVEN any variance THEN the always-valid interval is wider than the one-look 95% interval (the price of peeking)", () => {
    for (const variance of [1e-8, 1e-4, 0.01, 1, 100]) expect(computeMixtureHalfWidth(variance)).toBeGreaterThan(normalQuantile(0.975) * Math.sqrt(variance));
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])("GIVEN variance %s THEN it refuses", (variance) => {
    expect(() => computeMixtureHalfWidth(variance)).toThrow(RangeError);
  });
});

describe("compareRatesSequentially", () => {
  it("GIVEN 300/10,000 vs 380/10,000 THEN the Katz log-ratio variance, the mixture interval and the posterior chance are the formulas written out", () => {
    const result = compareRatesSequentially(counts(300, 10_000), counts(380, 10_000));
    const variance = 1 / 300 - 1 / 10_000 + 1 / 380 - 1 / 10_000;
    const tau2 = MIXTURE_STANDARD_DEVIATION ** 2;
    const w = Math.sqrt(((variance * (variance + tau2)) / tau2) * (2 * Math.log(20) + Math.log(1 + tau2 / variance)));

    expect(result.logRatio).toBeCloseTo(Math.log(380 / 300), 14);
    expect(result.logRatioVariance).toBeCloseTo(variance, 14);
    expect(result.relativeLift).toBeCloseTo(380 / 300 - 1, 14);
    expect(result.relativeInterval!.lower).toBeCloseTo(Math.exp(Math.log(380 / 300) - w) - 1, 12);
    expect(result.relativeInterval!.upper).toBeCloseTo(Math.exp(Math.log(380 / 300) + w) - 1, 12);
    expect(result.chanceToBeatControl).toBeGreaterThan(MINIMUM_DECISIVE_CHANCE);
  });

  it.each([
    {
      name: "no traffic",
      control: counts(0, 0),
      treatment: counts(0, 0),
      reason: "no visitors in either arm",
      lift: null,
    },
    {
      name: "no control orders",
      control: counts(0, 50),
      treatment: counts(3, 50),
      reason: "control has no orders yet, so a relative lift is undefined",
      lift: null,
    },
    {
      name: "no treatment orders",
      control: counts(3, 50),
      treatment: counts(0, 50),
      reason: "treatment has no orders yet",
      lift: -1,
    },
    {
      name: "every visitor converted",
      control: counts(5, 5),
      treatment: counts(9, 9),
      reason: "every visitor in both arms converted, so no interval",
      lift: 0,
    },
  ])("GIVEN $name THEN no interval and no chance, with the reason", ({ control, treatment, reason, lift }) => {
    const result = compareRatesSequentially(control, treatment, "orders");

    expect(result).toMatchObject({
      relativeInterval: null,
      chanceToBeatControl: null,
      reason,
      relativeLift: lift,
    });
  });

  it("GIVEN the issue's 79-visitor case THEN the interval stays above −100% (the delta method printed −393.4%)", () => {
    const result = compareRatesSequentially(counts(2, 40), counts(5, 39));

    expect(result.relativeInterval!.lower).toBeGreaterThan(-1);
  });
});

describe("compareMeansSequentially", () => {
  it("GIVEN revenue moments THEN the log ratio of means uses the delta-method variance s²/(n·m²) per arm", () => {
    const control = { count: 1000, sum: 1500, sumOfSquares: 150_000 };
    const treatment = { count: 1000, sum: 1800, sumOfSquares: 200_000 };
    const varianceOf = (m: typeof control) => (m.sumOfSquares - m.sum ** 2 / m.count) / (m.count - 1) / m.count / (m.sum / m.count) ** 2;

    const result = compareMeansSequentially(control, treatment);

    expect(result.logRatio).toBeCloseTo(Math.log(1.8 / 1.5), 14);
    expect(result.logRatioVariance).toBeCloseTo(varianceOf(control) + varianceOf(treatment), 14);
    expect(result.relativeInterval!.lower).toBeGreaterThan(-1);
  });

  it.each([
    {
      name: "no squares",
      control: { count: 10, sum: 5, sumOfSquares: null },
      reason: "variance unavailable",
    },
    {
      name: "no revenue in control",
      control: { count: 10, sum: 0, sumOfSquares: 0 },
      reason: "control has no revenue yet, so a relative lift is undefined",
    },
  ])("GIVEN $name THEN no interval", ({ control, reason }) => {
    expect(compareMeansSequentially(control, { count: 10, sum: 7, sumOfSquares: 20 })).toMatchObject({ relativeInterval: null, reason });
  });
});

// Property tests over random counts, tiny (1 visitor) to huge (1e9), from a seeded PRNG so a failure
// replays: the case number and counts are in the assertion message.
const random = createSeededRandom(20261208);
const integer = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
const between = (min: number, max: number) => min + random() * (max - min);

/** An arm's counts at one of three scales: tiny, shop-sized, huge. */
function randomArm(): { successes: number; trials: number } {
  const scale = integer(0, 2);
  const [orders, visitors] =
    scale === 0 ? [integer(1, 60), integer(1, 60)] : scale === 1 ? [integer(0, 20_000), integer(1, 400_000)] : [integer(0, 50_000_000), integer(1, 1_000_000_000)];
  return { successes: Math.min(orders, visitors), trials: visitors };
}

const toTotals = ({ successes, trials }: { successes: number; trials: number }) => ({
  visitors: trials,
  impressions: trials,
  addToCarts: successes,
  orders: successes,
  units: successes,
  revenue: successes * 10,
  revenueSumOfSquares: successes * 100,
});

describe("properties of the page's interval and chance", () => {
  it("GIVEN 3,000 random count pairs THEN the interval never passes −100%, contains the point lift and the one-look Katz interval, and the chance points the same way", () => {
    for (let run = 0; run < 3000; run++) {
      const control = randomArm();
      const treatment = randomArm();
      const label = `case ${run}: ${JSON.stringify({ control, treatment })}`;
      const sequential = compareRatesSequentially(control, treatment);
      if (sequential.relativeInterval === null) continue;
      const { lower, upper } = sequential.relativeInterval;
      const lift = sequential.relativeLift!;
      const chance = sequential.chanceToBeatControl!;
      expect(lower, label).toBeGreaterThanOrEqual(-1);
      expect(lower, label).toBeLessThanOrEqual(lift + 1e-12);
      expect(upper, label).toBeGreaterThanOrEqual(lift - 1e-12);
      const fixed = compareProportions(control, treatment).relativeInterval;
      if (fixed) {
        expect(lower, label).toBeLessThanOrEqual(fixed.lower + 1e-12);
        expect(upper, label).toBeGreaterThanOrEqual(fixed.upper - 1e-12);
      }
      if (lower > 0) expect(chance, label).toBeGreaterThanOrEqual(MINIMUM_DECISIVE_CHANCE - 1e-12);
      if (upper < 0) expect(chance, label).toBeLessThanOrEqual(1 - MINIMUM_DECISIVE_CHANCE + 1e-12);
      if (chance > 0.5) expect(upper, label).toBeGreaterThan(0);
      if (chance < 0.5) expect(lower, label).toBeLessThan(0);
      expect(isChanceConsistent(chance, sequential), label).toBe(true);
    }
  });

  it("GIVEN 1,500 random tests (split, size, rates, age, some with a broken split) THEN the page's verdict, interval and chance never contradict, and a broken split shows no result", () => {
    const seen = new Map<string, number>();
    for (let run = 0; run < 1500; run++) {
      const split = integer(1, 99);
      const scale = integer(0, 2);
      const total = scale === 0 ? integer(2, 200) : scale === 1 ? integer(200, 2_000_000) : integer(2_000_000, 500_000_000);
      const controlRate = between(0.001, 0.3);
      const lift = between(0.5, 2);
      const brokenSplit = random() < 0.5;
      const days = between(0, 90);
      // Arms as the app would see them: the configured split (or 10 points off it), rates around the truth.
      const treatmentVisitors = Math.round((total * (brokenSplit ? Math.min(99, split + 10) : split)) / 100);
      const controlVisitors = total - treatmentVisitors;
      const control = { successes: Math.round(controlVisitors * controlRate), trials: controlVisitors };
      const treatment = { successes: Math.min(treatmentVisitors, Math.round(treatmentVisitors * controlRate * lift)), trials: treatmentVisitors };
      const label = `case ${run}: ${JSON.stringify({ split, days, control, treatment })}`;

      const analysis = analyzeTest({ trafficSplit: split, daysRunning: days, control: toTotals(control), treatment: toTotals(treatment) });

      seen.set(analysis.verdict, (seen.get(analysis.verdict) ?? 0) + 1);
      const interval = analysis.conversionRate.sequential.relativeInterval;
      const chance = analysis.chanceToBeatControl.probability;
      if (analysis.verdict === "treatment_wins") {
        expect(interval!.lower, label).toBeGreaterThan(0);
        expect(chance, label).toBeGreaterThan(0.99);
        expect(analysis.headlines.chanceToBeatControl, label).toMatch(/^Treatment has /);
      }
      if (analysis.verdict === "control_wins") {
        expect(interval!.upper, label).toBeLessThan(0);
        expect(chance, label).toBeLessThan(0.01);
        expect(analysis.headlines.chanceToBeatControl, label).toMatch(/^Control has /);
      }
      if (analysis.verdict === "sample_ratio_mismatch") {
        expect(analysis.headlines, label).toMatchObject({ chanceToBeatControl: null, conversionRate: null, addToCartRate: null, revenuePerVisitor: null });
        expect(analysis.chanceToBeatControl.display, label).toBeNull();
        expect(analysis.sampleRatioCauses.length, label).toBeGreaterThan(0);
      }
      if (chance !== null && interval !== null) {
        if (interval.lower > 0) expect(chance, label).toBeGreaterThan(0.5);
        if (interval.upper < 0) expect(chance, label).toBeLessThan(0.5);
      }
      for (const headline of Object.values(analysis.headlines)) {
        for (const [, lower] of (headline ?? "").matchAll(/CI ([-+]?[\d.]+)% to/g)) expect(Number(lower), label).toBeGreaterThanOrEqual(-100);
      }
    }
    // The generator reaches every verdict, so the checks above were exercised.
    for (const verdict of ["treatment_wins", "control_wins", "sample_ratio_mismatch", "not_enough_data", "no_difference_yet"])
      expect(seen.get(verdict) ?? 0, verdict).toBeGreaterThan(0);
  });

  it("GIVEN a log ratio and variance THEN the chance equals the posterior under the mixture's own normal prior", () => {
    const result = buildSequentialComparison(0.05, 0.001);

    // Prior N(0, τ² = 0.01), estimate 0.05 with V = 0.001: posterior N(τ²x/(V+τ²), Vτ²/(V+τ²)) has
    // mean 0.0454545 and sd 0.0301511 → Φ(1.507557) = 0.934166.
    expect(MIXTURE_STANDARD_DEVIATION ** 2).toBeCloseTo(0.01, 15);
    expect(result.chanceToBeatControl).toBeCloseTo(0.934166, 6);
  });
});
