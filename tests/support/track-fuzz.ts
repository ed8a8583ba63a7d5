// Hostile traffic for POST /track, shared by tests/tracking/track-fuzz.integration.test.ts (a few
// thousand bodies) and `npm run fuzz:track` (scripts/fuzz-track.ts, ≥ 10,000): malformed shapes, and
// bodies aimed at a real shop and ACTIVE test with a shopper's user agent (control characters in every
// field, numbers at and past their bounds, huge ids, unicode, wrong types, prototype-pollution keys),
// sent while another shop's valid pixel traffic runs. The invariants: no 5xx, no stored row outside the
// input bounds, every acknowledged event stored (both shops).
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { assignArm } from "../../app/lib/assignment";
import { MAX_LENGTH, QUANTITY_MAX, REVENUE_MAX_CENTS } from "../../app/services/tracking/track-contract";
import { makePixelBody, type LoadTarget } from "../../bench/lib/pixel-load";

export const SHOPPER_USER_AGENT = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";

export function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FuzzCase {
  kind: string;
  body: string | Uint8Array<ArrayBuffer>;
  contentType: string;
}

/** A shop with an ACTIVE test on `productId` (numeric id), as LoadTarget describes it. */
export type FuzzTarget = LoadTarget;

const STRING_FIELDS = ["id", "type", "testId", "arm", "visitorId", "productId", "variantId", "revenue", "currency", "orderId", "occurredAt"] as const;

