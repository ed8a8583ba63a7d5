// Raw ABTestEvent rows for tests that seed through the app's Prisma client rather than a pg pool.
import type { PrismaClient } from "@prisma/client";
import type { EventQueryable } from "../../app/services/tracking/event-columns";

/** insertEvents() over Prisma: the same statement and parameters the tracking writer sends through pg. */
export const prismaQueryable = (prisma: PrismaClient): EventQueryable => ({
  query: async (text, values) => ({ rowCount: await prisma.$executeRawUnsafe(text, ...values) }),
});
