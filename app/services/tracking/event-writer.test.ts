// The writer's failure rules without a database: a pool that hangs, refuses, or fails on data.
import type pg from "pg";
import { describe, expect, it, vi } from "vitest";
import { createEventWriter, type EventRow } from "./event-writer";
import { DatabaseUnavailableError, RowsRejectedError } from "./tracking-errors";

function row(eventId: string, overrides: Partial<EventRow> = {}): EventRow {
  const at = new Date("2026-11-20T10:00:00Z");
  return {
    shopId: "shop",
    testId: "test",
    arm: "CONTROL",
    eventType: "IMPRESSION",
    productId: "gid://shopify/Product/1",
    variantId: null,
    visitorId: "visitor",
    eventId,
    quantity: 1,
    revenue: null,
    currency: null,
    orderId: null,
    occurredAt: at,
    createdAt: at,
    ...overrides,
  };
}

/** A pool whose every query runs `answer`, recording the event ids each INSERT carried. */
function fakePool(answer: (eventIds: string[]) => Promise<unknown>) {
  const inserts: string[][] = [];
  const query = vi.fn(async (_sql: string, columns: unknown[][]) => {
    const eventIds = columns[8] as string[];
    inserts.push(eventIds);
    return answer(eventIds);
  });
  return { pool: { query } as unknown as pg.Pool, inserts };
}

function createGate() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

const hang = () => new Promise<never>(() => {});
const stored = (eventIds: string[]) => Promise.resolve({ rows: eventIds.map((eventId) => ({ shopId: "shop", eventId })) });

describe("createEventWriter", () => {
  it("GIVEN every INSERT in flight hangs WHEN another submission waits past maxQueueWaitMs THEN it is refused as unavailable, unsent", async () => {
    const { pool, inserts } = fakePool(hang);
    const writer = createEventWriter(pool, { maxInFlight: 1, maxQueueWaitMs: 50 });

    void writer.write([row("a")]);
    const started = Date.now();
    const waiting = writer.write([row("b")]);

    await expect(waiting).rejects.toBeInstanceOf(DatabaseUnavailableError);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(inserts).toEqual([["a"]]);
  });

  it("GIVEN the queue holds maxQueuedRows WHEN one more submission arrives THEN it is refused at once", async () => {
    const { pool } = fakePool(hang);
    const writer = createEventWriter(pool, { maxInFlight: 1, maxQueuedRows: 3, maxQueueWaitMs: 60_000 });

    void writer.write([row("in-flight")]);
    void writer.write([row("q1"), row("q2")]);
    const refused = writer.write([row("q3"), row("q4")]);

    await expect(refused).rejects.toThrow(/write queue full/);
  });

  it.each([
    ["a dropped connection", Object.assign(new Error("Connection terminated unexpectedly"), {})],
    ["a cancelled statement (statement_timeout)", Object.assign(new Error("canceling statement due to statement timeout"), { code: "57014" })],
    ["a server shutting down", Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" })],
  ])("GIVEN %s WHEN a merged INSERT fails THEN every submission in it is told unavailable and nothing is retried row by row", async (_label, failure) => {
    const gate = createGate();
    const { pool, inserts } = fakePool(async (eventIds) => {
      if (eventIds.includes("first")) {
        await gate.promise;
        return stored(eventIds);
      }
      throw failure;
    });
    const writer = createEventWriter(pool, { maxInFlight: 1 });

    const first = writer.write([row("first")]);
    const merged = [writer.write([row("b")]), writer.write([row("c")])];
    gate.resolve();

    await expect(first).resolves.toEqual([true]);
    for (const result of merged) await expect(result).rejects.toBeInstanceOf(DatabaseUnavailableError);
    expect(inserts).toEqual([["first"], ["b", "c"]]);
  });

  it("GIVEN a merged INSERT refused for one submission's values WHEN it fails THEN its halves are retried apart and only that submission fails", async () => {
    const gate = createGate();
    const { pool, inserts } = fakePool(async (eventIds) => {
      if (eventIds.includes("first")) await gate.promise;
      if (eventIds.includes("bad")) throw Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: "22021" });
      return stored(eventIds);
    });
    const writer = createEventWriter(pool, { maxInFlight: 1 });

    const first = writer.write([row("first")]);
    const good1 = writer.write([row("g1")]);
    const bad = writer.write([row("bad")]);
    const good2 = writer.write([row("g2"), row("g3")]);
    gate.resolve();

    await expect(first).resolves.toEqual([true]);
    await expect(good1).resolves.toEqual([true]);
    await expect(good2).resolves.toEqual([true, true]);
    await expect(bad).rejects.toMatchObject({ name: "RowsRejectedError", sqlState: "22021" });
    // Halves of the merged INSERT, down to the refused submission alone.
    expect(inserts).toEqual([["first"], ["bad", "g1", "g2", "g3"], ["bad", "g1"], ["g1"], ["bad"], ["g2", "g3"]]);
  });

  it("GIVEN a merged INSERT refused on its data WHEN the database fails during the retries THEN the rest is refused as unavailable at once, not after a timeout each", async () => {
    const gate = createGate();
    const { pool, inserts } = fakePool(async (eventIds) => {
      if (eventIds.includes("first")) {
        await gate.promise;
        return stored(eventIds);
      }
      if (eventIds.length > 1) throw Object.assign(new Error("value out of range"), { code: "22003" });
      throw new Error("Connection terminated unexpectedly");
    });
    const writer = createEventWriter(pool, { maxInFlight: 1 });

    void writer.write([row("first")]);
    const results = ["s1", "s2", "s3", "s4"].map((id) => writer.write([row(id)]));
    gate.resolve();

    for (const result of results) await expect(result).rejects.toBeInstanceOf(DatabaseUnavailableError);
    expect(inserts).toEqual([["first"], ["s1", "s2", "s3", "s4"], ["s1", "s2"], ["s1"]]);
  });

  it("GIVEN a row with an invalid timestamp WHEN written THEN only its submission is refused, before any INSERT", async () => {
    const { pool, inserts } = fakePool(stored);
    const writer = createEventWriter(pool);

    await expect(writer.write([row("x", { occurredAt: new Date(Number.NaN) })])).rejects.toBeInstanceOf(RowsRejectedError);
    expect(inserts).toEqual([]);
  });
});
