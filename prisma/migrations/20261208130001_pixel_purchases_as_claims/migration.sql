-- Purchases stored before 20261208130000_verified_orders were the pixel's (or anyone's) unverified
-- claims: they become PURCHASE_CLAIMs and stop counting (ADR 008). A migration of its own because a new
-- enum value cannot be used in the transaction that adds it. The UPDATE trigger rebuilds the rollups of
-- the tests it touches, so their totals drop these purchases in the same transaction.
UPDATE "ABTestEvent" SET "eventType" = 'PURCHASE_CLAIM' WHERE "eventType" = 'PURCHASE';

-- The export reads each day the claims whose 72 h window closed that day (metrics-calculator.service.ts):
-- through this index it reads only claims, not the whole day of events three days back. Partial, so
-- /track's impressions and carts add no entry. (Here rather than in 20261208130000: a predicate on the
-- new enum value needs it committed.)
CREATE INDEX "ABTestEvent_claims_idx" ON "ABTestEvent"("shopId", "createdAt") WHERE "eventType" = 'PURCHASE_CLAIM';
