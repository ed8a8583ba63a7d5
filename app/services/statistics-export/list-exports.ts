// The shop's daily exports, newest first, a page at a time.
import type { PrismaClient } from "@prisma/client";

export const EXPORTS_PAGE_SIZE = 30;

export async function listExports(prisma: PrismaClient, shopId: string, page: number) {
  const [rows, total] = await Promise.all([
    prisma.statisticsExport.findMany({
      where: { shopId },
      orderBy: { date: "desc" },
      skip: (page - 1) * EXPORTS_PAGE_SIZE,
      take: EXPORTS_PAGE_SIZE,
      select: { id: true, date: true, status: true, rowCount: true, totals: true, error: true, completedAt: true, csvKey: true, jsonKey: true },
    }),
    prisma.statisticsExport.count({ where: { shopId } }),
  ]);
  return {
    page,
    pages: Math.max(1, Math.ceil(total / EXPORTS_PAGE_SIZE)),
    exports: rows.map((row) => {
      const totals = (row.totals ?? {}) as { impressions?: number; orders?: number; revenue?: string };
      return {
        id: row.id,
        date: row.date.toISOString().slice(0, 10),
        status: row.status,
        rows: row.rowCount,
        impressions: totals.impressions ?? 0,
        orders: totals.orders ?? 0,
        revenue: totals.revenue ?? "0.00",
        error: row.error,
        downloadable: row.status === "COMPLETED" && Boolean(row.csvKey && row.jsonKey),
      };
    }),
  };
}