/** A generator of hostile bodies, deterministic for a seed (event ids aside). */
export function createHostileCorpus(target: FuzzTarget, seed: number): () => FuzzCase {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const long = (length: number) => "x".repeat(length);
  const { shop, testId } = target;
  // A valid PURCHASE line on the ACTIVE test, with the arm the server will compute.
  const valid = (): Record<string, unknown> => {
    const visitorId = randomUUID();
    return {
      id: randomUUID(),
      type: "PURCHASE",
      testId,
      arm: assignArm(testId, visitorId, target.trafficSplit),
      visitorId,
      productId: target.productId,
      variantId: "1111",
      quantity: 1,
      revenue: "9.99",
      currency: "EUR",
      orderId: String(1 + Math.floor(random() * 1e9)),
      lineIndex: 0,
      occurredAt: new Date().toISOString(),
    };
  };
  const controlCharacter = () => String.fromCharCode(pick([0, 1, 7, 8, 9, 10, 11, 12, 13, 27, 31, 127]));
  const insertAt = (text: string, insert: string) => {
    const at = pick([0, Math.floor(text.length / 2), text.length]);
    return text.slice(0, at) + insert + text.slice(at);
  };
  const json = (body: unknown, kind: string): FuzzCase => ({ kind, body: JSON.stringify(body), contentType: pick(["application/json", "text/plain", "text/plain;charset=UTF-8"]) });

  // Each mutation makes a valid event invalid; values of the wrong type, out of range, or too long.
  const invalidValues: Record<string, unknown[]> = {
    id: ["", 7, null, {}, [], long(MAX_LENGTH.eventId + 1), true],
    type: ["CLICK", "", 1, null, ["IMPRESSION"], { $ne: null }, "impression"],
    testId: ["", 1, null, long(MAX_LENGTH.testId + 1), {}, "unknown-test-id", `${testId}' OR 1=1 --`],
    visitorId: ["", 1, null, long(MAX_LENGTH.visitorId + 1), [], {}],
    productId: ["abc", -1, 1.5, {}, "1".repeat(25), "gid://shopify/Product/x", "999", null, 1e300, "１１１"],
    variantId: ["abc", -5, {}, "gid://shopify/ProductVariant/", [1], "1".repeat(21)],
    quantity: [0, -1, 1.5, "2", QUANTITY_MAX + 1, 10_000, 2 ** 31, 1e9, null, {}, Number.MAX_SAFE_INTEGER + 2],
    revenue: ["abc", -1, "1e5", "1,00", {}, [], "-0.01", 1e12, "9999999999.995", "1000000.01", "1000000.005", 1_000_000.01, "99999999999", "0x10", "Infinity", "", " "],
    currency: ["eur", "EURO", 1, "", {}],
    orderId: ["", "abc", {}, [], -3, null, "1".repeat(21)],
    lineIndex: [-1, 1000, "0", 0.5, {}, 2 ** 53],
    occurredAt: ["yesterday", 12345, {}, "2026-13-45T99:00:00Z", ""],
    arm: ["BOTH", 1, "", {}, "control"],
  };
  // Values inside the bounds, at their edges: accepted (revenue rounds to cents within the bound).
  const boundaryValues: Record<string, unknown[]> = {
    quantity: [1, QUANTITY_MAX],
    revenue: ["0", "0.00", "0.125", "1000000.00", "1000000.004", 1_000_000, 0, 19.999, `${Number(REVENUE_MAX_CENTS) / 100}`],
    lineIndex: [0, 999],
    productId: [`gid://shopify/Product/${target.productId}`],
    variantId: ["18446744073709551615", `gid://shopify/ProductVariant/${"9".repeat(20)}`, null, Number.MAX_SAFE_INTEGER],
    orderId: ["9".repeat(20), Number.MAX_SAFE_INTEGER, `gid://shopify/Order/${"1".repeat(20)}`],
    id: [long(MAX_LENGTH.eventId), "événement-✓-🛒", "\u202Eevil\u202C", "a\u200Bb", "line\u2028sep", "\u0085next-line-c1"],
    visitorId: [long(MAX_LENGTH.visitorId), "👩‍👩‍👧‍👦", "نقش", "\uFEFFbom"],
  };

  const generators: (() => FuzzCase)[] = [
    // --- aimed at the ACTIVE test with a shopper's user agent
    () => {
      const event = valid();
      const field = pick(STRING_FIELDS);
      event[field] = insertAt(String(event[field]), controlCharacter());
      return json({ shop, events: [event] }, `control character in ${field}`);
    },
    () => json({ shop: insertAt(shop, controlCharacter()), events: [valid()] }, "control character in shop"),
    () => {
      const event = valid();
      const field = pick(Object.keys(invalidValues));
      event[field] = pick(invalidValues[field]);
      return json({ shop, events: [event] }, `invalid ${field}`);
    },
    () => {
      const event = valid();
      const field = pick(Object.keys(boundaryValues));
      event[field] = pick(boundaryValues[field]);
      return json({ shop, events: [event] }, `boundary ${field}`);
    },
    () => {
      // A full batch mixing valid lines with hostile ones: the hostile ones must not take the rest down.
      const events = Array.from({ length: 1 + Math.floor(random() * 50) }, () => {
        const event = valid();
        const roll = random();
        if (roll < 0.4) {
          const field = pick(Object.keys(invalidValues));
          event[field] = pick(invalidValues[field]);
        } else if (roll < 0.7) {
          const field = pick(STRING_FIELDS);
          event[field] = insertAt(String(event[field]), controlCharacter());
        }
        return event;
      });
      return json({ shop, events }, "mixed batch");
    },
    () => {
      const event = valid();
      delete event[pick(["id", "type", "testId", "visitorId", "productId", "orderId", "revenue", "currency"])];
      return json({ shop, events: [event] }, "missing field");
    },
    () => ({
      kind: "prototype pollution",
      body: `{"shop":"${shop}","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"events":[{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"prototype":1,"type":"IMPRESSION","id":"${randomUUID()}","testId":"${testId}","visitorId":"${randomUUID()}","productId":"${target.productId}"}]}`,
      contentType: "application/json",
    }),
    () => {
      const body = JSON.stringify({ shop, events: [valid()] }).replace('"9.99"', pick(['"9.99\\udc00"', '"\\ud800"', '"\\u0000"']));
      return { kind: "escaped surrogate or NUL", body, contentType: "application/json" };
    },
    // --- malformed as a whole
    () => {
      const depth = 1 + Math.floor(random() * 20_000);
      return { kind: "deep nesting", body: `{"shop":"${shop}","events":${"[".repeat(depth)}${"]".repeat(depth)}}`, contentType: "application/json" };
    },
    () => {
      const bytes = new Uint8Array(1 + Math.floor(random() * 200));
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
      bytes[0] = 0xff;
      return { kind: "random bytes / invalid UTF-8", body: bytes, contentType: "application/json" };
    },
    () => json({ shop, events: [{ ...valid(), id: long(70_000 + Math.floor(random() * 50_000)) }] }, "oversize"),
    () => json({ shop, events: [{ ...valid(), visitorId: long(60_000) }] }, "huge string under the size cap"),
    () => ({
      kind: "wrong content type",
      body: JSON.stringify({ shop, events: [valid()] }),
      contentType: pick(["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/html", "application/xml", "image/png", ""]),
    }),
    () => json(pick([null, 1, "str", [], true, [{ shop }], { shop: 1 }, { shop, events: {} }, { shop, events: "[]" }]), "JSON of the wrong shape"),
    () => json({ shop, events: Array.from({ length: 51 + Math.floor(random() * 100) }, valid) }, "too many events"),
    () => json({ shop: pick(["", "evil.com", `${shop}.evil.com`, "UPPER.MYSHOPIFY.COM.", long(300)]), events: [valid()] }, "foreign or malformed shop"),
    () => ({ kind: "truncated JSON", body: JSON.stringify({ shop, events: [valid()] }).slice(0, Math.floor(random() * 100)), contentType: "application/json" }),
  ];
  return () => pick(generators)();
}

export interface FuzzOptions {
  url: string;
  /** The shop and ACTIVE test the hostile bodies aim at. */
  target: FuzzTarget;
  /** Another shop sending valid pixel traffic at the same time. */
  other: FuzzTarget;
  cases: number;
  concurrency: number;
  /** Connections carrying the other shop's traffic (until the hostile cases are done). */
  otherConcurrency: number;
  seed: number;
}

