-- CreateTable
CREATE TABLE "ABTestVisitor" (
    "testId" TEXT NOT NULL,
    "arm" "Arm" NOT NULL,
    "visitorId" TEXT NOT NULL,
    "impressions" INTEGER NOT NULL DEFAULT 0,
    "addToCarts" INTEGER NOT NULL DEFAULT 0,
    "units" INTEGER NOT NULL DEFAULT 0,
    "revenue" DECIMAL(16,2) NOT NULL DEFAULT 0,

    CONSTRAINT "ABTestVisitor_pkey" PRIMARY KEY ("testId","arm","visitorId")
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
ALTER TABLE "ABTestOrder" ADD CONSTRAINT "ABTestOrder_testId_fkey" FOREIGN KEY ("testId") REFERENCES "ABTest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ABTestArmTotals" ADD CONSTRAINT "ABTestArmTotals_testId_fkey" FOREIGN KEY ("testId") REFERENCES "ABTest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ABTestDailyArm" ADD CONSTRAINT "ABTestDailyArm_testId_fkey" FOREIGN KEY ("testId") REFERENCES "ABTest"("id") ON DELETE CASCADE ON UPDATE CASCADE;



-- Hand-written: the triggers that keep the rollups equal to a recount of "ABTestEvent" on every write
-- path (the /track writer, scripts, seeds). Inserts are folded in incrementally from the
-- transition table; the rare update or delete (customers/redact, a deleted test) rebuilds the tests
-- it touched. Locks are taken in key order so concurrent batches queue instead of deadlocking.

CREATE FUNCTION "ab_test_rebuild_rollups"(test_ids TEXT[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "ABTestVisitor" WHERE "testId" = ANY(test_ids);
  DELETE FROM "ABTestOrder" WHERE "testId" = ANY(test_ids);
  DELETE FROM "ABTestArmTotals" WHERE "testId" = ANY(test_ids);
  DELETE FROM "ABTestDailyArm" WHERE "testId" = ANY(test_ids);

  INSERT INTO "ABTestVisitor" ("testId", "arm", "visitorId", "impressions", "addToCarts", "units", "revenue")
  SELECT "testId", "arm", "visitorId",
    count(*) FILTER (WHERE "eventType" = 'IMPRESSION'),
    count(*) FILTER (WHERE "eventType" = 'ADD_TO_CART'),
    coalesce(sum("quantity") FILTER (WHERE "eventType" = 'PURCHASE'), 0),
    coalesce(sum("revenue") FILTER (WHERE "eventType" = 'PURCHASE'), 0)
  FROM "ABTestEvent" WHERE "testId" = ANY(test_ids)
  GROUP BY 1, 2, 3;

  INSERT INTO "ABTestOrder" ("testId", "arm", "orderId")
  SELECT DISTINCT "testId", "arm", "orderId" FROM "ABTestEvent"
  WHERE "testId" = ANY(test_ids) AND "eventType" = 'PURCHASE' AND "orderId" IS NOT NULL;

  INSERT INTO "ABTestArmTotals" ("testId", "arm", "visitors", "impressions", "addToCarts", "orders", "units", "revenue", "revenueSumOfSquares")
  SELECT v."testId", v."arm",
    count(*) FILTER (WHERE v."impressions" > 0), sum(v."impressions"), sum(v."addToCarts"),
    coalesce(max(o."orders"), 0), sum(v."units"), sum(v."revenue"), sum(v."revenue" * v."revenue")
  FROM "ABTestVisitor" v
  LEFT JOIN (SELECT "testId", "arm", count(*) AS "orders" FROM "ABTestOrder" WHERE "testId" = ANY(test_ids) GROUP BY 1, 2) o
    ON o."testId" = v."testId" AND o."arm" = v."arm"
  WHERE v."testId" = ANY(test_ids)
  GROUP BY 1, 2;
END $$;

CREATE FUNCTION "ab_test_rollups_after_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH delta AS (
    SELECT "testId", "arm", "visitorId",
      count(*) FILTER (WHERE "eventType" = 'IMPRESSION')::int AS "impressions",
      count(*) FILTER (WHERE "eventType" = 'ADD_TO_CART')::int AS "addToCarts",
      coalesce(sum("quantity") FILTER (WHERE "eventType" = 'PURCHASE'), 0)::int AS "units",
      coalesce(sum("revenue") FILTER (WHERE "eventType" = 'PURCHASE'), 0) AS "revenue"
    FROM new_events GROUP BY 1, 2, 3
  ), visitors AS (
    INSERT INTO "ABTestVisitor" AS v ("testId", "arm", "visitorId", "impressions", "addToCarts", "units", "revenue")
    SELECT * FROM delta ORDER BY 1, 2, 3
    ON CONFLICT ("testId", "arm", "visitorId") DO UPDATE SET
      "impressions" = v."impressions" + excluded."impressions",
      "addToCarts" = v."addToCarts" + excluded."addToCarts",
      "units" = v."units" + excluded."units",
      "revenue" = v."revenue" + excluded."revenue"
    RETURNING v."testId", v."arm", v."visitorId", v."impressions", v."revenue"
  ), orders AS (
    INSERT INTO "ABTestOrder" ("testId", "arm", "orderId")
    SELECT DISTINCT "testId", "arm", "orderId" FROM new_events
    WHERE "eventType" = 'PURCHASE' AND "orderId" IS NOT NULL
    ORDER BY 1, 2, 3
    ON CONFLICT DO NOTHING
    RETURNING "testId", "arm"
  ), arm_delta AS (
    -- The row after the upsert minus the delta of this statement is the row before it: a visitor is new to
    -- the count of its arm when its first impressions are in this delta, and Σ revenue² moves by new² − old².
    SELECT d."testId", d."arm",
      count(*) FILTER (WHERE d."impressions" > 0 AND v."impressions" = d."impressions") AS "visitors",
      sum(d."impressions") AS "impressions", sum(d."addToCarts") AS "addToCarts", sum(d."units") AS "units",
      sum(d."revenue") AS "revenue",
      sum(v."revenue" * v."revenue" - (v."revenue" - d."revenue") * (v."revenue" - d."revenue")) AS "revenueSumOfSquares"
    FROM delta d JOIN visitors v USING ("testId", "arm", "visitorId")
    GROUP BY 1, 2
  )
  INSERT INTO "ABTestArmTotals" AS t ("testId", "arm", "visitors", "impressions", "addToCarts", "orders", "units", "revenue", "revenueSumOfSquares")
  SELECT a."testId", a."arm", a."visitors", a."impressions", a."addToCarts",
    (SELECT count(*) FROM orders o WHERE o."testId" = a."testId" AND o."arm" = a."arm"),
    a."units", a."revenue", a."revenueSumOfSquares"
  FROM arm_delta a ORDER BY 1, 2
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
