// Which shop-days a backfill will export: every ACTIVE shop (or one) × every day in the range, minus
// the COMPLETED ones unless forced. PENDING, RUNNING (an attempt that may have been killed) and FAILED
// ones are redone. Reads the ledger; the backfill then records the plan in it before any work.
import type { PrismaClient } from "@prisma/client";
import { daysFrom } from "../../lib/days";
import { findActiveShops } from "../shopify/find-active-shops";
import { readLedger, type LedgerStatus } from "./export-ledger";

export interface BackfillItem {
  shopId: string;
  shop: string;
  day: string;
  current: LedgerStatus | null;
  action: "export" | "skip";
}

export async function planBackfill(
  prisma: PrismaClient,
  options: { start: string; end: string; shopDomain?: string; force?: boolean },
): Promise<BackfillItem[]> {
  if (options.start > options.end) throw new Error(`--start ${options.start} is after --end ${options.end}`);
  const { shops, unknownDomains } = await findActiveShops(prisma, options.shopDomain ? [options.shopDomain] : undefined);
  if (unknownDomains.length > 0) throw new Error(`No ACTIVE shop ${unknownDomains.join(", ")}`);
  const existing = await readLedger(prisma, { shopIds: shops.map((shop) => shop.id), from: options.start, to: options.end });
  const status = new Map(existing.map((row) => [`${row.shopId}|${row.day}`, row.status]));
  return shops.flatMap((shop) =>
    daysFrom(options.start, options.end).map((day) => {
      const current = status.get(`${shop.id}|${day}`) ?? null;
      return { shopId: shop.id, shop: shop.myshopifyDomain ?? shop.shopDomain, day, current, action: current === "COMPLETED" && !options.force ? "skip" : "export" } as const;
    }),
  );
}
