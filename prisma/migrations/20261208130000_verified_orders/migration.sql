-- Verified purchases (DESIGN §4 "Purchases are verified", ADR 008). What the pixel (or anyone) POSTs to
-- /track as a PURCHASE is now stored as a PURCHASE_CLAIM: it names the visitor, test and arm of an order
-- but counts in nothing. A PURCHASE row is written only from Shopify's own order (orders/create webhook,
-- "VerifiedOrderLine"): the line's quantity and its revenue after discounts in the shop's currency. So
-- the rollup triggers and the export's one-pass query keep counting eventType = 'PURCHASE' unchanged,
-- and /track's hot path gains no work for impressions and carts.
-- The new enum value is not used by any statement of this migration (ALTER TYPE … ADD VALUE inside a
-- transaction may not be used before commit); the functions below only name it in their bodies.

ALTER TYPE "EventType" ADD VALUE 'PURCHASE_CLAIM';

-- AlterTable: a claim whose checkout had no order id yet carries the checkout token instead.
ALTER TABLE "ABTestEvent" ADD COLUMN "checkoutToken" TEXT;

-- CreateTable
CREATE TABLE "VerifiedOrderLine" (
    "shopId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "lineId" TEXT NOT NULL,
    "checkoutToken" TEXT,
    "productId" TEXT NOT NULL,
    "variantId" TEXT,
    "quantity" INTEGER NOT NULL,
    "revenue" DECIMAL(12,2) NOT NULL,
    "currency" TEXT NOT NULL,
    "visitorId" TEXT,
    "exposedTestIds" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "orderCreatedAt" TIMESTAMP(3) NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "VerifiedOrderLine_pkey" PRIMARY KEY ("shopId","orderId","lineId")
);

-- CreateIndex
CREATE INDEX "VerifiedOrderLine_shopId_checkoutToken_idx" ON "VerifiedOrderLine"("shopId", "checkoutToken");

-- AddForeignKey
ALTER TABLE "VerifiedOrderLine" ADD CONSTRAINT "VerifiedOrderLine_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "ShopCredential"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written: claims are found by their order (or checkout token) when the order arrives, and the
-- export finds the day's expired claims. Partial indexes hold claims and purchases only, so an
-- impression or a cart (the bulk of /track's rows) adds no index entry.
CREATE INDEX "ABTestEvent_claim_order_idx" ON "ABTestEvent"("shopId", "orderId") WHERE "orderId" IS NOT NULL;
CREATE INDEX "ABTestEvent_claim_checkout_idx" ON "ABTestEvent"("shopId", "checkoutToken") WHERE "checkoutToken" IS NOT NULL;

-- A claim and an order line match when they are of the same shop and order (order id, or the checkout
-- token when the claim had no order id), the line is of the claimed test's product, and the order
-- arrived no later than 72 h after the claim. Each matched line becomes one PURCHASE row (eventId
-- "order:<order>:<line>", so a redelivered webhook, a resent claim or both paths at once write it once)
-- with the claim's test, arm (recomputed by /track, never the client's) and visitor, and the line's
-- quantity, revenue and currency. It counts on the day the later of the two arrived.
CREATE FUNCTION "ab_test_verify_claims"(claim_ids TEXT[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "ABTestEvent" ("id", "shopId", "testId", "arm", "eventType", "productId", "variantId", "visitorId",
    "eventId", "quantity", "revenue", "currency", "orderId", "occurredAt", "createdAt")
  SELECT DISTINCT ON (l."shopId", l."orderId", l."lineId")
    gen_random_uuid()::text, l."shopId", c."testId", c."arm", 'PURCHASE', l."productId", l."variantId", c."visitorId",
    'order:' || l."orderId" || ':' || l."lineId", l."quantity", l."revenue", l."currency", l."orderId",
    l."orderCreatedAt", greatest(c."createdAt", l."receivedAt")
  FROM "ABTestEvent" c
  JOIN "ABTest" t ON t."id" = c."testId"
  JOIN "VerifiedOrderLine" l ON l."shopId" = c."shopId" AND l."productId" = t."productId"
    AND (l."orderId" = c."orderId" OR l."checkoutToken" = c."checkoutToken")
    AND l."receivedAt" <= c."createdAt" + interval '72 hours'
  WHERE c."id" = ANY(claim_ids) AND c."eventType" = 'PURCHASE_CLAIM'
  ORDER BY l."shopId", l."orderId", l."lineId", c."createdAt", c."id"
  ON CONFLICT ("shopId", "eventId") DO NOTHING;
END $$;

-- The pixel's claim may arrive after the order: every statement that inserts claims matches them. The
-- shop's advisory lock orders a claim and its order that commit at the same moment, so whichever commits
-- second sees the other. Claims take it shared: they never conflict with each other, and /track's
-- concurrent group-commit INSERTs of one shop must not queue behind each other (an exclusive lock here
-- serialised them and cost a third of ingest throughput). The webhook takes it exclusive (record-order.ts).
-- A statement without claims does one scan of its transition table and nothing else.
CREATE FUNCTION "ab_test_claims_after_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  claim_ids TEXT[];
  shop_id TEXT;
BEGIN
  SELECT array_agg("id") INTO claim_ids FROM new_events WHERE "eventType" = 'PURCHASE_CLAIM';
  IF claim_ids IS NULL THEN
    RETURN NULL;
  END IF;
  FOR shop_id IN SELECT DISTINCT "shopId" FROM new_events WHERE "eventType" = 'PURCHASE_CLAIM' ORDER BY 1 LOOP
    PERFORM pg_advisory_xact_lock_shared(hashtextextended('verified-orders:' || shop_id, 0));
  END LOOP;
  PERFORM "ab_test_verify_claims"(claim_ids);
  RETURN NULL;
END $$;

CREATE TRIGGER "ABTestEvent_claims_insert" AFTER INSERT ON "ABTestEvent"
  REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION "ab_test_claims_after_insert"();
