import prisma from "./db.server";
import { getEnv } from "./env.server";
import { createShopAdminClient } from "./services/shopify/shop-admin-client";
import { openExportQueue, type ExportQueue } from "./services/statistics-export/export-queue";
import type { ExportDeps } from "./services/statistics-export/statistics-export-orchestrator.service";
import { getObjectStore } from "./storage.server";

/** The export pipeline's collaborators in this process (cron and drain routes, worker, scripts). */
export function createExportDeps(now: () => Date = () => new Date()): ExportDeps {
  const env = getEnv();
  return {
    prisma,
    objects: getObjectStore(),
    adminForShop: (shopId) => createShopAdminClient(prisma, shopId, { origin: env.SHOPIFY_ADMIN_API_ORIGIN }),
    now,
  };
}

declare global {
  // Survives Vite's module reloads in development, like the Prisma client.
  var __abtExportQueue: Promise<ExportQueue> | undefined;
}

/** The process-wide export queue (pg-boss on DATABASE_URL), started on first use. */
export function getExportQueue(): Promise<ExportQueue> {
  globalThis.__abtExportQueue ??= openExportQueue(getEnv().DATABASE_URL).catch((error: unknown) => {
    // A failed start (the database away) is retried by the next caller, not remembered.
    globalThis.__abtExportQueue = undefined;
    throw error;
  });
  return globalThis.__abtExportQueue;
}

/** Stops the process-wide queue, if started (scripts and the worker before they exit). */
export async function stopExportQueue(): Promise<void> {
  const queue = globalThis.__abtExportQueue;
  globalThis.__abtExportQueue = undefined;
  await (await queue?.catch(() => undefined))?.stop();
}
