// The ceiling for /track: a bare node:http server that parses the same JSON and stores the events with
// ack-after-commit, batched INSERT … ON CONFLICT DO NOTHING, and nothing else (no validation, no
// lookups, no framework). Run as its own process by bench/track.ts.
import http from "node:http";
import { randomUUID } from "node:crypto";
import pg from "pg";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 8 });
const shopId = process.env.CEILING_SHOP_ID!;
const testId = process.env.CEILING_TEST_ID!;

interface Pending {
  events: Record<string, unknown>[];
  done(error: Error | null, stored?: number): void;
}
const queue: Pending[] = [];
let inFlight = 0;

async function flush() {
  inFlight++;
  while (queue.length > 0) {
    const batch = queue.splice(0, 200);
    const rows = batch.flatMap((pending) => pending.events);
    const columns = Array.from({ length: 13 }, () => [] as unknown[]);
    for (const event of rows) {
      const values = [randomUUID(), shopId, testId, event.arm ?? "CONTROL", event.type, `gid://shopify/Product/${event.productId}`, event.variantId ?? null,
        event.visitorId, event.type === "PURCHASE" ? `${event.id}:${event.lineIndex}` : event.id, event.quantity ?? 1, event.revenue ?? null, event.currency ?? null, event.occurredAt];
      values.forEach((value, index) => columns[index].push(value));
    }
    try {
      const result = await pool.query(
        `INSERT INTO "ABTestEvent" ("id","shopId","testId","arm","eventType","productId","variantId","visitorId","eventId","quantity","revenue","currency","occurredAt")
         SELECT * FROM unnest($1::text[],$2::text[],$3::text[],$4::"Arm"[],$5::"EventType"[],$6::text[],$7::text[],$8::text[],$9::text[],$10::int[],$11::numeric[],$12::text[],$13::timestamp[])
         ON CONFLICT ("shopId","eventId") DO NOTHING`,
        columns,
      );
      let remaining = result.rowCount ?? 0;
      for (const pending of batch) {
        const stored = Math.min(remaining, pending.events.length);
        remaining -= stored;
        pending.done(null, stored);
      }
    } catch (error) {
      for (const pending of batch) pending.done(error as Error);
    }
  }
  inFlight--;
}

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const { events } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { events: Record<string, unknown>[] };
    queue.push({
      events,
      done(error, stored = 0) {
        response.writeHead(error ? 503 : 202, { "content-type": "application/json" });
        response.end(JSON.stringify(error ? { error: error.message } : { accepted: stored, duplicates: events.length - stored, dropped: 0 }));
      },
    });
    if (inFlight < 4) void flush();
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, "127.0.0.1", () => {
  console.log(`ceiling listening on http://127.0.0.1:${(server.address() as { port: number }).port}`);
});
process.on("SIGTERM", () => server.close(() => pool.end().then(() => process.exit(0))));
