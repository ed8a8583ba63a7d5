-- CreateTable
CREATE TABLE "ABTestVisitor" (
    "testId" TEXT NOT NULL,
    "arm" "Arm" NOT NULL,
    "visitorId" TEXT NOT NULL,

    CONSTRAINT "ABTestVisitor_pkey" PRIMARY KEY ("testId","arm","visitorId")
);

-- CreateTable
CREATE TABLE "ABTestVisitorRevenue" (
    "testId" TEXT NOT NULL,
    "arm" "Arm" NOT NULL,
    "visitorId" TEXT NOT NULL,
    "revenue" DECIMAL(16,2) NOT NULL,

    CONSTRAINT "ABTestVisitorRevenue_pkey" PRIMARY KEY ("testId","arm","visitorId")
);

-- CreateTable
CREATE TABLE "ABTestOrder" (
    "testId" TEXT NOT NULL,
    "arm" "Arm" NOT NULL,
    "orderId" TEXT NOT NULL,

    CONSTRAINT "ABTestOrder_pkey" PRIMARY KEY ("testId","arm","orderId")
);

-- CreateTable
CREATE TABLE "ABTestArmTotals" (
    "testId" TEXT NOT NULL,
    "arm" "Arm" NOT NULL,
    "visitors" INTEGER NOT NULL DEFAULT 0,
    "impressions" INTEGER NOT NULL DEFAULT 0,
    "addToCarts" INTEGER NOT NULL DEFAULT 0,
    "orders" INTEGER NOT NULL DEFAULT 0,
    "units" INTEGER NOT NULL DEFAULT 0,
    "revenue" DECIMAL(20,2) NOT NULL DEFAULT 0,
    "revenueSumOfSquares" DECIMAL(38,4) NOT NULL DEFAULT 0,

    CONSTRAINT "ABTestArmTotals_pkey" PRIMARY KEY ("testId","arm")
);

-- CreateTable
CREATE TABLE "ABTestDailyArm" (
    "testId" TEXT NOT NULL,
    "date" DATE NOT NULL,
    "arm" "Arm" NOT NULL,
    "visitors" INTEGER NOT NULL,
    "orders" INTEGER NOT NULL,

    CONSTRAINT "ABTestDailyArm_pkey" PRIMARY KEY ("testId","date","arm")
);

-- AddForeignKey
ALTER TABLE "ABTestVisitor" ADD CONSTRAINT "ABTestVisitor_testId_fkey" FOREIGN KEY ("testId") REFERENCES "ABTest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ABTestVisitorRevenue" ADD CONSTRAINT "ABTestVisitorRevenue_testId_fkey" FOREIGN KEY ("testId") REFERENCES "ABTest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ABTestOrder" ADD CONSTRAINT "ABTestOrder_testId_fkey" FOREIGN KEY ("testId") REFERENCES "ABTest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ABTestArmTotals" ADD CONSTRAINT "ABTestArmTotals_testId_fkey" FOREIGN KEY ("testId") REFERENCES "ABTest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ABTestDailyArm" ADD CONSTRAINT "ABTestDailyArm_testId_fkey" FOREIGN KEY ("testId") REFERENCES "ABTest"("id") ON DELETE CASCADE ON UPDATE CASCADE;



-- Hand-written: the triggers that keep the rollups equal to a recount of "ABTestEvent" on every write
-- path (the /track writer, scripts, seeds). Inserts are folded in incrementally from the transition
-- table of the statement; the rare update or delete (customers/redact, a deleted test) rebuilds the
-- tests it touched. Rows are locked in key order so concurrent batches queue instead of deadlocking.
-- A returning visitor costs one index probe: only first impressions and purchases write rows.