export interface FuzzReport {
  hostile: { sent: number; statuses: Record<number, number>; serverErrors: string[]; accepted: number; byKind: Record<string, number> };
  other: { sent: number; statuses: Record<number, number>; serverErrors: string[]; acknowledgedIds: string[] };
}

/**
 * Sends `cases` hostile bodies from `concurrency` connections while the other shop's pixel traffic runs.
 * Each request names a client address in X-Forwarded-For, as a trusted proxy in front of the app would
 * (the app must be started with TRUSTED_PROXIES covering loopback), so per-address limits see many
 * clients rather than one.
 */
export async function runTrackFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const next = createHostileCorpus(options.target, options.seed);
  const report: FuzzReport = {
    hostile: { sent: 0, statuses: {}, serverErrors: [], accepted: 0, byKind: {} },
    other: { sent: 0, statuses: {}, serverErrors: [], acknowledgedIds: [] },
  };
  const count = (statuses: Record<number, number>, status: number) => (statuses[status] = (statuses[status] ?? 0) + 1);
  let started = 0;
  let hostileDone = false;
  const post = (body: FuzzCase["body"], contentType: string, client: string) =>
    fetch(`${options.url}/track`, { method: "POST", body, headers: { "Content-Type": contentType, "User-Agent": SHOPPER_USER_AGENT, "X-Forwarded-For": client } });

  async function hostileWorker(worker: number) {
    while (started < options.cases) {
      const index = started++;
      const fuzz = next();
      report.hostile.byKind[fuzz.kind] = (report.hostile.byKind[fuzz.kind] ?? 0) + 1;
      const response = await post(fuzz.body, fuzz.contentType, `10.${100 + worker}.${(index >> 8) & 255}.${index & 255}`);
      const text = await response.text();
      count(report.hostile.statuses, response.status);
      if (response.status >= 500) report.hostile.serverErrors.push(`${response.status} for ${fuzz.kind}: ${text.slice(0, 200)}`);
      if (response.status === 202) report.hostile.accepted += (JSON.parse(text) as { accepted: number }).accepted;
      report.hostile.sent++;
    }
  }
  async function otherWorker(worker: number) {
    let index = 0;
    while (!hostileDone) {
      const { body, eventIds } = makePixelBody(options.other);
      const response = await post(body, "text/plain", `10.${worker}.${(index >> 8) & 255}.${index++ & 255}`);
      const text = await response.text();
      count(report.other.statuses, response.status);
      report.other.sent++;
      if (response.status >= 500) report.other.serverErrors.push(`${response.status}: ${text.slice(0, 200)}`);
      if (response.status !== 202) continue;
      const result = JSON.parse(text) as { accepted: number; duplicates: number };
      if (result.accepted + result.duplicates === eventIds.length) report.other.acknowledgedIds.push(...eventIds);
    }
  }
  const others = Array.from({ length: options.otherConcurrency }, (_, worker) => otherWorker(worker));
  await Promise.all(Array.from({ length: options.concurrency }, (_, worker) => hostileWorker(worker)));
  hostileDone = true;
  await Promise.all(others);
  return report;
}

export interface StoredCheck {
  /** The target shop's rows: as many as its 202s acknowledged as accepted. */
  targetRows: number;
  /** Target rows outside the input bounds or with a control character in a text column (must be 0). */
  targetRowsOutOfBounds: number;
  /** How many of the other shop's acknowledged events are in the table (must be all). */
  otherAcknowledgedStored: number;
}

export async function checkStored(prisma: PrismaClient, targetShopId: string, otherShopId: string, report: FuzzReport): Promise<StoredCheck> {
  const controls = "[\\x01-\\x1f\\x7f]";
  const [row] = await prisma.$queryRawUnsafe<{ rows: bigint; outOfBounds: bigint }[]>(
    `SELECT count(*) AS rows, count(*) FILTER (WHERE quantity NOT BETWEEN 1 AND ${QUANTITY_MAX}
       OR revenue < 0 OR revenue > ${Number(REVENUE_MAX_CENTS) / 100}
       OR concat_ws('|', "testId", "productId", "variantId", "visitorId", "eventId", currency, "orderId") ~ '${controls}') AS "outOfBounds"
     FROM "ABTestEvent" WHERE "shopId" = $1`,
    targetShopId,
  );
  const [other] = await prisma.$queryRaw<{ stored: bigint }[]>`
    SELECT count(*) AS stored FROM "ABTestEvent" WHERE "shopId" = ${otherShopId} AND "eventId" = ANY(${report.other.acknowledgedIds}::text[])`;
  return { targetRows: Number(row.rows), targetRowsOutOfBounds: Number(row.outOfBounds), otherAcknowledgedStored: Number(other.stored) };
}
