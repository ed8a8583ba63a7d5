// The temporary directories the export spools its rows and metrics in, under os.tmpdir(). A run removes
// its own when it ends; a run that is killed (OOM, SIGKILL, a Vercel function past its maxDuration)
// cannot, so each run first sweeps those left behind. A spool in use refreshes its directory's mtime on
// every use, so "untouched for longer than STALE_SPOOL_MS" can only mean abandoned: the longest gap
// between two uses of a live spool is one shop-day's export, minutes at most.
import { mkdtemp, readdir, rm, stat, utimes } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

export const SPOOL_PREFIXES = ["daily-rows-", "daily-metrics-", "bulk-catalog-"] as const;
export type SpoolPrefix = (typeof SPOOL_PREFIXES)[number];

/** Far beyond one shop-day's export (and the cron function's 300 s limit). */
export const STALE_SPOOL_MS = 60 * 60 * 1000;

// mkdtemp appends exactly six characters; nothing else in the temp folder is ours, whatever its name.
const SPOOL_NAME = new RegExp(`^(${SPOOL_PREFIXES.join("|")})[A-Za-z0-9]{6}$`);

export function createSpoolDirectory(prefix: SpoolPrefix, root = os.tmpdir()): Promise<string> {
  return mkdtemp(path.join(root, prefix));
}

/** Marks the spool as alive for the sweep of a concurrent run. */
export async function touchSpoolDirectory(directory: string): Promise<void> {
  const now = new Date();
  await utimes(directory, now, now);
}

/**
 * Removes our spool directories untouched for longer than `maxAgeMs`; returns their paths. Never fails
 * the run that calls it: a directory it cannot read or remove is logged and left for the next sweep.
 */
export async function sweepStaleSpoolDirectories(options: { root?: string; maxAgeMs?: number; now?: number } = {}): Promise<string[]> {
  const root = options.root ?? os.tmpdir();
  const cutoff = (options.now ?? Date.now()) - (options.maxAgeMs ?? STALE_SPOOL_MS);
  const removed: string[] = [];
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (error) {
    console.error(JSON.stringify({ event: "spool_sweep_failed", error: (error as Error).message }));
    return removed;
  }
  for (const entry of entries) {
    // A symlink named like a spool is not one: never follow it out of the temp folder.
    if (!entry.isDirectory() || !SPOOL_NAME.test(entry.name)) continue;
    const directory = path.join(root, entry.name);
    try {
      if ((await stat(directory)).mtimeMs >= cutoff) continue;
      await rm(directory, { recursive: true, force: true });
      removed.push(directory);
    } catch (error) {
      console.error(JSON.stringify({ event: "spool_sweep_failed", directory, error: (error as Error).message }));
    }
  }
  if (removed.length > 0) console.log(JSON.stringify({ event: "spool_sweep", removed: removed.length }));
  return removed;
}
