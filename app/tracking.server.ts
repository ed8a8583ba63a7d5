// Process-wide /track dependencies: a dedicated pg pool for the ingest hot path (raw multi-row
// INSERTs; Prisma adds nothing there), the group-commit writer, caches and rate limiters.
import pg from "pg";
import { getEnv } from "./env.server";
import { createEventWriter } from "./services/tracking/event-writer";
import type { DropReason, TrackingDeps } from "./services/tracking/handle-track-request";
import { createRateLimiter } from "./services/tracking/rate-limiter";
import { createTrackingLookups } from "./services/tracking/tracking-lookups";

declare global {
  var __abtTracking: TrackingDeps | undefined;
}

export function getTrackingDeps(): TrackingDeps {
  if (!globalThis.__abtTracking) {
    const pool = new pg.Pool({ connectionString: getEnv().DATABASE_URL, max: 8 });
    pool.on("error", (error) => console.error(JSON.stringify({ event: "ingest_pool_error", error: error.message })));
    globalThis.__abtTracking = {
      lookups: createTrackingLookups(pool),
      writer: createEventWriter(pool),
      // A shopper produces a handful of events a minute; these limits only bite on floods.
      ipLimiter: createRateLimiter({ ratePerSecond: 200, burst: 2000 }),
      visitorLimiter: createRateLimiter({ ratePerSecond: 5, burst: 100 }),
      drops: new Map<DropReason, number>(),
    };
  }
  return globalThis.__abtTracking;
}
