// Shop and test lookups for /track, cached briefly in memory: every event names its shop and test,
// and at storefront volumes hitting the database for each would cost more than the insert itself.
// A test paused in the admin therefore stops accepting events within `ttlMs`.
import type pg from "pg";

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

export function createTrackingLookups(pool: pg.Pool, options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {}): TrackingLookups {
  const { ttlMs = 5000, maxEntries = 50_000 } = options;
  const now = options.now ?? Date.now;
  const shops = new Map<string, { value: string | null; expires: number }>();
  const tests = new Map<string, { value: TrackedTest | null; expires: number }>();

  function remember<T>(cache: Map<string, { value: T; expires: number }>, key: string, value: T) {
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
    cache.set(key, { value, expires: now() + ttlMs });
  }

  return {
    async findShopId(shopDomain) {
      const cached = shops.get(shopDomain);
      if (cached && cached.expires > now()) return cached.value;
      const { rows } = await pool.query<{ id: string }>(
        `SELECT id FROM "ShopCredential" WHERE ("myshopifyDomain" = $1 OR "shopDomain" = $1) AND status = 'ACTIVE'
         ORDER BY ("myshopifyDomain" = $1) DESC NULLS LAST LIMIT 1`,
        [shopDomain],
      );
      const id = rows[0]?.id ?? null;
      remember(shops, shopDomain, id);
      return id;
    },
    async findTests(testIds) {
      const found = new Map<string, TrackedTest>();
      const missing: string[] = [];
      for (const id of new Set(testIds)) {
        const cached = tests.get(id);
        if (cached && cached.expires > now()) {
          if (cached.value) found.set(id, cached.value);
        } else missing.push(id);
      }
      if (missing.length > 0) {
        const { rows } = await pool.query<TrackedTest>(
          `SELECT id, "shopId", "productId", status, "trafficSplit" FROM "ABTest" WHERE id = ANY($1::text[])`,
          [missing],
        );
        const byId = new Map(rows.map((row) => [row.id, row]));
        for (const id of missing) {
          const test = byId.get(id) ?? null;
          remember(tests, id, test);
          if (test) found.set(id, test);
        }
      }
      return found;
    },
  };
}
