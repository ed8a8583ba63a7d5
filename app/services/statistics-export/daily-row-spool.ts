// A shop-day's rows in a temporary file, one JSON document a line, between the catalog walk that makes
// them page by page and the walks that need them all: the CSV, the JSON (whose header counts the rows)
// and the database. Memory holds a batch at a time, whatever the catalog's size.
import { createReadStream } from "node:fs";
import { open, rm } from "node:fs/promises";
import path from "node:path";
import readline from "node:readline";
import type { DailyRow } from "./build-daily-rows";
import { createSpoolDirectory, touchSpoolDirectory } from "./spool-directory";

export interface DailyRowSpool {
  readonly count: number;
  append(rows: DailyRow[]): Promise<void>;
  /** The rows in the order appended, `size` at a time; may be walked several times. */
  batches(size: number): AsyncGenerator<DailyRow[]>;
  remove(): Promise<void>;
}

export async function createDailyRowSpool(): Promise<DailyRowSpool> {
  const directory = await createSpoolDirectory("daily-rows-");
  const file = path.join(directory, "rows.ndjson");
  const handle = await open(file, "a");
  let count = 0;
  let closed = false;
  const close = async () => {
    if (!closed) await handle.close();
    closed = true;
  };
  return {
    get count() {
      return count;
    },
    async append(rows) {
      if (rows.length === 0) return;
      // JSON.stringify escapes line breaks inside strings, so a line is always one row.
      await handle.appendFile(rows.map((row) => JSON.stringify(row) + "\n").join(""));
      count += rows.length;
      await touchSpoolDirectory(directory);
    },
    async *batches(size) {
      await close();
      await touchSpoolDirectory(directory);
      let batch: DailyRow[] = [];
      for await (const line of readline.createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
        batch.push(JSON.parse(line) as DailyRow);
        if (batch.length === size) {
          await touchSpoolDirectory(directory);
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    },
    async remove() {
      await close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
