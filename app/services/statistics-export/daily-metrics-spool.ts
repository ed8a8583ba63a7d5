// The metrics of a day's shops from one aggregate pass, kept in temporary files shop by shop until each
// shop-day's export takes its own: the pass reads the day's events once for all shops (a query per shop
// re-reads most of the day's heap pages for each, as events of all shops arrive interleaved), and
// memory holds one shop's metrics at a time however many shops the day has.
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { PrismaClient } from "@prisma/client";
import { parseDailyMetrics, streamDailyMetrics, type DailyMetrics } from "./metrics-calculator.service";
import { createSpoolDirectory, touchSpoolDirectory } from "./spool-directory";

export interface DailyMetricsSpool {
  /** The shop's metrics (zeros when it had no events); undefined for a shop the pass did not cover. */
  read(shopId: string): Promise<DailyMetrics | undefined>;
  /** The shop's document as the pass wrote it (null when it had no events; undefined when not covered), for staging elsewhere. */
  readDocument(shopId: string): Promise<string | null | undefined>;
  remove(): Promise<void>;
}

export async function spoolDailyMetrics(prisma: PrismaClient, shopIds: string[], day: string): Promise<DailyMetricsSpool> {
  // Each new file refreshes the directory's mtime while the pass writes; reads refresh it explicitly.
  const directory = await createSpoolDirectory("daily-metrics-");
  const covered = new Set(shopIds);
  // File names by position: shop ids are opaque strings, not safe file names.
  const files = new Map<string, string>();
  try {
    await streamDailyMetrics(prisma, shopIds, day, async (shopId, document) => {
      const file = path.join(directory, `${files.size}.json`);
      await writeFile(file, document);
      files.set(shopId, file);
    });
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  return {
    async read(shopId) {
      if (!covered.has(shopId)) return undefined;
      await touchSpoolDirectory(directory);
      const file = files.get(shopId);
      if (!file) return parseDailyMetrics(undefined);
      const document = await readFile(file, "utf8");
      return parseDailyMetrics(document);
    },
    async readDocument(shopId) {
      if (!covered.has(shopId)) return undefined;
      await touchSpoolDirectory(directory);
      const file = files.get(shopId);
      return file ? await readFile(file, "utf8") : null;
    },
    remove: () => rm(directory, { recursive: true, force: true }),
  };
}
