// The one column list of an ABTestEvent row: the tracking writer's INSERT, the tests' and the bench
// seeds' rows all build from it, so a new column is added here once instead of in six INSERTs.
import { randomUUID } from "node:crypto";

export interface EventRow {
  shopId: string;
  testId: string;
  arm: "CONTROL" | "TREATMENT";
  // /track writes claims (PURCHASE_CLAIM); PURCHASE rows come from Shopify's orders (ADR 008), or seeds and tests.
  eventType: "IMPRESSION" | "ADD_TO_CART" | "PURCHASE" | "PURCHASE_CLAIM";
  productId: string;
  variantId: string | null;
  visitorId: string;
  eventId: string;
  quantity: number;
  revenue: string | null;
  currency: string | null;
  orderId: string | null;
  /** A purchase claim without an order id names its checkout (ADR 008). */
  checkoutToken?: string | null;
  occurredAt: Date;
  /** Server time when the event was received: the day it counts for. */
  createdAt: Date;
}

/** Column, its Postgres type, and the row's value for it; timestamps are UTC ISO strings (the columns have no zone). */
export const EVENT_COLUMNS = [
  ["id", "text", (_row: EventRow, id: string) => id],
  ["shopId", "text", (row: EventRow) => row.shopId],
  ["testId", "text", (row: EventRow) => row.testId],
  ["arm", `"Arm"`, (row: EventRow) => row.arm],
  ["eventType", `"EventType"`, (row: EventRow) => row.eventType],
  ["productId", "text", (row: EventRow) => row.productId],
  ["variantId", "text", (row: EventRow) => row.variantId],
  ["visitorId", "text", (row: EventRow) => row.visitorId],
  ["eventId", "text", (row: EventRow) => row.eventId],
  ["quantity", "int", (row: EventRow) => row.quantity],
  ["revenue", "numeric", (row: EventRow) => row.revenue],
  ["currency", "text", (row: EventRow) => row.currency],
  ["orderId", "text", (row: EventRow) => row.orderId],
  ["occurredAt", "timestamp", (row: EventRow) => row.occurredAt.toISOString()],
  ["createdAt", "timestamp", (row: EventRow) => row.createdAt.toISOString()],
  ["checkoutToken", "text", (row: EventRow) => row.checkoutToken ?? null],
] as const satisfies readonly (readonly [string, string, (row: EventRow, id: string) => unknown])[];

/** `"id", "shopId", …` in EVENT_COLUMNS order, for INSERT … SELECT seeds whose SELECT lists values in that order. */
export const EVENT_COLUMN_LIST = EVENT_COLUMNS.map(([name]) => `"${name}"`).join(", ");

/** One row per array element: `$n` is the array of column n's values (see eventColumnArrays). */
export const INSERT_EVENTS_SQL = `
  INSERT INTO "ABTestEvent" (${EVENT_COLUMN_LIST})
  SELECT * FROM unnest(${EVENT_COLUMNS.map(([, type], index) => `$${index + 1}::${type}[]`).join(", ")})
  ON CONFLICT ("shopId", "eventId") DO NOTHING`;

/** The parameters of INSERT_EVENTS_SQL: one array per column, each row under a fresh id. */
export function eventColumnArrays(rows: readonly EventRow[]): unknown[][] {
  const ids = rows.map(() => randomUUID());
  // Column by column: each column's accessor stays monomorphic in its loop (measured faster than row by row).
  return EVENT_COLUMNS.map(([, , value]) => {
    const column = new Array<unknown>(rows.length);
    for (let i = 0; i < rows.length; i++) column[i] = value(rows[i], ids[i]);
    return column;
  });
}

/** Anything that runs a parameterised statement: pg's Pool and Client, or an adapter over Prisma. */
export interface EventQueryable {
  query(text: string, values: unknown[]): Promise<{ rowCount: number | null }>;
}

/** Stores rows (a repeated shopId/eventId is skipped, as /track does); returns how many were stored. */
export async function insertEvents(db: EventQueryable, rows: readonly EventRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await db.query(INSERT_EVENTS_SQL, eventColumnArrays(rows));
  return result.rowCount ?? 0;
}
