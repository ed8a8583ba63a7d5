// The ceiling for /track: a bare node:http server that parses the same JSON and stores the events with
// ack-after-commit, batched INSERT … ON CONFLICT DO NOTHING, and nothing else (no validation, no
// lookups, no framework). Run as its own process by bench/track.ts.
import http from "node:http";
import pg from "pg";
import { insertEvents, type EventRow } from "../app/services/tracking/event-columns";

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
    const now = new Date();
    const rows: EventRow[] = batch.flatMap((pending) => pending.events).map((event) => ({
      shopId,
      testId,
      arm: (event.arm as EventRow["arm"] | undefined) ?? "CONTROL",
      // The rows the app stores: a pixel purchase is a claim with its order (ADR 008), so both pay the same triggers.
      eventType: event.type === "PURCHASE" ? "PURCHASE_CLAIM" : (event.type as EventRow["eventType"]),
      productId: `gid://shopify/Product/${event.productId as string}`,
      variantId: (event.variantId as string | undefined) ?? null,
      visitorId: event.visitorId as string,
      eventId: event.type === "PURCHASE" ? `${event.id as string}:${event.lineIndex as number}` : (event.id as string),
      quantity: (event.quantity as number | undefined) ?? 1,
      revenue: (event.revenue as string | undefined) ?? null,
      currency: (event.currency as string | undefined) ?? null,
      orderId: event.orderId === undefined ? null : `gid://shopify/Order/${event.orderId as string}`,
      occurredAt: new Date(event.occurredAt as string | number),
      createdAt: now,
    }));
    try {
      let remaining = await insertEvents(pool, rows);
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
