// Saves a shop-day's rows and completes its StatisticsExport in one transaction: the day's rows are
// replaced as a whole (a rerun never duplicates and never leaves stale rows of vanished variants), and
// the export turns COMPLETED only together with them.
import { randomUUID } from "node:crypto";
import type { Prisma, PrismaClient } from "@prisma/client";
import { dayStart } from "../../lib/days";
import type { DailyRow } from "./build-daily-rows";

const BATCH = 5000;

export interface CompletedExport {
  exportId: string;
  csvKey: string;
  jsonKey: string;
  totals: Prisma.InputJsonValue;
  images: Prisma.InputJsonValue;
}

export async function persistDailyStatistics(prisma: PrismaClient, shopId: string, day: string, rows: DailyRow[], completed: CompletedExport): Promise<void> {
  const date = dayStart(day);
  await prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`DELETE FROM "VariantDailyStatistics" WHERE "shopId" = ${shopId} AND date = ${date}::date`;
      for (let index = 0; index < rows.length; index += BATCH) {
        const batch = rows.slice(index, index + BATCH);
        const column = <T>(pick: (row: DailyRow) => T) => batch.map(pick);
        await tx.$executeRaw`
          INSERT INTO "VariantDailyStatistics" (id, "shopId", date, "productId", "variantId", arm, impressions, visitors, "addToCarts",
            orders, units, revenue, currency, ctr, "conversionRate", images, "testId", "exportId")
          SELECT id, ${shopId}, ${date}::date, "productId", "variantId", arm::"StatisticsArm", impressions, visitors, "addToCarts",
            orders, units, revenue, currency, ctr, "conversionRate", images, "testId", ${completed.exportId}
          FROM unnest(${column(() => randomUUID())}::text[], ${column((row) => row.productId)}::text[], ${column((row) => row.variantId)}::text[],
            ${column((row) => row.arm)}::text[], ${column((row) => row.impressions)}::int[], ${column((row) => row.visitors)}::int[],
            ${column((row) => row.addToCarts)}::int[], ${column((row) => row.orders)}::int[], ${column((row) => row.units)}::int[],
            ${column((row) => row.revenue)}::numeric[], ${column((row) => row.currency)}::text[], ${column((row) => row.ctr)}::numeric[],
            ${column((row) => row.conversionRate)}::numeric[],
            ${column((row) => JSON.stringify(row.imageMediaIds.map((mediaId, i) => ({ mediaId, r2Key: row.imageR2Keys[i] }))))}::jsonb[],
            ${column((row) => row.testId)}::text[])
            AS r(id, "productId", "variantId", arm, impressions, visitors, "addToCarts", orders, units, revenue, currency, ctr, "conversionRate", images, "testId")`;
      }
      await tx.statisticsExport.update({
        where: { id: completed.exportId },
        data: {
          status: "COMPLETED",
          csvKey: completed.csvKey,
          jsonKey: completed.jsonKey,
          rowCount: rows.length,
          totals: completed.totals,
          images: completed.images,
          error: null,
          completedAt: new Date(),
        },
      });
    },
    { timeout: 300_000, maxWait: 30_000 },
  );
}
