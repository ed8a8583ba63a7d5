import { describe, expect, it } from "vitest";
import { computeMixtureHalfWidth } from "./confidence-sequence";
import { normalQuantile } from "./distributions";
import {
  assessReadiness,
  countDaysRunning,
  describeMissingMinimums,
  findDecisiveVariance,
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

  it("GIVEN an observed lift WHEN assessed THEN the power estimate sizes the always-valid interval for it and extrapolates the visitor pace", () => {
    // 10 days, 10,000 visitors per arm at 3.0% vs 3.3%: Katz variance now 1/300 + 1/330 − 2/10⁴ =
    // 0.0061636; the interval clears ln 1.1 with 80% power at V* = 0.00059499 (findDecisiveVariance),
    // i.e. 10.359× the visitors: 103,593 per arm, 93,593 more at 1,000 a day → 94 days. (The one-look
    // z-test would need 53,211: peeking safely costs about 1.9× the traffic at 80% power.)
    const readiness = assessReadiness({ daysRunning: 10, control: arm(10_000, 300), treatment: arm(10_000, 330) });

    expect(readiness.power.relativeLift).toBeCloseTo(0.1, 12);
    expect(readiness.power.visitorsNeeded).toEqual({ control: 103_593, treatment: 103_593 });
    expect(readiness.power.estimatedDaysRemaining).toBe(94);
    expect(readiness.power.reason).toBeNull();
  });

  it.each([
    { name: "missing days and orders in both arms", input: { daysRunning: 4.5, control: arm(300, 18), treatment: arm(300, 29) }, missing: { days: 3, controlOrders: 12, treatmentOrders: 1 }, text: "needs 12 more orders in control, 1 more order in treatment; 3 more days of running" },
    { name: "only control short", input: { daysRunning: 9, control: arm(900, 18), treatment: arm(900, 31) }, missing: { days: 0, controlOrders: 12, treatmentOrders: 0 }, text: "needs 12 more orders in control" },
    { name: "only a day short", input: { daysRunning: 6.2, control: arm(900, 40), treatment: arm(900, 41) }, missing: { days: 1, controlOrders: 0, treatmentOrders: 0 }, text: "needs 1 more day of running" },
    { name: "nothing missing", input: { daysRunning: 7, control: arm(900, 40), treatment: arm(900, 41) }, missing: { days: 0, controlOrders: 0, treatmentOrders: 0 }, text: null },
  ])("GIVEN $name WHEN assessed THEN the missing minimums are named: $text", ({ input, missing, text }) => {
    const readiness = assessReadiness(input);

    expect(readiness.missing).toEqual(missing);
    expect(describeMissingMinimums(readiness)).toBe(text);
  });

  it.each([
    { name: "no visitors", input: { daysRunning: 3, control: arm(0, 0), treatment: arm(0, 0) }, reason: "an arm has no visitors yet" },
    { name: "no control orders", input: { daysRunning: 3, control: arm(100, 0), treatment: arm(100, 2) }, reason: "control has no orders yet" },
    { name: "no treatment orders", input: { daysRunning: 3, control: arm(100, 2), treatment: arm(100, 0) }, reason: "treatment has no orders yet" },
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
    expect(readiness.power).toEqual({ estimatedDaysRemaining: null, visitorsNeeded: { control: 103_593, treatment: 103_593 }, relativeLift: expect.closeTo(0.1, 12), reason: "the test has ended" });
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

describe("findDecisiveVariance", () => {
  it.each([Math.log(1.1), -Math.log(1.1), 0.01, 0.5])("GIVEN a log lift of %d THEN at the variance found the effect minus z_0.8·SE equals the always-valid half-width", (effect) => {
    const variance = findDecisiveVariance(effect, 0.8);

    expect(Math.abs(effect) - normalQuantile(0.8) * Math.sqrt(variance)).toBeCloseTo(computeMixtureHalfWidth(variance), 10);
  });

  it.each([0, Number.NaN])("GIVEN an effect of %d THEN it refuses (no variance detects nothing)", (effect) => {
    expect(() => findDecisiveVariance(effect, 0.8)).toThrow(RangeError);
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
