import { describe, expect, it } from "vitest";
import { APP_RULE, createSeededRandom, drawBinomial, FIXED_HORIZON_DAILY_RULE, medianDecisionDay, simulateDailyLooks } from "./simulate-daily-looks";

describe("drawBinomial", () => {
  it("GIVEN 20,000 draws of Binomial(1000, 0.03) THEN mean and variance match n·p and n·p·(1 − p)", () => {
    const random = createSeededRandom(7);
    const draws = Array.from({ length: 20_000 }, () => drawBinomial(random, 1000, 0.03));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / (draws.length - 1);

    expect(mean).toBeCloseTo(30, 0);
    expect(variance / 29.1).toBeGreaterThan(0.95);
    expect(variance / 29.1).toBeLessThan(1.05);
    expect(drawBinomial(random, 10, 0)).toBe(0);
    expect(drawBinomial(random, 10, 1)).toBe(10);
  });
});

describe("simulateDailyLooks", () => {
  // The full figures come from `npm run bench:stats` (2,000 simulations); this pins the guarantee cheaply.
  it("GIVEN 400 A/A tests read daily for 28 days THEN the app names a false winner in at most 5%, while the one-look test read daily does far more often", () => {
    const [app, fixed] = simulateDailyLooks({
      random: createSeededRandom(20261208),
      simulations: 400,
      days: 28,
      visitorsPerDay: 2000,
      trafficSplit: 50,
      controlRate: 0.03,
      relativeLift: 0,
      rules: [APP_RULE, FIXED_HORIZON_DAILY_RULE],
    });

    expect(app.decided / 400).toBeLessThanOrEqual(0.05);
    expect(fixed.decided / 400).toBeGreaterThan(0.15);
  });

  it("GIVEN A/B tests with a true +30% lift THEN the app calls treatment, never control, within the horizon", () => {
    const [app] = simulateDailyLooks({
      random: createSeededRandom(3),
      simulations: 60,
      days: 60,
      visitorsPerDay: 2000,
      trafficSplit: 50,
      controlRate: 0.03,
      relativeLift: 0.3,
      rules: [APP_RULE],
    });

    expect(app.treatmentWins).toBe(app.decided);
    expect(medianDecisionDay(app, 60)).not.toBeNull();
    expect(medianDecisionDay(app, 60)!).toBeGreaterThanOrEqual(7);
  });
});
