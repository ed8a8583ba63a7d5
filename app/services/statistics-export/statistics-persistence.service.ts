// Saves a shop-day's rows and completes its StatisticsExport (through the ledger) in one transaction: the day's rows are
// replaced as a whole (a rerun never duplicates and never leaves stale rows of vanished variants), and
// the export turns COMPLETED only together with them.
import type { Prisma, PrismaClient } from "@prisma/client";
import { dayStart } from "../../lib/days";
import type { DailyRow } from "./build-daily-rows";
import { completeAttempt } from "./export-ledger";

// A batch's JSON (~270 bytes a row with one image) and Prisma's serialized copy of it (~330) stay under
// V8's large-object threshold (128 KiB): larger strings go straight to the old generation, and a
// 100k-row day's worth of them grew the heap by hundreds of MB before the next full GC (bench/export.ts).
export const PERSIST_BATCH_ROWS = 250;

/**
 * One batch as a single JSON text parameter, each row a positional tuple (in the INSERT's column order,
 * from productId to testId), rather than a column array per field: Prisma and its pg adapter keep the
 * arguments of their last 100 queries for error reports (@prisma/debug's history, kept even with DEBUG
 * off), so fifteen 5,000-element arrays per batch held every row of a 100k-variant day in memory as ~1M
 * small strings and arrays long after the insert (heap snapshot). A compact string is a fraction of
 * that, and JSON carries the same values: numbers print as they did in the arrays (shortest
 * round-trip form) and images are the same JSON document. Row ids are made by the database.
 */
function batchDocument(batch: DailyRow[]): string {
  return JSON.stringify(
    batch.map((row) => [
      row.productId,
      row.variantId,
      row.arm,
      row.impressions,
      row.visitors,
      row.addToCarts,
      row.orders,
      row.units,
      row.revenue,
      row.currency,
      row.ctr,
      row.conversionRate,
      row.imageMediaIds.map((mediaId, i) => ({ mediaId, r2Key: row.imageR2Keys[i] })),
      row.testId,
    ]),
  );
}

export interface CompletedExport {
  exportId: string;
  csvKey: string;
  jsonKey: string;
  totals: Prisma.InputJsonValue;
  images: Prisma.InputJsonValue;
}

/** `batches` (of at most PERSIST_BATCH_ROWS rows) is walked once; the row count is what was stored. */
export async function persistDailyStatistics(
  prisma: PrismaClient,
  shopId: string,
  day: string,
  batches: AsyncIterable<DailyRow[]> | Iterable<DailyRow[]>,
  completed: CompletedExport,
): Promise<void> {
  const date = dayStart(day);
  await prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`DELETE FROM "VariantDailyStatistics" WHERE "shopId" = ${shopId} AND date = ${date}::date`;
      let rowCount = 0;
      for await (const batch of batches) {
        rowCount += batch.length;
        await tx.$executeRaw`
          INSERT INTO "VariantDailyStatistics" (id, "shopId", date, "productId", "variantId", arm, impressions, visitors, "addToCarts",
            orders, units, revenue, currency, ctr, "conversionRate", images, "testId", "exportId")
          SELECT gen_random_uuid()::text, ${shopId}, ${date}::date, r->>0, r->>1, (r->>2)::"StatisticsArm", (r->>3)::bigint, (r->>4)::bigint,
            (r->>5)::bigint, (r->>6)::bigint, (r->>7)::bigint, (r->>8)::numeric, r->>9, (r->>10)::numeric, (r->>11)::numeric, (r->12)::jsonb, r->>13,
            ${completed.exportId}
          FROM json_array_elements(${batchDocument(batch)}::json) AS r`;
      }
      await completeAttempt(tx, { ...completed, rowCount });
    },
    { timeout: 300_000, maxWait: 30_000 },
  );
}
