// Which shop-days a backfill will export: every ACTIVE shop (or one) × every day in the range, minus
// the COMPLETED ones unless forced. PENDING (a killed run) and FAILED ones are redone.
import type { PrismaClient } from "@prisma/client";
import { dayStart, daysFrom, formatDay } from "../../lib/days";
import { findActiveShops } from "../shopify/find-active-shops";

export interface BackfillItem {
  shopId: string;
  shop: string;
  day: string;
  current: "PENDING" | "COMPLETED" | "FAILED" | null;
  action: "export" | "skip";
}

export async function planBackfill(
  prisma: PrismaClient,
  options: { start: string; end: string; shopDomain?: string; force?: boolean },
): Promise<BackfillItem[]> {
  if (options.start > options.end) throw new Error(`--start ${options.start} is after --end ${options.end}`);
  const { shops, unknownDomains } = await findActiveShops(prisma, options.shopDomain ? [options.shopDomain] : undefined);
  if (unknownDomains.length > 0) throw new Error(`No ACTIVE shop ${unknownDomains.join(", ")}`);
  const existing = await prisma.statisticsExport.findMany({
    where: { shopId: { in: shops.map((shop) => shop.id) }, date: { gte: dayStart(options.start), lte: dayStart(options.end) } },
    select: { shopId: true, date: true, status: true },
  });
  const status = new Map(existing.map((row) => [`${row.shopId}|${formatDay(row.date)}`, row.status]));
  return shops.flatMap((shop) =>
    daysFrom(options.start, options.end).map((day) => {
      const current = status.get(`${shop.id}|${day}`) ?? null;
      return { shopId: shop.id, shop: shop.myshopifyDomain ?? shop.shopDomain, day, current, action: current === "COMPLETED" && !options.force ? "skip" : "export" } as const;
    }),
  );
}
