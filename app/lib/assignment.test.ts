import { describe, expect, it } from "vitest";
import { assignArm, bucket, fnv1a32 } from "./assignment";

describe("fnv1a32", () => {
  // Reference values of 32-bit FNV-1a from the FNV authors' test vectors (isthe.com/chongo/tech/comp/fnv).
  it.each([
    ["", 0x811c9dc5],
    ["a", 0xe40c292c],
    ["foobar", 0xbf9cf968],
  ])("GIVEN %j THEN the hash is the published FNV-1a value", (input, expected) => {
    expect(fnv1a32(input)).toBe(expected);
  });

  it("GIVEN non-ASCII input THEN it hashes the UTF-8 bytes (same as hashing the encoded bytes)", () => {
    const viaEncoder = Array.from(new TextEncoder().encode("é✓😀")).reduce((hash, byte) => Math.imul(hash ^ byte, 0x01000193) >>> 0, 0x811c9dc5);

    expect(fnv1a32("é✓😀")).toBe(viaEncoder);
  });
});

describe("assignArm", () => {
  // Pinned outputs: changing the hash or its input format would silently reshuffle live visitors.
  it.each([
    { testId: "test_1", visitorId: "visitor_1", split: 50, bucket: "0.343327", arm: "TREATMENT" },
    { testId: "test_1", visitorId: "visitor_2", split: 50, bucket: "0.331608", arm: "TREATMENT" },
    { testId: "test_1", visitorId: "visitor_2", split: 30, bucket: "0.331608", arm: "CONTROL" },
    { testId: "cm3abc", visitorId: "4f9d2c1e-8b7a-4c3d-9e2f-1a2b3c4d5e6f", split: 50, bucket: "0.656437", arm: "CONTROL" },
    { testId: "cm3abc", visitorId: "4f9d2c1e-8b7a-4c3d-9e2f-1a2b3c4d5e6f", split: 70, bucket: "0.656437", arm: "TREATMENT" },
  ])("GIVEN test $testId, visitor $visitorId at $split THEN bucket $bucket and arm $arm", ({ testId, visitorId, split, bucket: expected, arm }) => {
    expect(bucket(testId, visitorId).toFixed(6)).toBe(expected);
    expect(assignArm(testId, visitorId, split)).toBe(arm);
  });

  it.each([
    [0, "CONTROL"],
    [100, "TREATMENT"],
  ])("GIVEN a split of %i percent THEN every visitor gets %s", (split, arm) => {
    for (let i = 0; i < 1000; i++) expect(assignArm("t", `v${i}`, split)).toBe(arm);
  });

  it.each([50, 10, 90])("GIVEN 100,000 random visitors at a split of %i percent THEN the treatment share is within one point of it", (split) => {
    let treatment = 0;
    for (let i = 0; i < 100_000; i++) {
      if (assignArm("cm3testid0001", crypto.randomUUID(), split) === "TREATMENT") treatment++;
    }
    expect(Math.abs(treatment / 1000 - split)).toBeLessThan(1);
  });

  it("GIVEN the same visitor in two tests THEN the assignments are independent", () => {
    let same = 0;
    for (let i = 0; i < 20_000; i++) {
      const visitor = `v-${i}`;
      if (assignArm("test-a", visitor, 50) === assignArm("test-b", visitor, 50)) same++;
    }
    expect(Math.abs(same / 20_000 - 0.5)).toBeLessThan(0.02);
  });
});
