import prisma from "./db.server";
import { getEnv } from "./env.server";
import { createShopAdminClient } from "./services/shopify/shop-admin-client";
import type { ExportDeps } from "./services/statistics-export/statistics-export-orchestrator.service";
import { getObjectStore } from "./storage.server";

/** The export pipeline's collaborators in this process (cron route, scripts). */
export function createExportDeps(now: () => Date = () => new Date()): ExportDeps {
  const env = getEnv();
  return {
    prisma,
    objects: getObjectStore(),
    adminForShop: (shopId) => createShopAdminClient(prisma, shopId, { origin: env.SHOPIFY_ADMIN_API_ORIGIN }),
    now,
  };
}
