// Runs shop-days through the pipeline: metrics (one GROUP BY; one pass for all the shops of a day that
// several shops export) → catalog page by page (Admin API) → per page: image backup, rows into a spool
// → CSV/JSON to storage → rows + COMPLETED in one transaction. Memory holds a catalog page, not the
// catalog. The ledger (export-ledger.ts) keeps each shop-day's state: RUNNING while an attempt runs,
// then COMPLETED, or FAILED / PENDING-for-a-retry with the error; an attempt that was killed leaves
// RUNNING, which the queue's expiry retries (export-drain.ts). COMPLETED shop-days are skipped unless
// forced. Queued jobs (the cron's path) and the inline backfill both come through here.
import type { Prisma, PrismaClient } from "@prisma/client";
import { dayRange } from "../../lib/days";
import type { AdminClient } from "../shopify/admin-client";
import type { ObjectStore } from "../storage/object-store";
import { createDailyRowPager } from "./build-daily-rows";
import { spoolDailyMetrics, type DailyMetricsSpool } from "./daily-metrics-spool";
import { createDailyRowSpool } from "./daily-row-spool";
import { CHUNK_ROWS, formatCsvChunks, formatJsonChunks } from "./export-formatter.service";
import { readTestSections } from "./read-test-sections";
import { checkpointBulkOperation, failAttempt, pauseAttempt, recordDueShopDays, startAttempt } from "./export-ledger";
import { storeExportFiles } from "./export-storage.service";
import { backupProductImages, type ImageBackupOptions } from "./image-backup.service";
import { calculateDailyMetrics, type DailyMetrics } from "./metrics-calculator.service";
import { BulkOperationPendingError, DEFAULT_BULK_THRESHOLD, fetchCatalogPages } from "./product-fetcher.service";
import { sweepStaleSpoolDirectories } from "./spool-directory";
import { PERSIST_BATCH_ROWS, persistDailyStatistics } from "./statistics-persistence.service";

export interface ExportDeps {
  prisma: PrismaClient;
  objects: ObjectStore;
  adminForShop(shopId: string): Promise<AdminClient>;
  now(): Date;
  imageBackup?: ImageBackupOptions;
  /** How catalogs are read: variants from which a bulk operation is used (default DEFAULT_BULK_THRESHOLD), its poll interval. */
  catalog?: { bulkThreshold?: number; bulkPollMs?: number };
}

export interface ShopDayResult {
  shopId: string;
  shop: string;
  day: string;
  status: "COMPLETED" | "FAILED" | "SKIPPED" | "DEFERRED";
  rows: number;
  durationMs: number;
  error?: string;
  /** The ledger's attempt number (absent when the shop-day was not run). */
  attempt?: number;
}

/** A failure's message for operators and the StatisticsExport row: no stack, no URLs with secrets. */
export function describeFailure(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return message.replace(/(access[_-]?token|secret|password)=[^&\s]+/gi, "$1=<redacted>").slice(0, 2000);
}

export interface ShopDayOptions {
  force?: boolean;
  /** The shop-day's metrics from its day's shared pass; when absent or undefined, a query for this shop alone. */
  metrics?: () => Promise<DailyMetrics | undefined>;
  /** Whether a failure ends the shop-day FAILED (default) or leaves it PENDING for the queue's retry. */
  finalAttempt?: boolean;
  /**
   * Epoch ms after which the attempt stops waiting on a running bulk operation: the shop-day is then
   * DEFERRED (PENDING, the attempt not counted, the operation checkpointed) for a later job to continue.
   */
  deadline?: number;
}

export async function exportShopDay(deps: ExportDeps, shopId: string, day: string, options: ShopDayOptions = {}): Promise<ShopDayResult> {
  const startedAt = Date.now();
  const { prisma } = deps;
  const shop = await prisma.shopCredential.findUniqueOrThrow({ where: { id: shopId } });
  const started = await startAttempt(prisma, shopId, day, { force: options.force });
  const attempt = started.started ? started.attempt : undefined;
  const result = (status: ShopDayResult["status"], rows = 0, error?: string): ShopDayResult => ({
    shopId,
    shop: shop.myshopifyDomain ?? shop.shopDomain,
    day,
    status,
    rows,
    durationMs: Date.now() - startedAt,
    ...(error ? { error } : {}),
    ...(attempt ? { attempt } : {}),
  });
  if (!started.started) return result("SKIPPED", started.rowCount);

  try {
    const admin = await deps.adminForShop(shopId);
    const metrics = (await options.metrics?.()) ?? (await calculateDailyMetrics(prisma, shopId, day));
    const { start, end } = dayRange(day);
    const tests = await prisma.aBTest.findMany({
      where: { shopId, startedAt: { lt: end }, OR: [{ endedAt: null }, { endedAt: { gte: start } }] },
      select: { id: true, productId: true, trafficSplit: true, startedAt: true, endedAt: true },
      orderBy: { startedAt: "asc" },
    });
    const testSections = await readTestSections(prisma, shopId, tests, end);
    const currency = shop.currencyCode ?? "USD";
    const shopDomain = shop.myshopifyDomain ?? shop.shopDomain;
    const pager = createDailyRowPager({ day, shop: shopDomain, currency, metrics: metrics.variants, tests });
    const images = { uploaded: 0, unchanged: 0, missing: [] as string[] };
    // Rows go to a spool page by page: the JSON's header counts them before the first row is written.
    const spool = await createDailyRowSpool();
    try {
      const catalog = fetchCatalogPages(admin, {
        bulkThreshold: deps.catalog?.bulkThreshold ?? DEFAULT_BULK_THRESHOLD,
        bulkPollMs: deps.catalog?.bulkPollMs,
        bulkOperationId: started.bulkOperationId,
        onBulkOperation: (id) => (id === started.bulkOperationId ? undefined : checkpointBulkOperation(prisma, started.exportId, started.attempt, id)),
        waitUntil: options.deadline,
      });
      for await (const products of catalog) {
        const backup = await backupProductImages(prisma, deps.objects, shopId, products, deps.imageBackup);
        images.uploaded += backup.uploaded;
        images.unchanged += backup.unchanged;
        images.missing.push(...backup.missing);
        await spool.append(pager.page(products, backup.images));
      }
      await spool.append(pager.rest());
      const totals = { ...metrics.totals, rows: spool.count };
      const files = await storeExportFiles(deps.objects, shopId, day, {
        csv: formatCsvChunks(spool.batches(CHUNK_ROWS)),
        json: formatJsonChunks({ shop: shopDomain, date: day, currency, totals, tests: testSections }, spool.batches(CHUNK_ROWS)),
      });
      await persistDailyStatistics(prisma, shopId, day, spool.batches(PERSIST_BATCH_ROWS), {
        exportId: started.exportId,
        csvKey: files.csvKey,
        jsonKey: files.jsonKey,
        totals: totals as unknown as Prisma.InputJsonObject,
        images,
      });
      return result("COMPLETED", spool.count);
    } finally {
      await spool.remove();
    }
  } catch (error) {
    if (error instanceof BulkOperationPendingError && (await pauseAttempt(prisma, started.exportId, started.attempt).catch(() => false))) {
      return result("DEFERRED");
    }
    const message = describeFailure(error);
    // The ledger keeps a COMPLETED that an overlapping attempt reached meanwhile, and a later attempt's state.
    await failAttempt(prisma, started.exportId, started.attempt, message, { final: options.finalAttempt ?? true }).catch(() => {});
    return result("FAILED", 0, message);
  }
}

