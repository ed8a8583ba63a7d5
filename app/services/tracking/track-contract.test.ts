import { describe, expect, it } from "vitest";
import { parseEnv } from "../../env.server";
import { createRateLimiter, takeAll } from "./rate-limiter";
import { hasControlCharacter, normalizeRevenue, parseTrustedProxies, resolveClientAddress, type AddressPolicy } from "./track-contract";

describe("normalizeRevenue", () => {
  it.each([
    ["19.99", "19.99"],
    ["0", "0.00"],
    ["0.125", "0.13"],
    ["0.1249", "0.12"],
    ["1000000", "1000000.00"],
    ["1000000.004", "1000000.00"],
    [19.999, "20.00"],
    [0, "0.00"],
    [1_000_000, "1000000.00"],
  ] as const)("GIVEN %j THEN %s", (input, expected) => {
    expect(normalizeRevenue(input)).toBe(expected);
  });

  it.each([["9999999999.995"], ["1000000.005"], ["1000000.01"], ["-0.01"], ["1e3"], ["1.00001"], [""], [" 1"], ["0x10"], [1_000_000.01], [-1], [Number.NaN], [Number.POSITIVE_INFINITY], [1e21]] as const)(
    "GIVEN %j THEN it is refused",
    (input) => {
      expect(normalizeRevenue(input)).toBeNull();
    },
  );
});

describe("hasControlCharacter", () => {
  it.each([["\u0000"], ["\t"], ["\n"], ["\u001f"], ["\u007f"]])("GIVEN %j inside a string THEN true", (character) => {
    expect(hasControlCharacter(`a${character}b`)).toBe(true);
  });
  it.each([["plain"], ["événement ✓ 🛒"], ["\u0080 C1 is allowed"], ["\u2028"]])("GIVEN %j THEN false", (value) => {
    expect(hasControlCharacter(value)).toBe(false);
  });
});

describe("parseTrustedProxies", () => {
  it("GIVEN addresses and ranges of both families THEN each is matched", () => {
    const parsed = parseTrustedProxies(" 10.0.0.0/8, 192.168.1.7 ,fd00::/8,::1");

    expect(parsed.ok).toBe(true);
    const list = (parsed as { list: NonNullable<AddressPolicy["trustedProxies"]> }).list;
    expect([list.check("10.2.3.4", "ipv4"), list.check("192.168.1.7", "ipv4"), list.check("192.168.1.8", "ipv4"), list.check("fd12::1", "ipv6"), list.check("::1", "ipv6")]).toEqual([true, true, false, true, true]);
  });

  it.each([[undefined], [""], [" , "]])("GIVEN %j THEN no proxy is trusted", (text) => {
    expect(parseTrustedProxies(text)).toMatchObject({ ok: true, list: null });
  });

  it.each([["10.0.0.0/33"], ["example.com"], ["10.0.0.1/8/2"], ["::1/129"], ["10.0.0.0/x"], ["1.2.3"]])("GIVEN %j THEN it is refused with a message naming it", (text) => {
    const parsed = parseTrustedProxies(text);

    expect(parsed.ok).toBe(false);
    expect((parsed as { message: string }).message).toContain(text);
  });
});

describe("TRUSTED_PROXIES in the environment", () => {
  const base = { DATABASE_URL: "postgresql://localhost/db" };

  it("GIVEN a bad entry THEN startup stops with a message naming the variable and the entry", () => {
    expect(() => parseEnv({ ...base, TRUSTED_PROXIES: "10.0.0.0/8, proxy.internal" })).toThrow(/TRUSTED_PROXIES has "proxy.internal"/);
  });

  it.each([["10.0.0.0/8, ::1"], [""], [undefined]])("GIVEN %j THEN it is accepted", (value) => {
    expect(parseEnv({ ...base, TRUSTED_PROXIES: value }).TRUSTED_PROXIES).toBe(value || undefined);
  });
});

