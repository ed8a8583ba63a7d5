// CSV and JSON for a shop-day (pure). Output is a function of the rows alone, in their given order,
// so a rerun on the same events and catalog yields byte-identical files. Both formats are produced
// as chunks so a 100k-variant export streams to storage instead of being built as one string.
import Papa from "papaparse";
import type { DayTotals } from "./metrics-calculator.service";
import type { DailyRow } from "./build-daily-rows";

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
] as const;

const CHUNK_ROWS = 2000;

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
    row.ctr.toFixed(4),
    row.orders,
    row.units,
    row.revenue,
    row.currency,
    row.conversionRate.toFixed(4),
    row.imageMediaIds.join("|"),
    row.imageR2Keys.join("|"),
  ];
}

// escapeFormulae: a cell starting with =, +, - or @ (a product title, say) must not run as a formula
// when a merchant opens the file in a spreadsheet.
const UNPARSE = { newline: "\r\n", escapeFormulae: true } as const;

export function* formatCsvChunks(rows: DailyRow[]): Generator<string> {
  yield Papa.unparse([[...CSV_COLUMNS]], UNPARSE) + "\r\n";
  for (let index = 0; index < rows.length; index += CHUNK_ROWS) {
    const data = rows.slice(index, index + CHUNK_ROWS).map(toCsvRecord);
    yield Papa.unparse(data, { ...UNPARSE, header: false }) + "\r\n";
  }
}

export interface ExportDocumentHeader {
  shop: string;
  date: string;
  currency: string;
  totals: DayTotals & { rows: number };
}

export function* formatJsonChunks(header: ExportDocumentHeader, rows: DailyRow[]): Generator<string> {
  yield `{"shop":${JSON.stringify(header.shop)},"date":${JSON.stringify(header.date)},"currency":${JSON.stringify(header.currency)},"totals":${JSON.stringify(header.totals)},"rows":[`;
  for (let index = 0; index < rows.length; index += CHUNK_ROWS) {
    const chunk = rows.slice(index, index + CHUNK_ROWS).map((row) => JSON.stringify(row)).join(",");
    yield (index === 0 ? "" : ",") + chunk;
  }
  yield "]}\n";
}

export const formatCsv = (rows: DailyRow[]) => [...formatCsvChunks(rows)].join("");
export const formatJson = (header: ExportDocumentHeader, rows: DailyRow[]) => [...formatJsonChunks(header, rows)].join("");