export interface ShopDaysOptions {
  force?: boolean;
  /** Stop starting new shop-days after this many ms (the rest is DEFERRED to the next run). */
  budgetMs?: number;
  /** Each result as soon as it is known (progress output). */
  onResult?(result: ShopDayResult): void;
}

/**
 * The day's metrics of its due shops (as the ledger recorded them) from one shared pass, when there
 * are several; undefined otherwise, or when the pass fails, and each shop-day then queries its own.
 */
async function spoolDueShopMetrics(prisma: PrismaClient, due: string[], day: string): Promise<DailyMetricsSpool | undefined> {
  try {
    if (due.length < 2) return undefined;
    return await spoolDailyMetrics(prisma, due, day);
  } catch (error) {
    console.error(JSON.stringify({ event: "statistics_metrics_pass_failed", day, shops: due.length, error: describeFailure(error) }));
    return undefined;
  }
}

/**
 * Exports shop-days day by day in this process (the inline backfill; queued jobs go through
 * export-drain.ts). Every shop-day is recorded due in the ledger before the first starts. A day with several shops to export gets their metrics from one aggregate
 * pass over its events (a query per shop would re-read the day's events for each); each shop-day then
 * runs on its own, so one failing never fails another.
 */
export async function exportShopDays(deps: ExportDeps, work: { shopId: string; day: string }[], options: ShopDaysOptions = {}): Promise<ShopDayResult[]> {
  const started = Date.now();
  const { force = false, budgetMs = Number.POSITIVE_INFINITY } = options;
  // Spools of a run that was killed (it could not remove them) go before this run makes its own.
  await sweepStaleSpoolDirectories();
  const shops = new Map(
    (await deps.prisma.shopCredential.findMany({ where: { id: { in: [...new Set(work.map((item) => item.shopId))] } }, select: { id: true, shopDomain: true, myshopifyDomain: true } })).map(
      (shop) => [shop.id, shop],
    ),
  );
  const shopsByDay = new Map<string, Set<string>>();
  for (const { shopId, day } of work) shopsByDay.set(day, (shopsByDay.get(day) ?? new Set()).add(shopId));
  const dueByDay = new Map<string, string[]>();
  for (const item of await recordDueShopDays(deps.prisma, work, { force })) dueByDay.set(item.day, [...(dueByDay.get(item.day) ?? []), item.shopId]);

  const results: ShopDayResult[] = [];
  const report = (result: ShopDayResult) => {
    results.push(result);
    options.onResult?.(result);
  };
  for (const [day, shopIdSet] of shopsByDay) {
    const shopIds = [...shopIdSet];
    // Made when the day's first shop-day starts, so a day deferred as a whole costs no pass.
    let spool: Promise<DailyMetricsSpool | undefined> | undefined;
    try {
      for (const shopId of shopIds) {
        const shop = shops.get(shopId);
        const reportUnrun = (status: "DEFERRED" | "FAILED", error?: string) =>
          report({ shopId, shop: shop?.myshopifyDomain ?? shop?.shopDomain ?? shopId, day, status, rows: 0, durationMs: 0, ...(error ? { error } : {}) });
        if (Date.now() - started > budgetMs) {
          reportUnrun("DEFERRED");
          continue;
        }
        const metrics = await (spool ??= spoolDueShopMetrics(deps.prisma, dueByDay.get(day) ?? [], day));
        // The shared pass may have used up the budget.
        if (Date.now() - started > budgetMs) {
          reportUnrun("DEFERRED");
          continue;
        }
        try {
          report(await exportShopDay(deps, shopId, day, { force, metrics: metrics && (() => metrics.read(shopId)) }));
        } catch (error) {
          // exportShopDay records its own failures; this is one before it could (e.g. the database was away).
          reportUnrun("FAILED", describeFailure(error));
        }
      }
    } finally {
      await (await spool)?.remove();
    }
  }
  return results;
}
