// Relay connections as Shopify serves them: first/after and last/before windows over a sorted list,
// at most 250 records per page, and opaque cursors that stay valid when records are inserted or
// deleted between pages (they carry the sort position, not an index).
import { GraphQLError } from "graphql";

export const MAX_PAGE_SIZE = 250;

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  reverse?: boolean | null;
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Connection<N> {
  edges: { cursor: string; node: N }[];
  nodes: N[];
  pageInfo: PageInfo;
}

type SortValue = string | number;

/** How a record sorts: by `value`, ties broken by the numeric id. */
export interface SortKey {
  value: SortValue;
  id: number;
}

interface CursorPayload {
  last_id: number;
  last_value: SortValue;
}

// Digit by digit rather than slice + Number: connections compute it for every record on every page,
// which made paging through a 10k-product catalog quadratic in garbage. Anything but a plain digit
// tail of safe length goes the slow way, with the same result.
export function numericIdOf(gid: string): number {
  let value = 0;
  let scale = 1;
  for (let index = gid.length - 1; index >= 0; index--) {
    const code = gid.charCodeAt(index);
    if (code === 47 && index < gid.length - 1 && scale <= 1e15) return value;
    if (code < 48 || code > 57) break;
    value += (code - 48) * scale;
    scale *= 10;
  }
  return Number(gid.slice(gid.lastIndexOf("/") + 1));
}

function compareKeys(a: SortKey, b: SortKey): number {
  if (a.value !== b.value) return a.value < b.value ? -1 : 1;
  return a.id - b.id;
}

function encodeCursor(key: SortKey): string {
  const payload: CursorPayload = { last_id: key.id, last_value: key.value };
  return Buffer.from(JSON.stringify(payload)).toString("base64url");
}

function decodeCursor(cursor: string): SortKey {
  try {
    const payload = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as Partial<CursorPayload>;
    const { last_id: id, last_value: value } = payload;
    if (typeof id === "number" && (typeof value === "number" || typeof value === "string")) return { id, value };
  } catch {
    // Falls through to the same error as a well-formed but foreign cursor.
  }
  throw new GraphQLError(`Invalid cursor for current pagination: ${cursor}`);
}

function requirePageSize(args: ConnectionArgs): void {
  const { first, last } = args;
  if (first == null && last == null) throw new GraphQLError("you must provide one of first or last");
  for (const size of [first, last]) {
    if (size != null && size > MAX_PAGE_SIZE) {
      throw new GraphQLError(`The maximum number of records to return is ${MAX_PAGE_SIZE}.`);
    }
    if (size != null && size < 0) throw new GraphQLError("The number of records to return must be positive.");
  }
}

// A bulk operation reads connections whole (no page size needed, no 250 cap): set while one runs.
let unpagedDepth = 0;

/** Runs `read` (a synchronous GraphQL execution) with connections answering without page limits, as in a bulk query. */
export function readUnpaged<T>(read: () => T): T {
  unpagedDepth++;
  try {
    return read();
  } finally {
    unpagedDepth--;
  }
}

/** Pages through `records` ordered ascending by `sortKeyOf` (descending when `args.reverse`). */
export function paginate<R, N>(
  records: readonly R[],
  args: ConnectionArgs,
  sortKeyOf: (record: R) => SortKey,
  toNode: (record: R) => N,
): Connection<N> {
  if (unpagedDepth === 0) requirePageSize(args);
  const direction = args.reverse ? -1 : 1;
  const keyed = records
    .map((record) => ({ record, key: sortKeyOf(record) }))
    .sort((a, b) => direction * compareKeys(a.key, b.key));
  const positionOf = (key: SortKey, cursor: SortKey): number => direction * compareKeys(key, cursor);

  // The first entry at or past a cursor, by binary search: entries are sorted by positionOf.
  const firstAtOrAfter = (isPast: (key: SortKey) => boolean): number => {
    let low = 0;
    let high = keyed.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (isPast(keyed[middle].key)) high = middle;
      else low = middle + 1;
    }
    return low;
  };

  let start = 0;
  let end = keyed.length;
  if (args.after) {
    const after = decodeCursor(args.after);
    start = firstAtOrAfter((key) => positionOf(key, after) > 0);
  }
  if (args.before) {
    const before = decodeCursor(args.before);
    end = Math.max(start, firstAtOrAfter((key) => positionOf(key, before) >= 0));
  }
  if (args.first != null) end = Math.min(end, start + args.first);
  if (args.last != null) start = Math.max(start, end - args.last);

  const edges = keyed.slice(start, end).map(({ record, key }) => ({ cursor: encodeCursor(key), node: toNode(record) }));
  return {
    edges,
    nodes: edges.map((edge) => edge.node),
    pageInfo: {
      hasNextPage: end < keyed.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
