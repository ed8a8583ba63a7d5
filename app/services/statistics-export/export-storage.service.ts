// Uploads a shop-day's files under the DESIGN §4 keys, streamed chunk by chunk (large exports never
// exist as one string). Keys are deterministic, so a rerun overwrites rather than duplicates.
import { Readable } from "node:stream";
import type { ObjectStore } from "../storage/object-store";

export function exportKeys(shopId: string, day: string) {
  const prefix = `statistics-exports/${shopId}/${day}`;
  return { csvKey: `${prefix}/statistics.csv`, jsonKey: `${prefix}/statistics.json` };
}

export async function storeExportFiles(
  objects: ObjectStore,
  shopId: string,
  day: string,
  files: { csv: AsyncIterable<string>; json: AsyncIterable<string> },
) {
  const keys = exportKeys(shopId, day);
  const csv = await objects.put(keys.csvKey, Readable.from(files.csv, { objectMode: false }), { contentType: "text/csv; charset=utf-8" });
  const json = await objects.put(keys.jsonKey, Readable.from(files.json, { objectMode: false }), { contentType: "application/json" });
  return { ...keys, csvBytes: csv.bytes, jsonBytes: json.bytes };
}
