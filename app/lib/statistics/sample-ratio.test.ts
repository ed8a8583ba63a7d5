import { describe, expect, it } from "vitest";
import { checkSampleRatio, SRM_P_VALUE_THRESHOLD } from "./sample-ratio";

describe("checkSampleRatio", () => {
  it("GIVEN Kohavi's published SRM example WHEN checked THEN p ≈ 1.8e-6 and it is flagged", () => {
    // Kohavi, Tang & Xu, "Trustworthy Online Controlled Experiments" (2020), ch. 21: a 50/50 test with
    // 821,588 control and 815,482 treatment users has a sample-ratio p-value of 1.8E-6.
    // Full digits: χ² = 2·3053²/818535 = 22.774369, scipy.stats.chi2.sf(22.774369, 1) = 1.8217929e-6.
    const result = checkSampleRatio({ controlVisitors: 821_588, treatmentVisitors: 815_482, trafficSplit: 50 });

    expect(result.chiSquare).toBeCloseTo(22.77436884189436, 9);
    expect(result.pValue).toBeCloseTo(1.8217928726191858e-6, 15);
    expect(result.mismatch).toBe(true);
  });

  // χ² by hand, p from scipy.stats.chi2.sf (= R's pchisq(x, 1, lower.tail = FALSE)).
  it.each([
    { name: "50/50 with 50,000 vs 51,000", control: 50_000, treatment: 51_000, split: 50, chiSquare: 9.900990099009901, pValue: 0.001651898732357361, mismatch: false },
    { name: "10% split with 8,900 vs 1,100", control: 8_900, treatment: 1_100, split: 10, chiSquare: 11.11111111111111, pValue: 0.0008581206663936758, mismatch: true },
    { name: "10% split matched exactly", control: 9_000, treatment: 1_000, split: 10, chiSquare: 0, pValue: 1, mismatch: false },
    { name: "50/50 matched exactly", control: 5_000, treatment: 5_000, split: 50, chiSquare: 0, pValue: 1, mismatch: false },
  ])("GIVEN $name WHEN checked THEN χ² = $chiSquare, p = $pValue, mismatch $mismatch", ({ control, treatment, split, chiSquare, pValue, mismatch }) => {
    const result = checkSampleRatio({ controlVisitors: control, treatmentVisitors: treatment, trafficSplit: split });

    expect(result.chiSquare).toBeCloseTo(chiSquare, 10);
    expect(result.pValue).toBeCloseTo(pValue, 14);
    expect(result.mismatch).toBe(mismatch);
    expect(result.expectedTreatmentShare).toBe(split / 100);
  });

  it("GIVEN the threshold WHEN read THEN it is 0.001, flagged strictly below", () => {
    expect(SRM_P_VALUE_THRESHOLD).toBe(0.001);
  });

  it.each([
    { name: "no visitors", control: 0, treatment: 0, split: 50, pValue: 1, mismatch: false, observed: null, chiSquare: 0 },
    { name: "0% split and nobody in treatment", control: 500, treatment: 0, split: 0, pValue: 1, mismatch: false, observed: 0, chiSquare: 0 },
    { name: "0% split but treatment visitors", control: 500, treatment: 3, split: 0, pValue: 0, mismatch: true, observed: 3 / 503, chiSquare: null },
    { name: "100% split and nobody in control", control: 0, treatment: 700, split: 100, pValue: 1, mismatch: false, observed: 1, chiSquare: 0 },
    { name: "100% split but control visitors", control: 1, treatment: 700, split: 100, pValue: 0, mismatch: true, observed: 700 / 701, chiSquare: null },
  ])("GIVEN $name WHEN checked THEN p = $pValue and mismatch $mismatch (no NaN or Infinity)", ({ control, treatment, split, pValue, mismatch, observed, chiSquare }) => {
    const result = checkSampleRatio({ controlVisitors: control, treatmentVisitors: treatment, trafficSplit: split });

    expect(result).toEqual({ observedTreatmentShare: observed, expectedTreatmentShare: split / 100, chiSquare, pValue, mismatch });
  });

  it("GIVEN 1e8 visitors a hair off 50/50 WHEN checked THEN tiny relative drifts are caught and nothing overflows", () => {
    const result = checkSampleRatio({ controlVisitors: 100_000_000, treatmentVisitors: 100_050_000, trafficSplit: 50 });

    // χ² = 2·25,000²/100,025,000 = 12.4969
    expect(result.chiSquare).toBeCloseTo(12.496875781054737, 8);
    expect(result.mismatch).toBe(true);
    expect(result.pValue).toBeGreaterThan(0);
  });

  it.each([
    { controlVisitors: -1, treatmentVisitors: 0, trafficSplit: 50 },
    { controlVisitors: 1, treatmentVisitors: 0.5, trafficSplit: 50 },
    { controlVisitors: 1, treatmentVisitors: 1, trafficSplit: 101 },
    { controlVisitors: 1, treatmentVisitors: 1, trafficSplit: Number.NaN },
  ])("GIVEN invalid input %j WHEN checked THEN it throws", (input) => {
    expect(() => checkSampleRatio(input)).toThrow(RangeError);
  });
});
