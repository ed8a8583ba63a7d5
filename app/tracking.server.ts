// Process-wide /track dependencies: a dedicated pg pool for the ingest hot path (raw multi-row
// INSERTs; Prisma adds nothing there), the group-commit writer, caches and rate limiters.
import pg from "pg";
import { getEnv } from "./env.server";
import { createEventWriter } from "./services/tracking/event-writer";
import { createFailureSummary } from "./services/tracking/failure-summary";
import type { DropReason, TrackingDeps } from "./services/tracking/handle-track-request";
import { createRateLimiter } from "./services/tracking/rate-limiter";
import { parseTrustedProxies } from "./services/tracking/track-contract";
import { createTrackingLookups } from "./services/tracking/tracking-lookups";

declare global {
  var __abtTracking: TrackingDeps | undefined;
}

/**
 * Every wait on the database is bounded, so a /track request is answered (202 or 503 + Retry-After)
 * within about 8 s however the database fails: connect (or wait for a pooled connection) ≤ 1.5 s,
 * statement ≤ 1.5 s on the server, reply ≤ 2 s on the client (the link to a frozen server), and at
 * most 1 s waiting in the writer's queue. An INSERT takes milliseconds when healthy (p99 ≤ 50 ms).
 * The server-side limit is below the client's so a merely slow statement is cancelled there rather
 * than committed after its request was told 503.
 */
export function createIngestPoolConfig(databaseUrl: string, options: { throughPooler: boolean }): pg.PoolConfig {
  return {
    connectionString: databaseUrl,
    max: 8,
    connectionTimeoutMillis: 1_500,
    query_timeout: 2_000,
    idleTimeoutMillis: 30_000,
    // Notices a peer that vanished without closing (host down, network cut) on idle connections.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    // Startup parameters: transaction poolers (PgBouncer behind DIRECT_URL setups) refuse unknown ones,
    // so there only the client-side limits apply.
    ...(options.throughPooler ? {} : { statement_timeout: 1_500, idle_in_transaction_session_timeout: 10_000 }),
  };
}

export function getTrackingDeps(): TrackingDeps {
  if (!globalThis.__abtTracking) {
    const env = getEnv();
    const failures = createFailureSummary();
    const trustedProxies = parseTrustedProxies(env.TRUSTED_PROXIES);
    const pool = new pg.Pool(createIngestPoolConfig(env.DATABASE_URL, { throughPooler: Boolean(env.DIRECT_URL) }));
    // Idle connections dropped by a dying server each emit this; counted, not logged one by one.
    pool.on("error", (error) => failures.record("ingest_pool_error", error));
    globalThis.__abtTracking = {
      lookups: createTrackingLookups(pool),
      writer: createEventWriter(pool, { maxInFlight: 4, maxQueuedRows: 20_000, maxQueueWaitMs: 1_000 }),
      // A shopper produces a handful of events a minute; these limits only bite on floods. The shop's
      // budget (default 2,000 events/s, a large store's peak) keeps one shop's flood from taking the
      // writer's whole capacity (~8k events/s on 2 cores) from the others.
      ipLimiter: createRateLimiter({ ratePerSecond: 200, burst: 2000 }),
      shopLimiter: createRateLimiter({ ratePerSecond: env.TRACK_SHOP_EVENTS_PER_SECOND ?? 2_000, burst: (env.TRACK_SHOP_EVENTS_PER_SECOND ?? 2_000) * 10 }),
      visitorLimiter: createRateLimiter({ ratePerSecond: 5, burst: 100 }),
      addressPolicy: { onVercel: env.VERCEL === "1", trustedProxies: trustedProxies.ok ? trustedProxies.list : null },
      drops: new Map<DropReason, number>(),
      failures,
    };
  }
  return globalThis.__abtTracking;
}
