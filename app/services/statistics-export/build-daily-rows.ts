// Assembles a shop-day's rows (pure): every variant of every product gets a row, zeros included; a
// variant under a test that day gets one row per arm, other variants one NONE row; metrics for
// products no longer in the catalog still appear, so the export always adds up to the raw events.
// Rows are made per catalog page (createDailyRowPager), so a 100k-variant day never exists as one array.
import { roundExactRatio, STORED_RATIO_DECIMALS } from "../../lib/statistics/exact-ratio";
import type { CatalogProduct } from "./product-fetcher.service";
import type { VariantMetrics } from "./metrics-calculator.service";

export type StatisticsArm = "CONTROL" | "TREATMENT" | "NONE";

export interface DailyRow {
  date: string;
  shop: string;
  productId: string;
  productTitle: string;
  variantId: string;
  variantTitle: string;
  sku: string;
  testId: string | null;
  arm: StatisticsArm;
  impressions: number;
  visitors: number;
  addToCarts: number;
  ctr: number;
  orders: number;
  units: number;
  revenue: string;
  currency: string;
  conversionRate: number;
  imageMediaIds: string[];
  imageR2Keys: string[];
  /** Purchases /track was told of that Shopify's orders did not confirm within 72 h (ADR 008); last, as in the CSV. */
  unverifiedOrders: number;
}

export interface TestOnDay {
  id: string;
  productId: string;
}

export interface BackedUpImage {
  mediaId: string;
  r2Key: string;
}

export interface BuildDailyRowsInput {
  day: string;
  shop: string;
  currency: string;
  catalog: CatalogProduct[];
  metrics: VariantMetrics[];
  /** Tests running at any time during the day. */
  tests: TestOnDay[];
  /** Backed-up images by variant id. */
  images: Map<string, BackedUpImage[]>;
}

/**
 * ratio rounded ONCE from the exact counts to 6 decimals, half away from zero; 0 when the denominator
 * is 0 (DESIGN §4). The CSV rounds the same counts to 4 decimals itself, never this value again.
 */
export function rate(numerator: number, denominator: number): number {
  return roundExactRatio(numerator, denominator, STORED_RATIO_DECIMALS);
}

function numericOrder(id: string): bigint {
  const digits = /(\d+)$/.exec(id)?.[1];
  return digits ? BigInt(digits) : -1n;
}

/** Ids order by their numeric tail (as Shopify's), then as strings; `order` is numericOrder(id). */
function compareIds(a: string, aOrder: bigint, b: string, bOrder: bigint): number {
  const byNumber = aOrder - bOrder;
  return byNumber !== 0n ? (byNumber < 0n ? -1 : 1) : a < b ? -1 : a > b ? 1 : 0;
}

const CONTROL = 1;
const TREATMENT = 2;
const ARM_BITS: Record<"CONTROL" | "TREATMENT", number> = { CONTROL, TREATMENT };

/** One (product, variant) of the day: its catalog entry (null when only metrics name it) and arms as bits. */
interface VariantEntry {
  product: Pick<CatalogProduct, "id" | "title">;
  productOrder: bigint;
  variantId: string;
  variantOrder: bigint;
  variant: CatalogProduct["variants"][number] | null;
  arms: number;
}

const armsOf = (bits: number): StatisticsArm[] =>
  bits === 0 ? ["NONE"] : [...(bits & CONTROL ? ["CONTROL" as const] : []), ...(bits & TREATMENT ? ["TREATMENT" as const] : [])];

