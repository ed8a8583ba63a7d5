// Runs shop-days through the pipeline: catalog (Admin API) → metrics (one GROUP BY) → image backup →
// rows → CSV/JSON to storage → rows + COMPLETED in one transaction. Each shop-day is PENDING while it
// runs and ends COMPLETED or FAILED with the error; a run that was killed leaves PENDING, which the
// next run (cron or backfill) redoes. COMPLETED shop-days are skipped unless forced.
import type { Prisma, PrismaClient } from "@prisma/client";
import { addDays, dayRange, dayStart, formatDay, yesterday } from "../../lib/days";
import type { AdminClient } from "../shopify/admin-client";
import { findActiveShops } from "../shopify/find-active-shops";
import type { ObjectStore } from "../storage/object-store";
import { planDailyRows } from "./build-daily-rows";
import { formatCsvChunks, formatJsonChunks } from "./export-formatter.service";
import { storeExportFiles } from "./export-storage.service";
import { backupProductImages, type ImageBackupOptions } from "./image-backup.service";
import { calculateDailyMetrics } from "./metrics-calculator.service";
import { fetchProductCatalog } from "./product-fetcher.service";
import { persistDailyStatistics } from "./statistics-persistence.service";

export interface ExportDeps {
  prisma: PrismaClient;
  objects: ObjectStore;
  adminForShop(shopId: string): Promise<AdminClient>;
  now(): Date;
  imageBackup?: ImageBackupOptions;
}

export interface ShopDayResult {
  shopId: string;
  shop: string;
  day: string;
  status: "COMPLETED" | "FAILED" | "SKIPPED" | "DEFERRED";
  rows: number;
  durationMs: number;
  error?: string;
}

/** A failure's message for operators and the StatisticsExport row: no stack, no URLs with secrets. */
function describeFailure(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return message.replace(/(access[_-]?token|secret|password)=[^&\s]+/gi, "$1=<redacted>").slice(0, 2000);
}

export async function exportShopDay(deps: ExportDeps, shopId: string, day: string, options: { force?: boolean } = {}): Promise<ShopDayResult> {
  const started = Date.now();
  const { prisma } = deps;
  const shop = await prisma.shopCredential.findUniqueOrThrow({ where: { id: shopId } });
  const result = (status: ShopDayResult["status"], rows = 0, error?: string): ShopDayResult => ({
    shopId,
    shop: shop.myshopifyDomain ?? shop.shopDomain,
    day,
    status,
    rows,
    durationMs: Date.now() - started,
    ...(error ? { error } : {}),
  });
  const date = dayStart(day);
  const previous = await prisma.statisticsExport.findUnique({ where: { shopId_date: { shopId, date } } });
  if (previous?.status === "COMPLETED" && !options.force) return result("SKIPPED", previous.rowCount);
  const exportRow = await prisma.statisticsExport.upsert({
    where: { shopId_date: { shopId, date } },
    create: { shopId, date, status: "PENDING" },
    update: { status: "PENDING", error: null, startedAt: new Date(), completedAt: null },
  });

  try {
    const admin = await deps.adminForShop(shopId);
    const catalog = await fetchProductCatalog(admin);
    const metrics = await calculateDailyMetrics(prisma, shopId, day);
    const { start, end } = dayRange(day);
    const tests = await prisma.aBTest.findMany({
      where: { shopId, startedAt: { lt: end }, OR: [{ endedAt: null }, { endedAt: { gte: start } }] },
      select: { id: true, productId: true },
      orderBy: { startedAt: "asc" },
    });
    const backup = await backupProductImages(prisma, deps.objects, shopId, catalog, deps.imageBackup);
    const currency = shop.currencyCode ?? "USD";
    const shopDomain = shop.myshopifyDomain ?? shop.shopDomain;
    // Rows are made on demand for each walk (CSV, JSON, database) rather than held as one array.
    const rows = planDailyRows({ day, shop: shopDomain, currency, catalog, metrics: metrics.variants, tests, images: backup.images });
    const totals = { ...metrics.totals, rows: rows.count };
    const files = await storeExportFiles(deps.objects, shopId, day, {
      csv: formatCsvChunks(rows.rows()),
      json: formatJsonChunks({ shop: shopDomain, date: day, currency, totals }, rows.rows()),
    });
    await persistDailyStatistics(prisma, shopId, day, rows.rows(), {
      exportId: exportRow.id,
      csvKey: files.csvKey,
      jsonKey: files.jsonKey,
      totals: totals as unknown as Prisma.InputJsonObject,
      images: { uploaded: backup.uploaded, unchanged: backup.unchanged, missing: backup.missing },
    });
    return result("COMPLETED", rows.count);
  } catch (error) {
    const message = describeFailure(error);
    await prisma.statisticsExport.update({ where: { id: exportRow.id }, data: { status: "FAILED", error: message } }).catch(() => {});
    return result("FAILED", 0, message);
  }
}

export interface DailyRunOptions {
  /** Days before yesterday in which unfinished (PENDING/FAILED) shop-days are completed too. */
  catchUpDays?: number;
  /** Stop starting new shop-days after this many ms (the rest is DEFERRED to the next run). */
  budgetMs?: number;
  shopDomain?: string;
}

/** What the daily cron runs: yesterday for every ACTIVE shop, plus unfinished recent shop-days. */
export async function runDailyExport(deps: ExportDeps, options: DailyRunOptions = {}): Promise<{ day: string; results: ShopDayResult[] }> {
  const { catchUpDays = 7, budgetMs = Number.POSITIVE_INFINITY } = options;
  const started = Date.now();
  const day = yesterday(deps.now());
  const { shops } = await findActiveShops(deps.prisma, options.shopDomain ? [options.shopDomain] : undefined);
  const unfinished = await deps.prisma.statisticsExport.findMany({
    where: { shopId: { in: shops.map((shop) => shop.id) }, status: { in: ["PENDING", "FAILED"] }, date: { gte: dayStart(addDays(day, -catchUpDays)), lt: dayStart(day) } },
    select: { shopId: true, date: true },
    orderBy: { date: "asc" },
  });
  const work = [
    ...unfinished.map((row) => ({ shopId: row.shopId, day: formatDay(row.date) })),
    ...shops.map((shop) => ({ shopId: shop.id, day })),
  ];
  const results: ShopDayResult[] = [];
  for (const item of work) {
    if (Date.now() - started > budgetMs) {
      const shop = shops.find((candidate) => candidate.id === item.shopId)!;
      results.push({ shopId: item.shopId, shop: shop.myshopifyDomain ?? shop.shopDomain, day: item.day, status: "DEFERRED", rows: 0, durationMs: 0 });
      continue;
    }
    results.push(await exportShopDay(deps, item.shopId, item.day));
  }
  return { day, results };
}
