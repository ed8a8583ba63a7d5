-- A shop-day's resumable progress (issue #12 item 3): the Shopify bulk operation that reads its catalog.
-- A job that runs out of its time while the operation runs leaves its id here and returns the shop-day
-- to the queue; the next job follows that operation instead of starting another. Cleared on completion.
-- Written by app/services/statistics-export/export-ledger.ts only.

-- AlterTable
ALTER TABLE "StatisticsExport" ADD COLUMN "bulkOperationId" TEXT;