/** The rows in export order: by product id, then variant id (numeric tails, as Shopify's ids order). */
export function buildDailyRows(input: BuildDailyRowsInput): DailyRow[] {
  const testByProduct = new Map(input.tests.map((test) => [test.productId, test.id]));
  const metricsByKey = new Map(input.metrics.map((metrics) => [`${metrics.productId}|${metrics.variantId}|${metrics.arm}`, metrics]));
  const byProduct = new Map<string, Map<string, VariantEntry>>();
  const entriesOf = (productId: string) => {
    let entries = byProduct.get(productId);
    if (!entries) byProduct.set(productId, (entries = new Map()));
    return entries;
  };

  for (const product of input.catalog) {
    const testedArms = testByProduct.has(product.id) ? CONTROL | TREATMENT : 0;
    const entries = entriesOf(product.id);
    const productOrder = numericOrder(product.id);
    for (const variant of product.variants) {
      entries.set(variant.id, { product, productOrder, variantId: variant.id, variantOrder: numericOrder(variant.id), variant, arms: testedArms });
    }
  }
  for (const metrics of input.metrics) {
    const entries = entriesOf(metrics.productId);
    let entry = entries.get(metrics.variantId);
    if (!entry) {
      const product = { id: metrics.productId, title: "" };
      entry = { product, productOrder: numericOrder(product.id), variantId: metrics.variantId, variantOrder: numericOrder(metrics.variantId), variant: null, arms: 0 };
      entries.set(metrics.variantId, entry);
    }
    entry.arms |= ARM_BITS[metrics.arm];
  }

  const sorted: VariantEntry[] = [];
  for (const entries of byProduct.values()) for (const entry of entries.values()) sorted.push(entry);
  sorted.sort(
    (a, b) => compareIds(a.product.id, a.productOrder, b.product.id, b.productOrder) || compareIds(a.variantId, a.variantOrder, b.variantId, b.variantOrder),
  );

  const rows: DailyRow[] = [];
  for (const { product, variantId, variant, arms } of sorted) {
    // Images belong to catalog variants: a row only the metrics name shows none.
    const images = variant ? (input.images.get(variantId) ?? []) : [];
    for (const arm of armsOf(arms)) {
      const metrics = arm === "NONE" ? undefined : metricsByKey.get(`${product.id}|${variantId}|${arm}`);
      const impressions = metrics?.impressions ?? 0;
      const addToCarts = metrics?.addToCarts ?? 0;
      const orders = metrics?.orders ?? 0;
      rows.push({
        date: input.day,
        shop: input.shop,
        productId: product.id,
        productTitle: product.title,
        variantId,
        variantTitle: variant?.title ?? "",
        sku: variant?.sku ?? "",
        testId: arm === "NONE" ? null : (metrics?.testId ?? testByProduct.get(product.id) ?? null),
        arm,
        impressions,
        visitors: metrics?.visitors ?? 0,
        addToCarts,
        ctr: rate(addToCarts, impressions),
        orders,
        units: metrics?.units ?? 0,
        revenue: metrics?.revenue ?? "0.00",
        currency: metrics?.currency ?? input.currency,
        conversionRate: rate(orders, impressions),
        imageMediaIds: images.map((image) => image.mediaId),
        imageR2Keys: images.map((image) => image.r2Key),
        unverifiedOrders: metrics?.unverifiedOrders ?? 0,
      });
    }
  }
  return rows;
}

export interface DailyRowPager {
  /** The rows of a catalog page, with the metrics-only products that sort up to its last product. */
  page(catalog: CatalogProduct[], images: Map<string, BackedUpImage[]>): DailyRow[];
  /** The rows of metrics-only products after the catalog's last product. */
  rest(): DailyRow[];
}

/**
 * The day's rows page by page as the catalog streams in, together in the order buildDailyRows gives the
 * whole catalog at once: pages come in ascending product id order (the Admin API's sortKey ID), and
 * each takes the metrics of products missing from the catalog up to its last product, so one page's
 * rows never need another page.
 */
export function createDailyRowPager(input: Omit<BuildDailyRowsInput, "catalog" | "images">): DailyRowPager {
  const pending = input.metrics
    .map((metrics) => ({ metrics, order: numericOrder(metrics.productId) }))
    .sort((a, b) => compareIds(a.metrics.productId, a.order, b.metrics.productId, b.order));
  let next = 0;
  let last: { id: string; order: bigint } | undefined;
  const takeMetrics = (upTo?: { id: string; order: bigint }) => {
    const taken: VariantMetrics[] = [];
    while (next < pending.length && (!upTo || compareIds(pending[next].metrics.productId, pending[next].order, upTo.id, upTo.order) <= 0)) {
      taken.push(pending[next++].metrics);
    }
    return taken;
  };
  return {
    page(catalog, images) {
      for (const product of catalog) {
        const order = numericOrder(product.id);
        if (last && compareIds(product.id, order, last.id, last.order) <= 0) throw new Error(`Catalog out of id order: ${product.id} after ${last.id}`);
        last = { id: product.id, order };
      }
      return buildDailyRows({ ...input, catalog, metrics: last ? takeMetrics(last) : [], images });
    },
    rest: () => buildDailyRows({ ...input, catalog: [], metrics: takeMetrics(), images: new Map() }),
  };
}
