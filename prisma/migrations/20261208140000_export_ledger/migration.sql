-- The export ledger (issue #12): a shop-day is PENDING from the moment the planner sees it due, RUNNING
-- while an attempt works on it, then COMPLETED or FAILED. `attempts` counts attempts; `error` keeps the
-- last one's reason. The planner stages the day's metrics (one pass for all due shops) on each row for
-- the job that exports it; the document is dropped when the shop-day completes. Written by
-- app/services/statistics-export/export-ledger.ts only.

-- AlterEnum (the new value is not used in this transaction, so it may be added inside one)
ALTER TYPE "ExportStatus" ADD VALUE 'RUNNING' BEFORE 'COMPLETED';

-- AlterTable
ALTER TABLE "StatisticsExport" ADD COLUMN "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "stagedMetrics" TEXT,
ADD COLUMN "metricsStagedAt" TIMESTAMP(3);
