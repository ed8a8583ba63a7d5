// CSV and JSON for a shop-day (pure). Output is a function of the rows alone, in their given order,
// so a rerun on the same events and catalog yields byte-identical files. Both formats are produced
// as chunks from batches of rows so a 100k-variant export streams to storage instead of being built
// as one string.
import Papa from "papaparse";
import { CSV_RATIO_DECIMALS, formatExactRatio } from "../../lib/statistics/exact-ratio";
import type { DayTotals } from "./metrics-calculator.service";
import type { DailyRow } from "./build-daily-rows";
import type { TestSection } from "./read-test-sections";

export const CSV_COLUMNS = [
  "date",
  "shop",
  "productId",
  "productTitle",
  "variantId",
  "variantTitle",
  "sku",
  "testId",
  "arm",
  "impressions",
  "visitors",
  "addToCarts",
  "ctr",
  "orders",
  "units",
  "revenue",
  "currency",
  "conversionRate",
  "imageMediaIds",
  "imageR2Keys",
  // Appended last (ADR 008) so readers of the earlier columns by position are unaffected.
  "unverifiedOrders",
] as const;

// A chunk of JSON (~600 bytes a row) or CSV stays under V8's large-object threshold (128 KiB):
// bigger strings are allocated in the old generation, and a 100k-row export's worth of them made the
// heap balloon while the files were written (bench/export.ts). The output does not depend on it.
export const CHUNK_ROWS = 200;

function toCsvRecord(row: DailyRow): (string | number)[] {
  return [
    row.date,
    row.shop,
    row.productId,
    row.productTitle,
    row.variantId,
    row.variantTitle,
    row.sku,
    row.testId ?? "",
    row.arm,
    row.impressions,
    row.visitors,
    row.addToCarts,
    // From the counts, not from row.ctr: rounding the stored 6-decimal value again would be a second
    // rounding (1/113 is 0.008850 stored, but 0.0088 exactly to 4 decimals).
    formatExactRatio(row.addToCarts, row.impressions, CSV_RATIO_DECIMALS),
    row.orders,
    row.units,
    row.revenue,
    row.currency,
    formatExactRatio(row.orders, row.impressions, CSV_RATIO_DECIMALS),
    row.imageMediaIds.join("|"),
    row.imageR2Keys.join("|"),
    row.unverifiedOrders,
  ];
}

// escapeFormulae: a cell starting with =, +, - or @ (a product title, say) must not run as a formula
// when a merchant opens the file in a spreadsheet.
const UNPARSE = { newline: "\r\n", escapeFormulae: true } as const;

/** Consecutive runs of `size` items (the last may be shorter), pulled from the source as needed. */
export function* chunksOf<T>(items: Iterable<T>, size: number): Generator<T[]> {
  let chunk: T[] = [];
  for (const item of items) {
    chunk.push(item);
    if (chunk.length === size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

const CSV_HEADER = Papa.unparse([[...CSV_COLUMNS]], UNPARSE) + "\r\n";

/**
 * The CSV in pieces, one per batch of rows (the export passes batches of CHUNK_ROWS read back from its
 * spool). Each row is its own CRLF-terminated line, so the bytes do not depend on how rows are batched.
 */
export async function* formatCsvChunks(batches: AsyncIterable<DailyRow[]> | Iterable<DailyRow[]>): AsyncGenerator<string> {
  yield CSV_HEADER;
  for await (const batch of batches) {
    if (batch.length > 0) yield Papa.unparse(batch.map(toCsvRecord), { ...UNPARSE, header: false }) + "\r\n";
  }
}

export interface ExportDocumentHeader {
  shop: string;
  date: string;
  currency: string;
  totals: DayTotals & { rows: number };
  /** Per-test sufficient statistics and results (read-test-sections.ts), written after the rows; omitted when undefined. */
  tests?: TestSection[];
}

export async function* formatJsonChunks(header: ExportDocumentHeader, batches: AsyncIterable<DailyRow[]> | Iterable<DailyRow[]>): AsyncGenerator<string> {
  yield `{"shop":${JSON.stringify(header.shop)},"date":${JSON.stringify(header.date)},"currency":${JSON.stringify(header.currency)},"totals":${JSON.stringify(header.totals)},"rows":[`;
  let first = true;
  for await (const batch of batches) {
    if (batch.length === 0) continue;
    yield (first ? "" : ",") + batch.map((row) => JSON.stringify(row)).join(",");
    first = false;
  }
  yield header.tests === undefined ? "]}\n" : `],"tests":${JSON.stringify(header.tests)}}\n`;
}

async function join(chunks: AsyncIterable<string>): Promise<string> {
  let text = "";
  for await (const chunk of chunks) text += chunk;
  return text;
}

/** Whole files at once (tests, small days); the export streams the chunks instead. */
export const formatCsv = (rows: DailyRow[]) => join(formatCsvChunks(chunksOf(rows, CHUNK_ROWS)));
export const formatJson = (header: ExportDocumentHeader, rows: DailyRow[]) => join(formatJsonChunks(header, chunksOf(rows, CHUNK_ROWS)));
