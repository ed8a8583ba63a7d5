// The invalid-key table lives in the contract (so both drivers are held to it); this file
// pins the accepting side and the ordering helper.
import { describe, expect, it } from "vitest";
import {
  assertValidFolderPrefix,
  assertValidObjectKey,
  assertValidObjectPrefix,
  compareObjectKeys,
  MAX_OBJECT_KEY_BYTES,
  MAX_OBJECT_KEY_SEGMENT_BYTES,
} from "./object-key";

describe("assertValidObjectKey", () => {
  it.each([
    ["a single segment", "x"],
    ["nested folders", "shops/example.myshopify.com/exports/2024-01-01.csv"],
    ["dots inside names", "a/..b/c..d/.e"],
    ["spaces and punctuation", "a/hello world (1) [x] {y} %20 +.csv"],
    ["composed accents and emoji", "a/café/😀.png"],
    [
      "exactly the byte limits (key and segment)",
      [..."abcde"].map((letter) => letter.repeat(MAX_OBJECT_KEY_SEGMENT_BYTES)).join("/") + "/" + "f".repeat(19),
    ],
  ])("GIVEN %s WHEN validated THEN it is accepted", (_label, key) => {
    expect(() => assertValidObjectKey(key)).not.toThrow();
    expect(Buffer.byteLength(key)).toBeLessThanOrEqual(MAX_OBJECT_KEY_BYTES);
  });
});

describe("assertValidObjectPrefix", () => {
  it.each([
    ["everything", ""],
    ["a folder", "shops/a/"],
    ["a partial name", "shops/a/exp"],
    ["a partial name that looks like a dot segment", "shops/.."],
  ])("GIVEN %s WHEN validated THEN it is accepted", (_label, prefix) => {
    expect(() => assertValidObjectPrefix(prefix)).not.toThrow();
  });
});

describe("assertValidFolderPrefix", () => {
  it.each([
    ["", "empty"],
    ["shops/a", "not-a-folder"],
    ["shops/../", "dot-segment"],
  ])("GIVEN %j WHEN validated THEN it is rejected as %s", (prefix, reason) => {
    expect(() => assertValidFolderPrefix(prefix)).toThrow(expect.objectContaining({ reason }));
  });

  it("GIVEN a folder WHEN validated THEN it is accepted", () => {
    expect(() => assertValidFolderPrefix("shops/a/")).not.toThrow();
  });
});

describe("compareObjectKeys", () => {
  it.each([
    ["'-' before '/' before '0'", ["a0", "a/b", "a-b", "a"], ["a", "a-b", "a/b", "a0"]],
    // JavaScript's default sort compares UTF-16 units and puts the emoji (a surrogate pair) first.
    ["U+FF61 before an astral emoji, as in UTF-8", ["😀", "\uff61"], ["\uff61", "😀"]],
  ])("GIVEN keys where %s WHEN sorted THEN UTF-8 byte order is used", (_label, input, expected) => {
    expect([...input].sort(compareObjectKeys)).toEqual(expected);
  });
});
