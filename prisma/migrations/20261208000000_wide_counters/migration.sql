-- Column widths for any sum of accepted values (DESIGN §4, issue #9): an event's quantity is at most
-- 1,000 and its revenue at most 1,000,000.00 (app/services/tracking/track-contract.ts), so counters are
-- BIGINT (a count of rows, or of rows × 1,000, cannot reach 2^63) and sums of money are DECIMAL(30,2)
-- (2^63 lines × 10^6 < 10^26). Σ over visitors of (visitor revenue)² is at most (Σ revenue)² < 10^56:
-- DECIMAL(62,4). A ratio is at most a count: DECIMAL(26,6). Widening never rewrites a value.

-- AlterTable
ALTER TABLE "ABTestArmTotals" ALTER COLUMN "visitors" SET DATA TYPE BIGINT,
ALTER COLUMN "impressions" SET DATA TYPE BIGINT,
ALTER COLUMN "addToCarts" SET DATA TYPE BIGINT,
ALTER COLUMN "orders" SET DATA TYPE BIGINT,
ALTER COLUMN "units" SET DATA TYPE BIGINT,
ALTER COLUMN "revenue" SET DATA TYPE DECIMAL(30,2),
ALTER COLUMN "revenueSumOfSquares" SET DATA TYPE DECIMAL(62,4);

-- AlterTable
ALTER TABLE "ABTestDailyArm" ALTER COLUMN "visitors" SET DATA TYPE BIGINT,
ALTER COLUMN "orders" SET DATA TYPE BIGINT;

-- AlterTable
ALTER TABLE "ABTestVisitorRevenue" ALTER COLUMN "revenue" SET DATA TYPE DECIMAL(30,2);

-- AlterTable
ALTER TABLE "VariantDailyStatistics" ALTER COLUMN "impressions" SET DATA TYPE BIGINT,
ALTER COLUMN "visitors" SET DATA TYPE BIGINT,
ALTER COLUMN "addToCarts" SET DATA TYPE BIGINT,
ALTER COLUMN "orders" SET DATA TYPE BIGINT,
ALTER COLUMN "units" SET DATA TYPE BIGINT,
ALTER COLUMN "revenue" SET DATA TYPE DECIMAL(30,2),
ALTER COLUMN "ctr" SET DATA TYPE DECIMAL(26,6),
ALTER COLUMN "conversionRate" SET DATA TYPE DECIMAL(26,6);