describe("resolveClientAddress", () => {
  const headers = (values: Record<string, string | undefined>) => (name: string) => values[name] ?? null;
  const trusting = (text: string): AddressPolicy => ({ onVercel: false, trustedProxies: (parseTrustedProxies(text) as { list: AddressPolicy["trustedProxies"] }).list });
  const none: AddressPolicy = { onVercel: false, trustedProxies: null };

  it.each([
    { case: "no proxy trusted: forwarding headers are ignored", socket: "198.51.100.1", values: { "x-forwarded-for": "1.1.1.1", "x-real-ip": "2.2.2.2", "x-vercel-forwarded-for": "3.3.3.3" }, policy: none, expected: "198.51.100.1" },
    { case: "an IPv4-mapped socket address", socket: "::ffff:198.51.100.1", values: {}, policy: none, expected: "198.51.100.1" },
    { case: "a trusted proxy: the right-most untrusted hop", socket: "10.0.0.5", values: { "x-forwarded-for": "203.0.113.7, 198.51.100.66, 10.0.0.9" }, policy: trusting("10.0.0.0/8"), expected: "198.51.100.66" },
    { case: "a trusted proxy without the header", socket: "10.0.0.5", values: {}, policy: trusting("10.0.0.0/8"), expected: "10.0.0.5" },
    { case: "a trusted proxy and only trusted hops", socket: "10.0.0.5", values: { "x-forwarded-for": "10.0.0.7" }, policy: trusting("10.0.0.0/8"), expected: "10.0.0.7" },
    { case: "a trusted proxy and a garbage hop", socket: "10.0.0.5", values: { "x-forwarded-for": "evil, 10.0.0.7" }, policy: trusting("10.0.0.0/8"), expected: "10.0.0.7" },
    { case: "an untrusted peer naming anyone", socket: "198.51.100.9", values: { "x-forwarded-for": "203.0.113.7" }, policy: trusting("10.0.0.0/8"), expected: "198.51.100.9" },
    { case: "on Vercel: its header", socket: "10.0.0.5", values: { "x-vercel-forwarded-for": "203.0.113.7", "x-forwarded-for": "1.1.1.1" }, policy: { onVercel: true, trustedProxies: null }, expected: "203.0.113.7" },
    { case: "IPv6 clients by their /64", socket: "2001:db8:1:2:aaaa::1", values: {}, policy: none, expected: "2001:0db8:0001:0002::/64" },
    { case: "IPv6 with an embedded IPv4 tail", socket: "2001:db8::1.2.3.4", values: {}, policy: none, expected: "2001:0db8:0000:0000::/64" },
  ])("GIVEN $case THEN $expected", ({ socket, values, policy, expected }) => {
    expect(resolveClientAddress(socket, headers(values), policy)).toBe(expected);
  });

  it("GIVEN no socket address off Vercel THEN there is no address to key on", () => {
    expect(resolveClientAddress(null, headers({ "x-forwarded-for": "1.1.1.1" }), trusting("0.0.0.0/0"))).toBeNull();
  });
});

describe("takeAll", () => {
  it("GIVEN one budget short of its charge THEN nothing is taken from any and the wait is that budget's", () => {
    let time = 0;
    const wide = createRateLimiter({ ratePerSecond: 10, burst: 100, now: () => time });
    const narrow = createRateLimiter({ ratePerSecond: 2, burst: 10, now: () => time });

    expect(takeAll([{ limiter: wide, key: "a", count: 50 }, { limiter: narrow, key: "b", count: 8 }])).toBe(0);
    expect(takeAll([{ limiter: wide, key: "a", count: 50 }, { limiter: narrow, key: "b", count: 8 }])).toBe(3);
    expect(wide.waitSeconds("a", 50)).toBe(0);
    time = 3000;
    expect(takeAll([{ limiter: wide, key: "a", count: 50 }, { limiter: narrow, key: "b", count: 8 }])).toBe(0);
    expect(narrow.waitSeconds("b", 11)).toBe(Number.POSITIVE_INFINITY);
  });
});
