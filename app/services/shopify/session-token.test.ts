import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isSignedWith, readSessionToken, readTokenDest } from "./session-token";

const b64 = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
function jwt(payload: unknown, secret: string, header: unknown = { alg: "HS256", typ: "JWT" }): string {
  const signingInput = `${b64(header)}.${b64(payload)}`;
  return `${signingInput}.${createHmac("sha256", secret).update(signingInput).digest("base64url")}`;
}
const PAYLOAD = { dest: "https://Shop-B.myshopify.com", aud: "key", exp: 2e9 };

describe("readSessionToken", () => {
  it.each([
    { name: "the bearer header, before the query token", url: "https://app/x?id_token=q", auth: "Bearer h", token: "h" },
    { name: "the query token when there is no header", url: "https://app/x?id_token=q", auth: null, token: "q" },
    { name: "nothing when there is neither", url: "https://app/x", auth: null, token: null },
    { name: "the query token when the header is empty", url: "https://app/x?id_token=q", auth: "", token: "q" },
  ])("GIVEN $name THEN it reads what the library reads", ({ url, auth, token }) => {
    const request = new Request(url, { headers: auth === null ? {} : { Authorization: auth } });

    expect(readSessionToken(request)).toBe(token);
  });
});

describe("readTokenDest", () => {
  it("GIVEN a token THEN its dest's hostname, lowercased", () => {
    expect(readTokenDest(jwt(PAYLOAD, "s"))).toBe("shop-b.myshopify.com");
  });

  it.each([
    ["not a JWT", "garbage"],
    ["a payload that is not JSON", `${b64("{}")}.${b64("nope")}.sig`],
    ["no dest", jwt({ aud: "key" }, "s")],
    ["a dest that is not a URL", jwt({ dest: "shop-b" }, "s")],
    ["a dest that is not a string", jwt({ dest: 42 }, "s")],
  ])("GIVEN %s THEN no shop", (_name, token) => {
    expect(readTokenDest(token)).toBeNull();
  });
});

describe("isSignedWith", () => {
  it("GIVEN a token signed with the secret THEN true; with another secret THEN false", () => {
    const token = jwt(PAYLOAD, "right");

    expect(isSignedWith(token, "right")).toBe(true);
    expect(isSignedWith(token, "wrong")).toBe(false);
  });

  it.each([
    ["alg none", jwt(PAYLOAD, "right", { alg: "none" })],
    ["another algorithm", jwt(PAYLOAD, "right", { alg: "HS512" })],
    ["a truncated signature", jwt(PAYLOAD, "right").slice(0, -4)],
    ["no signature", jwt(PAYLOAD, "right").split(".").slice(0, 2).join(".") + "."],
    ["a tampered payload", (() => { const [h, , s] = jwt(PAYLOAD, "right").split("."); return `${h}.${b64({ ...PAYLOAD, dest: "https://shop-c.myshopify.com" })}.${s}`; })()],
    ["a header that is not JSON", `${b64("x")}.${b64(PAYLOAD)}.sig`],
    ["two parts", `${b64({ alg: "HS256" })}.${b64(PAYLOAD)}`],
  ])("GIVEN %s THEN false", (_name, token) => {
    expect(isSignedWith(token, "right")).toBe(false);
  });
});
