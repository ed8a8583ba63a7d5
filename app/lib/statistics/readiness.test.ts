import { describe, expect, it } from "vitest";
import { normalCdf, normalQuantile } from "./distributions";
import {
  assessReadiness,
  countDaysRunning,
  estimateSampleSize,
  MINIMUM_DAYS_RUNNING,
  MINIMUM_ORDERS_PER_ARM,
  TARGET_POWER,
  type ReadinessInput,
} from "./readiness";

const arm = (visitors: number, orders: number) => ({ visitors, orders });

describe("readiness constants", () => {
  it("GIVEN the documented guard WHEN read THEN it is 7 full days, 30 orders per arm and 80% power", () => {
    expect({ MINIMUM_DAYS_RUNNING, MINIMUM_ORDERS_PER_ARM, TARGET_POWER }).toEqual({ MINIMUM_DAYS_RUNNING: 7, MINIMUM_ORDERS_PER_ARM: 30, TARGET_POWER: 0.8 });
  });
});

describe("assessReadiness", () => {
  it.each([
    { name: "enough of everything", input: { daysRunning: 7, control: arm(1000, 30), treatment: arm(1000, 31) }, ready: true, codes: [], days: 0 },
    { name: "6.9 days", input: { daysRunning: 6.9, control: arm(1000, 40), treatment: arm(1000, 40) }, ready: false, codes: ["too_few_days"], days: 1 },
    { name: "day 3, 15 and 10 orders", input: { daysRunning: 3, control: arm(300, 15), treatment: arm(300, 10) }, ready: false, codes: ["too_few_days", "too_few_orders_control", "too_few_orders_treatment"], days: 6 },
    // Control: 15 orders in 7 days → 15/7 a day → 7 more days (exactly, not 8 from float noise).
    { name: "a week, control short", input: { daysRunning: 7, control: arm(700, 15), treatment: arm(700, 35) }, ready: false, codes: ["too_few_orders_control"], days: 7 },
    { name: "a week, treatment short at 29", input: { daysRunning: 10, control: arm(700, 50), treatment: arm(700, 29) }, ready: false, codes: ["too_few_orders_treatment"], days: 1 },
    { name: "an arm without any order yet", input: { daysRunning: 4, control: arm(700, 0), treatment: arm(700, 9) }, ready: false, codes: ["too_few_days", "too_few_orders_control", "too_few_orders_treatment"], days: null },
    { name: "less than a day of data", input: { daysRunning: 0.5, control: arm(50, 2), treatment: arm(50, 1) }, ready: false, codes: ["too_few_days", "too_few_orders_control", "too_few_orders_treatment"], days: null },
    { name: "zero traffic", input: { daysRunning: 0, control: arm(0, 0), treatment: arm(0, 0) }, ready: false, codes: ["too_few_days", "too_few_orders_control", "too_few_orders_treatment"], days: null },
    { name: "a fast shop on day 0.5", input: { daysRunning: 0.5, control: arm(5000, 60), treatment: arm(5000, 70) }, ready: false, codes: ["too_few_days"], days: 7 },
  ])("GIVEN $name WHEN assessed THEN ready $ready, reasons $codes, about $days more days", ({ input, ready, codes, days }) => {
    const readiness = assessReadiness(input);

    expect(readiness.ready).toBe(ready);
    expect(readiness.reasons.map((reason) => reason.code)).toEqual(codes);
    expect(readiness.estimatedDaysRemaining).toBe(days);
    expect(readiness.fullDaysRunning).toBe(Math.floor(input.daysRunning));
  });

  it("GIVEN a short test WHEN assessed THEN the reasons read as plain sentences", () => {
    const readiness = assessReadiness({ daysRunning: 3.2, control: arm(300, 12), treatment: arm(300, 30) });

    expect(readiness.reasons.map((reason) => reason.message)).toEqual([
      "The test has run 3 of the 7 full days needed (a full week, so every weekday counts).",
      "Control has 12 of the 30 orders needed.",
    ]);
  });

  it("GIVEN an observed lift WHEN assessed THEN the power estimate sizes the test for it and extrapolates the visitor pace", () => {
    // 10 days, 10,000 visitors per arm at 3.0% vs 3.3%: estimateSampleSize gives 53,210.3 per arm
    // (the power.prop.test formula, cross-checked below), i.e. 43,211 more at 1,000 a day → 44 days.
    const readiness = assessReadiness({ daysRunning: 10, control: arm(10_000, 300), treatment: arm(10_000, 330) });

    expect(readiness.power.relativeLift).toBeCloseTo(0.1, 12);
    expect(readiness.power.visitorsNeeded).toEqual({ control: 53_211, treatment: 53_211 });
    expect(readiness.power.estimatedDaysRemaining).toBe(44);
    expect(readiness.power.reason).toBeNull();
  });

  it.each([
    { name: "no visitors", input: { daysRunning: 3, control: arm(0, 0), treatment: arm(0, 0) }, reason: "an arm has no visitors yet" },
    { name: "no control orders", input: { daysRunning: 3, control: arm(100, 0), treatment: arm(100, 2) }, reason: "control has no orders yet" },
    { name: "equal rates", input: { daysRunning: 3, control: arm(100, 2), treatment: arm(200, 4) }, reason: "the arms convert at the same rate, so there is no observed lift to size for" },
    { name: "less than a day", input: { daysRunning: 0.2, control: arm(100, 2), treatment: arm(100, 4) }, reason: "less than a day of data to extrapolate from" },
  ])("GIVEN $name WHEN assessed THEN the power estimate is null and says why", ({ input, reason }) => {
    const { power } = assessReadiness(input);

    expect(power.estimatedDaysRemaining).toBeNull();
    expect(power.reason).toBe(reason);
  });

  it("GIVEN the power target already reached WHEN assessed THEN the power estimate is 0 days", () => {
    const { power } = assessReadiness({ daysRunning: 30, control: arm(100_000, 3000), treatment: arm(100_000, 3600) });

    expect(power.estimatedDaysRemaining).toBe(0);
  });

  it.each([
    { name: "ended on day 3 short of orders", input: { daysRunning: 3, control: arm(300, 15), treatment: arm(300, 10) }, ready: false, codes: ["too_few_days", "too_few_orders_control", "too_few_orders_treatment"], days: null },
    { name: "ended after a week, control short", input: { daysRunning: 7, control: arm(700, 15), treatment: arm(700, 35) }, ready: false, codes: ["too_few_orders_control"], days: null },
    { name: "ended with enough of everything", input: { daysRunning: 10, control: arm(1000, 30), treatment: arm(1000, 31) }, ready: true, codes: [], days: 0 },
  ])("GIVEN a test $name WHEN assessed as ended THEN no days are estimated", ({ input, ready, codes, days }) => {
    const readiness = assessReadiness({ ...input, ended: true });

    expect(readiness.ready).toBe(ready);
    expect(readiness.reasons.map((reason) => reason.code)).toEqual(codes);
    expect(readiness.estimatedDaysRemaining).toBe(days);
  });

  it("GIVEN an ended test with an observed lift WHEN assessed THEN the reasons speak in the past and the power estimate names no days", () => {
    const readiness = assessReadiness({ daysRunning: 3.2, control: arm(10_000, 300), treatment: arm(10_000, 330), ended: true });

    expect(readiness.reasons[0].message).toBe("The test ran 3 of the 7 full days needed (a full week, so every weekday counts).");
    expect(readiness.power).toEqual({ estimatedDaysRemaining: null, visitorsNeeded: { control: 53_211, treatment: 53_211 }, relativeLift: expect.closeTo(0.1, 12), reason: "the test has ended" });
  });

  it("GIVEN no ended flag WHEN assessed THEN it is the same as a running test", () => {
    const input = { daysRunning: 3, control: arm(300, 15), treatment: arm(300, 10) };

    expect(assessReadiness(input)).toEqual(assessReadiness({ ...input, ended: false }));
  });

  it.each<ReadinessInput>([
    { daysRunning: -1, control: arm(1, 0), treatment: arm(1, 0) },
    { daysRunning: Number.NaN, control: arm(1, 0), treatment: arm(1, 0) },
    { daysRunning: 1, control: arm(-1, 0), treatment: arm(1, 0) },
    { daysRunning: 1, control: arm(1, 0), treatment: arm(1, 0.5) },
  ])("GIVEN invalid input %j WHEN assessed THEN it throws", (input) => {
    expect(() => assessReadiness(input)).toThrow(RangeError);
  });
});

