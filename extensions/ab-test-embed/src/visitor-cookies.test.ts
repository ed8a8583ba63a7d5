import { describe, expect, it } from "vitest";
import { COOKIE_MAX_AGE_SECONDS } from "../../../app/lib/storefront-contract";
import { createVisitorId, formatCookie, isVisitorId, readCookie } from "./visitor-cookies";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("readCookie", () => {
  it.each([
    ["abt_vid=abc-123; abt_exp=1:t:C", "abt_vid", "abc-123"],
    ["other=1;abt_exp=1:t:C|2:u:T", "abt_exp", "1:t:C|2:u:T"],
    ["xabt_vid=nope; abt_vid=yes", "abt_vid", "yes"],
    ["abt_vid=", "abt_vid", ""],
    ["other=1", "abt_vid", null],
    ["", "abt_vid", null],
  ])("GIVEN %j WHEN %s is read THEN it is %j", (header, name, expected) => {
    expect(readCookie(header, name)).toBe(expected);
  });
});

describe("formatCookie", () => {
  it.each([
    [false, `abt_vid=v1; path=/; max-age=${COOKIE_MAX_AGE_SECONDS}; SameSite=Lax`],
    [true, `abt_vid=v1; path=/; max-age=${COOKIE_MAX_AGE_SECONDS}; SameSite=Lax; Secure`],
  ])("GIVEN secure=%s THEN the cookie is %s", (secure, expected) => {
    expect(formatCookie("abt_vid", "v1", secure)).toBe(expected);
  });
});

describe("isVisitorId", () => {
  it.each([
    ["0b7c9a52-4e1f-4d6a-9c3e-000000000001", true],
    ["visitor_12345", true],
    ["short", false],
    ["has space in it", false],
    ["x".repeat(65), false],
    [null, false],
  ])("GIVEN %j THEN %s", (value, expected) => {
    expect(isVisitorId(value)).toBe(expected);
  });
});

describe("createVisitorId", () => {
  it("GIVEN crypto.randomUUID THEN it is used", () => {
    expect(createVisitorId({ randomUUID: () => "0b7c9a52-4e1f-4d6a-9c3e-000000000001" })).toBe("0b7c9a52-4e1f-4d6a-9c3e-000000000001");
  });

  it("GIVEN only getRandomValues (an insecure context) THEN a random v4 UUID is built from it", () => {
    const getRandomValues = crypto.getRandomValues.bind(crypto);
    const ids = Array.from({ length: 200 }, () => createVisitorId({ getRandomValues }));

    for (const id of ids) expect(id).toMatch(UUID_V4);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each([
    [0x00, "00000000-0000-4000-8000-000000000000"],
    [0xff, "ffffffff-ffff-4fff-bfff-ffffffffffff"],
  ])("GIVEN random bytes all %i THEN the version and variant bits are still set", (byte, expected) => {
    const getRandomValues = ((array: Uint8Array) => array.fill(byte)) as Crypto["getRandomValues"];

    expect(createVisitorId({ getRandomValues })).toBe(expected);
  });
});
