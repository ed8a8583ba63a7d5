// Issue #9 item 4: no stored combination of values may fail an aggregate, a trigger or the export. One
// variant-day gets thousands of purchase lines at the largest accepted values (quantity 1,000, revenue
// 1,000,000.00), plus rows at the ABTestEvent columns' own maxima inserted directly (quantity 2^31−1,
// revenue 9,999,999,999.99, beyond what /track accepts) so the sums pass 2^31 units and 10^10 revenue
// quickly, and 2,000 add-to-carts on one impression (a ratio above 1,000). Before the wide_counters
// migration the seed itself failed in the rollup trigger ("integer out of range") and the export with
// "numeric field overflow".
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { exportShopDay } from "../../app/services/statistics-export/statistics-export-orchestrator.service";
import { getObjectStore } from "../../app/storage.server";
import { QUANTITY_MAX, REVENUE_MAX_CENTS } from "../../app/services/tracking/track-contract";
import { EVENT_COLUMN_LIST } from "../../app/services/tracking/event-columns";
import { startFakeAdminApi, type FakeAdminApi } from "../fake-shopify/fake-admin-api";
import { createExportShop, exportDeps, type ExportShop } from "../support/export-fixtures";

const DAY = "2026-11-23";
const AT = new Date(`${DAY}T12:00:00Z`);
const MAX_ACCEPTED_LINES = 3_000;
const INT_MAX = 2_147_483_647;
const COLUMN_MAX_REVENUE_CENTS = 999_999_999_999n;
const HUGE_LINES = 3;
const ADD_TO_CARTS = 2_000;

// Exact expectations in integer arithmetic (cents; squares in 1/10,000).
const units = BigInt(MAX_ACCEPTED_LINES * QUANTITY_MAX) + BigInt(HUGE_LINES) * BigInt(INT_MAX);
const revenueCents = BigInt(MAX_ACCEPTED_LINES) * REVENUE_MAX_CENTS + BigInt(HUGE_LINES) * COLUMN_MAX_REVENUE_CENTS;
const bigBuyerCents = BigInt(HUGE_LINES) * COLUMN_MAX_REVENUE_CENTS;
const squaresTenThousandths = BigInt(MAX_ACCEPTED_LINES) * REVENUE_MAX_CENTS ** 2n + bigBuyerCents ** 2n;
const orders = MAX_ACCEPTED_LINES + HUGE_LINES;

const decimal = (value: bigint, places: number) => {
  const scale = 10n ** BigInt(places);
  return `${value / scale}.${String(value % scale).padStart(places, "0")}`;
};

let fake: FakeAdminApi;
let shop: ExportShop;
let variantId: string;

beforeAll(async () => {
  fake = await startFakeAdminApi();
  shop = await createExportShop(prisma, fake);
  variantId = shop.catalog[0].variants[0].id;
  const insert = (select: string) =>
    prisma.$executeRawUnsafe(
      `INSERT INTO "ABTestEvent" (${EVENT_COLUMN_LIST}) ${select}`,
      shop.shopId,
      shop.testId,
      shop.testedProductId,
      variantId,
      AT,
    );
  // Every purchase line at the accepted maximum, each its own buyer and order.
  await insert(`SELECT gen_random_uuid()::text, $1, $2, 'CONTROL', 'PURCHASE', $3, $4, 'buyer-' || i, 'max-' || i || ':0', ${QUANTITY_MAX}, ${decimal(REVENUE_MAX_CENTS, 2)}, 'EUR', 'gid://shopify/Order/' || i, $5, $5, NULL
     FROM generate_series(1, ${MAX_ACCEPTED_LINES}) AS i`);
  // One buyer with lines at the columns' own maxima.
  await insert(`SELECT gen_random_uuid()::text, $1, $2, 'CONTROL', 'PURCHASE', $3, $4, 'big-buyer', 'huge-' || i || ':0', ${INT_MAX}, ${decimal(COLUMN_MAX_REVENUE_CENTS, 2)}, 'EUR', 'gid://shopify/Order/huge-' || i, $5, $5, NULL
     FROM generate_series(1, ${HUGE_LINES}) AS i`);
  await insert(`SELECT gen_random_uuid()::text, $1, $2, 'CONTROL', 'IMPRESSION', $3, $4, 'viewer', 'view-1', 1, NULL, NULL, NULL, $5, $5, NULL`);
  await insert(`SELECT gen_random_uuid()::text, $1, $2, 'CONTROL', 'ADD_TO_CART', $3, $4, 'viewer', 'cart-' || i, 1, NULL, NULL, NULL, $5, $5, NULL
     FROM generate_series(1, ${ADD_TO_CARTS}) AS i`);
}, 120_000);
afterAll(() => fake?.close());

describe("column widths hold any sum of accepted values", () => {
  it("GIVEN a variant-day past 2^31 units and 10^10 revenue, with a ratio above 1,000 THEN the rollup is exact and the export COMPLETES with exact CSV, JSON and rows", async () => {
    const totals = await prisma.aBTestArmTotals.findUniqueOrThrow({ where: { testId_arm: { testId: shop.testId, arm: "CONTROL" } } });
    expect(totals).toMatchObject({ visitors: 1n, impressions: 1n, addToCarts: BigInt(ADD_TO_CARTS), orders: BigInt(orders), units });
    expect(totals.revenue.toFixed(2)).toBe(decimal(revenueCents, 2));
    expect(totals.revenueSumOfSquares.toFixed(4)).toBe(decimal(squaresTenThousandths, 4));

    const result = await exportShopDay(exportDeps(prisma, fake, getObjectStore()), shop.shopId, DAY);
    expect(result).toMatchObject({ status: "COMPLETED" });

    const exported = await prisma.statisticsExport.findUniqueOrThrow({ where: { shopId_date: { shopId: shop.shopId, date: new Date(DAY) } } });
    const expectedRow = {
      impressions: "1",
      visitors: "1",
      addToCarts: String(ADD_TO_CARTS),
      orders: String(orders),
      units: String(units),
      revenue: decimal(revenueCents, 2),
    };
    const csv = Papa.parse<Record<string, string>>((await getObjectStore().get(exported.csvKey!)).body.toString("utf8"), { header: true, skipEmptyLines: true });
    const csvRow = csv.data.find((row) => row.variantId === variantId && row.arm === "CONTROL");
    expect(csvRow).toMatchObject({ ...expectedRow, ctr: "2000.0000", conversionRate: `${orders}.0000` });

    const json = JSON.parse((await getObjectStore().get(exported.jsonKey!)).body.toString("utf8")) as { rows: Record<string, unknown>[] };
    const jsonRow = json.rows.find((row) => row.variantId === variantId && row.arm === "CONTROL")!;
    expect(Object.fromEntries(Object.keys(expectedRow).map((key) => [key, String(jsonRow[key])]))).toEqual(expectedRow);

    const stored = await prisma.variantDailyStatistics.findFirstOrThrow({ where: { shopId: shop.shopId, date: new Date(DAY), variantId, arm: "CONTROL" } });
    expect({
      impressions: String(stored.impressions),
      visitors: String(stored.visitors),
      addToCarts: String(stored.addToCarts),
      orders: String(stored.orders),
      units: String(stored.units),
      revenue: stored.revenue.toFixed(2),
    }).toEqual(expectedRow);
    expect([stored.ctr.toFixed(6), stored.conversionRate.toFixed(6)]).toEqual(["2000.000000", `${orders}.000000`]);
  }, 120_000);
});
