// Is the pixel delivering? Per shop: events received in the last 24 h and 7 d, and the last event's
// server time. One query for any number of shops, served by the (shopId, createdAt) index.
import type { PrismaClient } from "@prisma/client";

export interface PixelHealth {
  shopId: string;
  eventsLast24h: number;
  eventsLast7d: number;
  lastEventAt: Date | null;
}

export async function getPixelHealth(prisma: PrismaClient, shopIds: string[], now = new Date()): Promise<Map<string, PixelHealth>> {
  const health = new Map<string, PixelHealth>(shopIds.map((shopId) => [shopId, { shopId, eventsLast24h: 0, eventsLast7d: 0, lastEventAt: null }]));
  if (shopIds.length === 0) return health;
  const dayAgo = new Date(now.getTime() - 24 * 3600_000);
  const weekAgo = new Date(now.getTime() - 7 * 24 * 3600_000);
  const rows = await prisma.$queryRaw<{ shopId: string; last24h: bigint; last7d: bigint; lastEventAt: Date | null }[]>`
    SELECT s.id AS "shopId",
      (SELECT count(*) FROM "ABTestEvent" e WHERE e."shopId" = s.id AND e."createdAt" >= ${dayAgo} AND e."createdAt" <= ${now}) AS "last24h",
      (SELECT count(*) FROM "ABTestEvent" e WHERE e."shopId" = s.id AND e."createdAt" >= ${weekAgo} AND e."createdAt" <= ${now}) AS "last7d",
      (SELECT max(e."createdAt") FROM "ABTestEvent" e WHERE e."shopId" = s.id AND e."createdAt" <= ${now}) AS "lastEventAt"
    FROM unnest(${shopIds}::text[]) AS s(id)`;
  for (const row of rows) {
    health.set(row.shopId, { shopId: row.shopId, eventsLast24h: Number(row.last24h), eventsLast7d: Number(row.last7d), lastEventAt: row.lastEventAt });
  }
  return health;
}