describe("estimateSampleSize", () => {
  it("GIVEN R's power.prop.test documentation example WHEN sized for 90% power THEN n = 76.7 per arm", () => {
    // ?power.prop.test: power.prop.test(p1 = .50, p2 = .75, power = .90)  ## => n = 76.7
    // Full digits (76.70692845) from solving R's power equation with scipy 1.17's brentq.
    const n = estimateSampleSize({ controlRate: 0.5, treatmentRate: 0.75, treatmentToControlRatio: 1, alpha: 0.05, power: 0.9 });

    expect(n.control).toBeCloseTo(76.70692845177743, 9);
    expect(n.treatment).toBeCloseTo(76.70692845177743, 9);
  });

  it("GIVEN the same example at n = 50 WHEN R's power formula is evaluated at our n THEN it matches R's documented power = 0.740 at 50", () => {
    // ?power.prop.test: power.prop.test(n = 50, p1 = .50, p2 = .75)  ## => power = 0.740
    const power = (n: number) =>
      normalCdf((Math.sqrt(n) * 0.25 - normalQuantile(0.975) * Math.sqrt(((0.5 + 0.75) * (0.5 + 0.25)) / 2)) / Math.sqrt(0.5 * 0.5 + 0.75 * 0.25));

    expect(power(50)).toBeCloseTo(0.740, 3);
    const n = estimateSampleSize({ controlRate: 0.5, treatmentRate: 0.75, treatmentToControlRatio: 1, alpha: 0.05, power: 0.74 });
    expect(power(n.control)).toBeCloseTo(0.74, 12);
  });

  it.each([
    { controlRate: 0.03, treatmentRate: 0.033, k: 1 },
    { controlRate: 0.03, treatmentRate: 0.036, k: 0.25 },
    { controlRate: 0.1, treatmentRate: 0.08, k: 3 },
  ])("GIVEN p_C = $controlRate, p_T = $treatmentRate, k = $k WHEN sized for 80% THEN the power of the unequal-arm z-test at that n is 0.8", ({ controlRate, treatmentRate, k }) => {
    // Independent check: the normal-approximation power of the two-sided test with n_C and n_T arms.
    const n = estimateSampleSize({ controlRate, treatmentRate, treatmentToControlRatio: k, alpha: 0.05, power: 0.8 });
    const pooled = (n.control * controlRate + n.treatment * treatmentRate) / (n.control + n.treatment);
    const nullSe = Math.sqrt(pooled * (1 - pooled) * (1 / n.control + 1 / n.treatment));
    const altSe = Math.sqrt((controlRate * (1 - controlRate)) / n.control + (treatmentRate * (1 - treatmentRate)) / n.treatment);

    expect(n.treatment / n.control).toBeCloseTo(k, 12);
    expect(normalCdf((Math.abs(treatmentRate - controlRate) - normalQuantile(0.975) * nullSe) / altSe)).toBeCloseTo(0.8, 10);
  });

  it("GIVEN equal rates WHEN sized THEN it refuses (no finite n detects a zero difference)", () => {
    expect(() => estimateSampleSize({ controlRate: 0.03, treatmentRate: 0.03, treatmentToControlRatio: 1, alpha: 0.05, power: 0.8 })).toThrow(RangeError);
  });
});

describe("countDaysRunning", () => {
  it.each([
    { startedAt: "2025-03-01T00:00:00Z", asOf: "2025-03-08T00:00:00Z", days: 7 },
    { startedAt: "2025-03-01T12:00:00Z", asOf: "2025-03-02T00:00:00Z", days: 0.5 },
    { startedAt: "2025-03-29T00:00:00Z", asOf: "2025-04-01T00:00:00Z", days: 3 },
    { startedAt: "2025-03-02T00:00:00Z", asOf: "2025-03-01T00:00:00Z", days: 0 },
  ])("GIVEN a start $startedAt and a clock at $asOf WHEN counted THEN $days days", ({ startedAt, asOf, days }) => {
    expect(countDaysRunning(new Date(startedAt), new Date(asOf))).toBe(days);
  });

  it("GIVEN an invalid date WHEN counted THEN it throws", () => {
    expect(() => countDaysRunning(new Date("nope"), new Date())).toThrow(RangeError);
  });
});
