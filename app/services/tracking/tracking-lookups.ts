// Shop and test lookups for /track, cached briefly in memory: every event names its shop and test,
// and at storefront volumes hitting the database for each would cost more than the insert itself.
// A test paused in the admin therefore stops accepting events within `ttlMs`.
//
// Misses are cached too (issue #9): a flood naming an unknown shop or test costs one query per key
// and TTL, not one per request. Concurrent misses of one key share a single query, and unknown keys
// live in their own, smaller LRU, so a flood of made-up names cannot evict the shops that exist.
// A failed query is not cached: it rejects with DatabaseUnavailableError (→ 503) and the next request
// asks again. A key Postgres cannot even compare (a NUL byte) names nothing: found nowhere, not cached.
import type pg from "pg";
import { DatabaseUnavailableError, isDataError } from "./tracking-errors";

export interface TrackedTest {
  id: string;
  shopId: string;
  productId: string;
  status: "DRAFT" | "ACTIVE" | "PAUSED" | "COMPLETED";
  trafficSplit: number;
}

export interface TrackingLookups {
  /** The ACTIVE shop with this myshopify domain, or null. */
  findShopId(shopDomain: string): Promise<string | null>;
  findTests(testIds: string[]): Promise<Map<string, TrackedTest>>;
}

export interface TrackingLookupsOptions {
  ttlMs?: number;
  /** Known shops / tests kept. */
  maxEntries?: number;
  /** Unknown shop domains / test ids kept, apart from the known ones. */
  maxMissingEntries?: number;
  /** How long "unknown" is believed; a shop installed meanwhile is seen after at most this long. */
  missingTtlMs?: number;
  now?: () => number;
}

interface Entry<T> {
  value: T;
  expires: number;
}

/** A size-capped map that evicts the least recently used key; entries expire after their TTL. */
class ExpiringLru<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(private readonly maxEntries: number) {}

  get(key: string, now: number): Entry<T> | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expires <= now) return undefined;
    this.entries.set(key, entry);
    return entry;
  }

  set(key: string, value: T, expires: number) {
    this.entries.delete(key);
    this.entries.set(key, { value, expires });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(key: string) {
    this.entries.delete(key);
  }
}

/** Positive and negative answers in separate LRUs, so either kind can only evict its own kind. */
function createAnswerCache<T>(maxEntries: number, maxMissingEntries: number) {
  const found = new ExpiringLru<T>(maxEntries);
  const missing = new ExpiringLru<true>(maxMissingEntries);
  return {
    /** The cached answer: a value, null for "known not to exist", undefined for "ask the database". */
    get(key: string, now: number): T | null | undefined {
      const hit = found.get(key, now);
      if (hit) return hit.value;
      return missing.get(key, now) ? null : undefined;
    },
    remember(key: string, value: T | null, now: number, ttlMs: number, missingTtlMs: number) {
      if (value === null) {
        found.delete(key);
        missing.set(key, true, now + missingTtlMs);
      } else {
        missing.delete(key);
        found.set(key, value, now + ttlMs);
      }
    },
  };
}

/** Postgres text cannot hold it, so a key containing it names nothing (and would fail the query). */
const NUL = "\u0000";

export function createTrackingLookups(pool: pg.Pool, options: TrackingLookupsOptions = {}): TrackingLookups {
  const { ttlMs = 5000, maxEntries = 50_000, maxMissingEntries = 10_000, missingTtlMs = 10_000 } = options;
  const now = options.now ?? Date.now;
  const shops = createAnswerCache<string>(maxEntries, maxMissingEntries);
  const tests = createAnswerCache<TrackedTest>(maxEntries, maxMissingEntries);
  const shopQueries = new Map<string, Promise<string | null>>();
  const testQueries = new Map<string, Promise<TrackedTest | null>>();

  async function queryShopId(shopDomain: string): Promise<string | null> {
    const rows = await queryRows<{ id: string }>(
      pool,
      `SELECT id FROM "ShopCredential" WHERE ("myshopifyDomain" = $1 OR "shopDomain" = $1) AND status = 'ACTIVE'
       ORDER BY ("myshopifyDomain" = $1) DESC NULLS LAST LIMIT 1`,
      [shopDomain],
    );
    if (rows === null) return null;
    const id = rows[0]?.id ?? null;
    shops.remember(shopDomain, id, now(), ttlMs, missingTtlMs);
    return id;
  }

  async function queryTests(ids: string[]): Promise<Map<string, TrackedTest>> {
    const rows = await queryRows<TrackedTest>(pool, `SELECT id, "shopId", "productId", status, "trafficSplit" FROM "ABTest" WHERE id = ANY($1::text[])`, [ids]);
    if (rows === null) return new Map();
    const byId = new Map(rows.map((row) => [row.id, row]));
    const time = now();
    for (const id of ids) tests.remember(id, byId.get(id) ?? null, time, ttlMs, missingTtlMs);
    return byId;
  }

  return {
    findShopId(shopDomain) {
      if (shopDomain.includes(NUL)) return Promise.resolve(null);
      const cached = shops.get(shopDomain, now());
      if (cached !== undefined) return Promise.resolve(cached);
      return shareQuery(shopQueries, shopDomain, () => queryShopId(shopDomain));
    },
    async findTests(testIds) {
      const found = new Map<string, TrackedTest>();
      const pending: Array<Promise<void>> = [];
      const missing: string[] = [];
      const time = now();
      for (const id of new Set(testIds)) {
        // Kept out of the shared query: one such id would fail it for every request waiting on it.
        if (id.includes(NUL)) continue;
        const cached = tests.get(id, time);
        if (cached) found.set(id, cached);
        else if (cached === undefined) {
          const inFlight = testQueries.get(id);
          if (inFlight) pending.push(inFlight.then((test) => void (test && found.set(id, test))));
          else missing.push(id);
        }
      }
      if (missing.length > 0) {
        const query = queryTests(missing);
        for (const id of missing) {
          const single = query.then((byId) => byId.get(id) ?? null);
          testQueries.set(id, single);
          // Failures reach the caller through `pending`; this copy only clears the in-flight entry.
          void single.then(
            () => testQueries.delete(id),
            () => testQueries.delete(id),
          );
          pending.push(single.then((test) => void (test && found.set(id, test))));
        }
      }
      if (pending.length > 0) await Promise.all(pending);
      return found;
    },
  };
}

/** Runs `query` once for concurrent callers asking for the same key. */
function shareQuery<T>(inFlight: Map<string, Promise<T>>, key: string, query: () => Promise<T>): Promise<T> {
  const existing = inFlight.get(key);
  if (existing) return existing;
  const promise = query().finally(() => inFlight.delete(key));
  inFlight.set(key, promise);
  return promise;
}

/** The rows, null when Postgres refused the parameters themselves; any other failure is an outage. */
async function queryRows<T extends pg.QueryResultRow>(pool: pg.Pool, sql: string, values: unknown[]): Promise<T[] | null> {
  try {
    return (await pool.query<T>(sql, values)).rows;
  } catch (error) {
    if (isDataError(error)) return null;
    throw new DatabaseUnavailableError(`lookup failed: ${(error as Error)?.message ?? String(error)}`, { cause: error });
  }
}
