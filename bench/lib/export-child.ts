// One shop-day export in a process of its own, so the peak RSS it reports (maxRSS of this process) is
// the export's alone. Runs the production wiring (createExportDeps: Prisma over DATABASE_URL, the
// filesystem object store under DATA_DIR, the Admin API at SHOPIFY_ADMIN_API_ORIGIN) and reports to
// the parent over IPC. The only addition is a timer around Admin API requests, which are all the
// catalog fetch does, so the parent can tell the catalog's share of the export's time.
import { createExportDeps } from "../../app/statistics-export.server";
import prisma from "../../app/db.server";
import type { AdminClient } from "../../app/services/shopify/admin-client";
import { exportShopDay, type ShopDayResult } from "../../app/services/statistics-export/statistics-export-orchestrator.service";

export interface ExportChildReport {
  result: ShopDayResult;
  wallMs: number;
  /** Wall time spent inside Admin API requests (sequential, so it adds up to the catalog fetch). */
  adminMs: number;
  adminRequests: number;
  /** process.resourceUsage().maxRSS of this process, in bytes. */
  maxRssBytes: number;
  cpuUserMs: number;
  cpuSystemMs: number;
}

const shopId = process.env.BENCH_SHOP_ID;
const day = process.env.BENCH_DAY;
if (!shopId || !day || !process.send) throw new Error("export-child runs under bench/export.ts (BENCH_SHOP_ID, BENCH_DAY, IPC)");

const deps = createExportDeps();
let adminMs = 0;
let adminRequests = 0;
const timedDeps = {
  ...deps,
  async adminForShop(id: string) {
    const admin = await deps.adminForShop(id);
    const timed: AdminClient = {
      shop: admin.shop,
      async request(operation, variables) {
        const started = performance.now();
        try {
          return await admin.request(operation, variables);
        } finally {
          adminMs += performance.now() - started;
          adminRequests++;
        }
      },
    };
    return timed;
  },
};

const started = performance.now();
const result = await exportShopDay(timedDeps, shopId, day, { force: true });
const wallMs = performance.now() - started;
const usage = process.resourceUsage();
const report: ExportChildReport = {
  result,
  wallMs,
  adminMs,
  adminRequests,
  maxRssBytes: usage.maxRSS * 1024,
  cpuUserMs: usage.userCPUTime / 1000,
  cpuSystemMs: usage.systemCPUTime / 1000,
};
await prisma.$disconnect();
await deps.objects.close();
process.send(report, () => process.disconnect());
