import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { rate, type DailyRow } from "./build-daily-rows";
import type { TestSection } from "./read-test-sections";
import { CSV_COLUMNS, formatCsv, formatCsvChunks, formatJson, formatJsonChunks, type ExportDocumentHeader } from "./export-formatter.service";

const row = (index: number, overrides: Partial<DailyRow> = {}): DailyRow => ({
  date: "2026-11-23",
  shop: "a.myshopify.com",
  productId: `gid://shopify/Product/${index}`,
  productTitle: `Shirt ${index}`,
  variantId: `gid://shopify/ProductVariant/${index}`,
  variantTitle: "M",
  sku: `SKU-${index}`,
  testId: null,
  arm: "NONE",
  impressions: index,
  visitors: index,
  addToCarts: 0,
  ctr: 0.123456,
  orders: 0,
  units: 0,
  revenue: "0.00",
  currency: "EUR",
  conversionRate: 0.5,
  imageMediaIds: ["gid://shopify/MediaImage/1", "gid://shopify/MediaImage/2"],
  imageR2Keys: ["product-images/s/1/1/1.png", "product-images/s/1/1/2.png"],
  unverifiedOrders: 0,
  ...overrides,
});

describe("export formatter", () => {
  it("GIVEN rows THEN the CSV has the DESIGN header, rates to 4 decimals, image lists joined, unverifiedOrders last, and CRLF line ends", async () => {
    const csv = await formatCsv([row(1, { impressions: 8, addToCarts: 1, ctr: 0.125, orders: 4, conversionRate: 0.5, unverifiedOrders: 2 })]);

    expect(CSV_COLUMNS.at(-1)).toBe("unverifiedOrders");

    expect(csv).toBe(
      `${CSV_COLUMNS.join(",")}\r\n2026-11-23,a.myshopify.com,gid://shopify/Product/1,Shirt 1,gid://shopify/ProductVariant/1,M,SKU-1,,NONE,8,1,1,0.1250,4,0,0.00,EUR,0.5000,gid://shopify/MediaImage/1|gid://shopify/MediaImage/2,product-images/s/1/1/1.png|product-images/s/1/1/2.png,2\r\n`,
    );
  });

  it.each([
    // Exact ratios whose 6-decimal rounding ends in 5: rounding that again gave the wrong 4th decimal.
    [1, 113, "0.0088"],
    [15, 119, "0.1261"],
    [1, 3, "0.3333"],
    [2, 3, "0.6667"],
    [2000, 1, "2000.0000"],
    [5, 0, "0.0000"],
  ])("GIVEN %i add-to-carts and orders over %i impressions THEN ctr and conversionRate are %s, rounded once from the counts", async (numerator, impressions, expected) => {
    const [record] = Papa.parse<Record<string, string>>(
      await formatCsv([row(1, { impressions, addToCarts: numerator, orders: numerator, ctr: rate(numerator, impressions), conversionRate: rate(numerator, impressions) })]),
      { header: true, skipEmptyLines: true },
    ).data;

    expect([record.ctr, record.conversionRate]).toEqual([expected, expected]);
  });

  it.each([
    ["a comma and quotes", 'Shirt, "classic"'],
    ["a formula", "=HYPERLINK(\"http://evil\")"],
    ["a newline", "two\nlines"],
    ["unicode", "Tee ✓ — Grüße"],
  ])("GIVEN a title with %s THEN it survives a CSV round trip and never starts a formula", async (_case, title) => {
    const parsed = Papa.parse<Record<string, string>>(await formatCsv([row(1, { productTitle: title })]), { header: true, skipEmptyLines: true });

    const cell = parsed.data[0].productTitle;
    expect(cell.replace(/^'/, "")).toBe(title);
    expect(/^[=+\-@]/.test(cell)).toBe(false);
  });

  it("GIVEN more rows than one chunk THEN the output is identical across runs and parses to every row", async () => {
    const rows = Array.from({ length: 4501 }, (_, index) => row(index));

    const csv = await formatCsv(rows);
    const json = await formatJson({ shop: "a.myshopify.com", date: "2026-11-23", currency: "EUR", totals: { impressions: 1, visitors: 1, addToCarts: 0, orders: 0, units: 0, revenue: "0.00", unverifiedOrders: 0, byArm: {}, rows: rows.length } }, rows);

    expect(await formatCsv(rows)).toBe(csv);
    expect(Papa.parse(csv, { header: true, skipEmptyLines: true }).data).toHaveLength(4501);
    expect(JSON.parse(json).rows).toEqual(rows);
  });

  it("GIVEN the same rows in batches of any size, empty ones included THEN the streamed files are the whole-file bytes", async () => {
    const rows = Array.from({ length: 23 }, (_, index) => row(index, { productTitle: index % 2 ? "a, \"b\"" : "=c" }));
    const header: ExportDocumentHeader = { shop: "s", date: "d", currency: "EUR", totals: { impressions: 0, visitors: 0, addToCarts: 0, orders: 0, units: 0, revenue: "0.00", unverifiedOrders: 0, byArm: {}, rows: 23 } };
    const batches = [rows.slice(0, 1), [], rows.slice(1, 10), rows.slice(10)];
    const join = async (chunks: AsyncIterable<string>) => {
      let text = "";
      for await (const chunk of chunks) text += chunk;
      return text;
    };

    expect(await join(formatCsvChunks(batches))).toBe(await formatCsv(rows));
    expect(await join(formatJsonChunks(header, batches))).toBe(await formatJson(header, rows));
  });

  it("GIVEN per-test sections THEN the JSON carries them after the rows, and without them the document is unchanged", async () => {
    const header: ExportDocumentHeader = { shop: "s", date: "d", currency: "EUR", totals: { impressions: 0, visitors: 0, addToCarts: 0, orders: 0, units: 0, revenue: "0.00", unverifiedOrders: 0, byArm: {}, rows: 1 } };
    const section = { testId: "t1", arms: { CONTROL: { visitors: 3 } } } as unknown as TestSection;

    const withTests = await formatJson({ ...header, tests: [section] }, [row(1)]);
    const without = await formatJson(header, [row(1)]);

    expect(Object.keys(JSON.parse(withTests))).toEqual(["shop", "date", "currency", "totals", "rows", "tests"]);
    expect(JSON.parse(withTests).tests).toEqual([section]);
    expect(Object.keys(JSON.parse(without))).toEqual(["shop", "date", "currency", "totals", "rows"]);
    expect(withTests.endsWith("}\n")).toBe(true);
  });

  it("GIVEN no rows THEN the CSV is just the header and the JSON an empty row list", async () => {
    expect(await formatCsv([])).toBe(`${CSV_COLUMNS.join(",")}\r\n`);
    expect(JSON.parse(await formatJson({ shop: "s", date: "d", currency: "EUR", totals: { impressions: 0, visitors: 0, addToCarts: 0, orders: 0, units: 0, revenue: "0.00", unverifiedOrders: 0, byArm: {}, rows: 0 } }, [])).rows).toEqual([]);
  });
});
