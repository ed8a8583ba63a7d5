import { describe, expect, it } from "vitest";
import type { StorefrontImage } from "../../../app/lib/storefront-contract";
import { mapTreatmentByControlMedia, readMediaId } from "./media-map";

const image = (media: string): StorefrontImage => ({ media, url: `//s/cdn/shop/files/${media}.jpg` });

describe("mapTreatmentByControlMedia", () => {
  it("GIVEN ordered control and treatment lists THEN control image i maps to treatment image i", () => {
    const map = mapTreatmentByControlMedia({ control: [image("1"), image("2"), image("3")], treatment: [image("7"), image("8"), image("9")] });

    expect([...map].map(([media, treatment]) => [media, treatment.media])).toEqual([
      ["1", "7"],
      ["2", "8"],
      ["3", "9"],
    ]);
  });

  it.each([
    { name: "a shorter treatment list", control: ["1", "2", "3"], treatment: ["7"], expected: [["1", "7"]] },
    { name: "a longer treatment list", control: ["1"], treatment: ["7", "8"], expected: [["1", "7"]] },
    { name: "a control media listed twice", control: ["1", "1"], treatment: ["7", "8"], expected: [["1", "7"]] },
    { name: "a reordering of the same media", control: ["1", "2"], treatment: ["2", "1"], expected: [["1", "2"], ["2", "1"]] },
    { name: "no treatment", control: ["1"], treatment: [], expected: [] },
  ])("GIVEN $name THEN only positions present in both are mapped", ({ control, treatment, expected }) => {
    const map = mapTreatmentByControlMedia({ control: control.map(image), treatment: treatment.map(image) });

    expect([...map].map(([media, mapped]) => [media, mapped.media])).toEqual(expected);
  });
});

describe("readMediaId", () => {
  it.each([
    ["template--24019873513728__main-31001", "31001"],
    ["quickadd-template--1__main-42", "42"],
    ["31001", "31001"],
    ["template--1__main-", null],
    ["abc", null],
    ["", null],
    [null, null],
  ])("GIVEN %j THEN the media id is %j", (attribute, expected) => {
    expect(readMediaId(attribute)).toBe(expected);
  });
});