CREATE FUNCTION "ab_test_rebuild_rollups"(test_ids TEXT[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "ABTestVisitor" WHERE "testId" = ANY(test_ids);
  DELETE FROM "ABTestVisitorRevenue" WHERE "testId" = ANY(test_ids);
  DELETE FROM "ABTestOrder" WHERE "testId" = ANY(test_ids);
  DELETE FROM "ABTestArmTotals" WHERE "testId" = ANY(test_ids);
  DELETE FROM "ABTestDailyArm" WHERE "testId" = ANY(test_ids);

  INSERT INTO "ABTestVisitor" ("testId", "arm", "visitorId")
  SELECT DISTINCT "testId", "arm", "visitorId" FROM "ABTestEvent"
  WHERE "testId" = ANY(test_ids) AND "eventType" = 'IMPRESSION';

  INSERT INTO "ABTestVisitorRevenue" ("testId", "arm", "visitorId", "revenue")
  SELECT "testId", "arm", "visitorId", coalesce(sum("revenue"), 0) FROM "ABTestEvent"
  WHERE "testId" = ANY(test_ids) AND "eventType" = 'PURCHASE'
  GROUP BY 1, 2, 3;

  INSERT INTO "ABTestOrder" ("testId", "arm", "orderId")
  SELECT DISTINCT "testId", "arm", "orderId" FROM "ABTestEvent"
  WHERE "testId" = ANY(test_ids) AND "eventType" = 'PURCHASE' AND "orderId" IS NOT NULL;

  INSERT INTO "ABTestArmTotals" ("testId", "arm", "visitors", "impressions", "addToCarts", "orders", "units", "revenue", "revenueSumOfSquares")
  SELECT e."testId", e."arm",
    (SELECT count(*) FROM "ABTestVisitor" v WHERE v."testId" = e."testId" AND v."arm" = e."arm"),
    count(*) FILTER (WHERE e."eventType" = 'IMPRESSION'),
    count(*) FILTER (WHERE e."eventType" = 'ADD_TO_CART'),
    (SELECT count(*) FROM "ABTestOrder" o WHERE o."testId" = e."testId" AND o."arm" = e."arm"),
    coalesce(sum(e."quantity") FILTER (WHERE e."eventType" = 'PURCHASE'), 0),
    coalesce(sum(e."revenue") FILTER (WHERE e."eventType" = 'PURCHASE'), 0),
    (SELECT coalesce(sum(r."revenue" * r."revenue"), 0) FROM "ABTestVisitorRevenue" r WHERE r."testId" = e."testId" AND r."arm" = e."arm")
  FROM "ABTestEvent" e WHERE e."testId" = ANY(test_ids)
  GROUP BY 1, 2;
END $$;

CREATE FUNCTION "ab_test_rollups_after_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH new_visitors AS (
    INSERT INTO "ABTestVisitor" ("testId", "arm", "visitorId")
    SELECT DISTINCT "testId", "arm", "visitorId" FROM new_events WHERE "eventType" = 'IMPRESSION'
    ORDER BY 1, 2, 3
    ON CONFLICT DO NOTHING
    RETURNING "testId", "arm"
  ), revenue_delta AS (
    SELECT "testId", "arm", "visitorId", coalesce(sum("revenue"), 0) AS "revenue"
    FROM new_events WHERE "eventType" = 'PURCHASE' GROUP BY 1, 2, 3
  ), revenues AS (
    INSERT INTO "ABTestVisitorRevenue" AS r ("testId", "arm", "visitorId", "revenue")
    SELECT * FROM revenue_delta ORDER BY 1, 2, 3
    ON CONFLICT ("testId", "arm", "visitorId") DO UPDATE SET "revenue" = r."revenue" + excluded."revenue"
    RETURNING r."testId", r."arm", r."visitorId", r."revenue"
  ), new_orders AS (
    INSERT INTO "ABTestOrder" ("testId", "arm", "orderId")
    SELECT DISTINCT "testId", "arm", "orderId" FROM new_events
    WHERE "eventType" = 'PURCHASE' AND "orderId" IS NOT NULL
    ORDER BY 1, 2, 3
    ON CONFLICT DO NOTHING
    RETURNING "testId", "arm"
  ), arm_delta AS (
    SELECT "testId", "arm",
      count(*) FILTER (WHERE "eventType" = 'IMPRESSION') AS "impressions",
      count(*) FILTER (WHERE "eventType" = 'ADD_TO_CART') AS "addToCarts",
      coalesce(sum("quantity") FILTER (WHERE "eventType" = 'PURCHASE'), 0) AS "units",
      coalesce(sum("revenue") FILTER (WHERE "eventType" = 'PURCHASE'), 0) AS "revenue"
    FROM new_events GROUP BY 1, 2
  ), visitor_counts AS (
    SELECT "testId", "arm", count(*) AS "visitors" FROM new_visitors GROUP BY 1, 2
  ), order_counts AS (
    SELECT "testId", "arm", count(*) AS "orders" FROM new_orders GROUP BY 1, 2
  ), square_deltas AS (
    -- The row after the upsert minus the delta of this statement is the row before it, so the sum of
    -- squares moves by new squared minus old squared without rereading anything.
    SELECT r."testId", r."arm", sum(r."revenue" * r."revenue" - (r."revenue" - d."revenue") * (r."revenue" - d."revenue")) AS "revenueSumOfSquares"
    FROM revenues r JOIN revenue_delta d USING ("testId", "arm", "visitorId")
    GROUP BY 1, 2
  )
  INSERT INTO "ABTestArmTotals" AS t ("testId", "arm", "visitors", "impressions", "addToCarts", "orders", "units", "revenue", "revenueSumOfSquares")
  SELECT a."testId", a."arm", coalesce(v."visitors", 0), a."impressions", a."addToCarts", coalesce(o."orders", 0),
    a."units", a."revenue", coalesce(q."revenueSumOfSquares", 0)
  FROM arm_delta a
  LEFT JOIN visitor_counts v USING ("testId", "arm")
  LEFT JOIN order_counts o USING ("testId", "arm")
  LEFT JOIN square_deltas q USING ("testId", "arm")
  ORDER BY 1, 2
  ON CONFLICT ("testId", "arm") DO UPDATE SET
    "visitors" = t."visitors" + excluded."visitors",
    "impressions" = t."impressions" + excluded."impressions",
    "addToCarts" = t."addToCarts" + excluded."addToCarts",
    "orders" = t."orders" + excluded."orders",
    "units" = t."units" + excluded."units",
    "revenue" = t."revenue" + excluded."revenue",
    "revenueSumOfSquares" = t."revenueSumOfSquares" + excluded."revenueSumOfSquares";

  -- A cached chart day that receives an event (only seeds and the demo write into past days) is
  -- dropped with the days after it, so the cache stays a contiguous prefix.
  DELETE FROM "ABTestDailyArm" c
  USING (SELECT "testId", min("createdAt")::date AS "date" FROM new_events GROUP BY 1) n
  WHERE c."testId" = n."testId" AND c."date" >= n."date";
  RETURN NULL;
END $$;

CREATE FUNCTION "ab_test_rollups_after_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    PERFORM "ab_test_rebuild_rollups"(ARRAY(SELECT "testId" FROM old_events UNION SELECT "testId" FROM new_events));
  ELSE
    PERFORM "ab_test_rebuild_rollups"(ARRAY(SELECT DISTINCT "testId" FROM old_events));
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "ABTestEvent_rollups_insert" AFTER INSERT ON "ABTestEvent"
  REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION "ab_test_rollups_after_insert"();
CREATE TRIGGER "ABTestEvent_rollups_update" AFTER UPDATE ON "ABTestEvent"
  REFERENCING OLD TABLE AS old_events NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION "ab_test_rollups_after_change"();
CREATE TRIGGER "ABTestEvent_rollups_delete" AFTER DELETE ON "ABTestEvent"
  REFERENCING OLD TABLE AS old_events FOR EACH STATEMENT EXECUTE FUNCTION "ab_test_rollups_after_change"();

SELECT "ab_test_rebuild_rollups"(ARRAY(SELECT "id" FROM "ABTest"));
