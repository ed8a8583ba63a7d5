// The daily chart's rows (visitors and orders per UTC day and arm). A finished day no longer changes,
// so it is counted once from the raw events and kept in "ABTestDailyArm"; only the days since are
// counted live. The insert trigger drops a cached day that still receives an event.
import { Prisma, type PrismaClient } from "@prisma/client";
import { addDays, formatDay } from "../../lib/days";
import type { DailyArmRow } from "../../lib/statistics";

/** Events are stamped on receipt and committed within a second; a day is final this long after it ends. */
const SETTLE_MS = 10 * 60 * 1000;

export async function readDailySeries(prisma: PrismaClient, testId: string, now = new Date()): Promise<DailyArmRow[]> {
  const lastFinal = addDays(formatDay(new Date(now.getTime() - SETTLE_MS)), -1);
  const [{ through, firstEvent }] = await prisma.$queryRaw<{ through: string | null; firstEvent: string | null }[]>`
    SELECT (SELECT to_char(max(date), 'YYYY-MM-DD') FROM "ABTestDailyArm" WHERE "testId" = ${testId}) AS through,
      (SELECT to_char(min("createdAt"), 'YYYY-MM-DD') FROM "ABTestEvent" WHERE "testId" = ${testId}) AS "firstEvent"`;
  const firstMissing = through ? addDays(through, 1) : firstEvent;
  if (firstMissing && firstMissing <= lastFinal) await cacheDays(prisma, testId, firstMissing, lastFinal);

  // Counts are BIGINT in the cache (so no day can overflow them) and arrive as bigint; any real count is
  // far below 2^53, where a double is exact.
  const rows = await prisma.$queryRaw<{ date: string; arm: DailyArmRow["arm"]; visitors: bigint; orders: bigint }[]>`
    SELECT to_char(date, 'YYYY-MM-DD') AS date, arm::text AS arm, visitors, orders
    FROM "ABTestDailyArm" WHERE "testId" = ${testId} AND (visitors > 0 OR orders > 0)
    UNION ALL
    ${countDays(testId, addDays(lastFinal, 1), null)}
    ORDER BY 1, 2`;
  return rows.map((row) => ({ date: row.date, arm: row.arm, visitors: Number(row.visitors), orders: Number(row.orders) }));
}

/** Writes a row for every day and arm of [first, last], zeros included, so the cache is a contiguous prefix. */
async function cacheDays(prisma: PrismaClient, testId: string, first: string, last: string) {
  await prisma.$executeRaw`
    INSERT INTO "ABTestDailyArm" ("testId", date, arm, visitors, orders)
    SELECT ${testId}, d.day::date, a.arm, coalesce(c.visitors, 0), coalesce(c.orders, 0)
    FROM generate_series(${first}::date, ${last}::date, interval '1 day') AS d(day)
    CROSS JOIN unnest(enum_range(NULL::"Arm")) AS a(arm)
    LEFT JOIN (${countDays(testId, first, addDays(last, 1))}) c ON c.date = to_char(d.day, 'YYYY-MM-DD') AND c.arm = a.arm::text
    ON CONFLICT DO NOTHING`;
}

function countDays(testId: string, first: string, end: string | null) {
  return Prisma.sql`
    SELECT to_char("createdAt", 'YYYY-MM-DD') AS date, arm::text AS arm,
      count(DISTINCT "visitorId") FILTER (WHERE "eventType" = 'IMPRESSION') AS visitors,
      count(DISTINCT "orderId") FILTER (WHERE "eventType" = 'PURCHASE') AS orders
    FROM "ABTestEvent"
    WHERE "testId" = ${testId} AND "createdAt" >= ${first}::date ${end ? Prisma.sql`AND "createdAt" < ${end}::date` : Prisma.empty}
    GROUP BY 1, 2
    HAVING count(*) FILTER (WHERE "eventType" IN ('IMPRESSION', 'PURCHASE')) > 0`;
}
