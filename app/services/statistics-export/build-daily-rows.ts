// Assembles a shop-day's rows (pure): every variant of every product gets a row, zeros included; a
// variant under a test that day gets one row per arm, other variants one NONE row; metrics for
// products no longer in the catalog still appear, so the export always adds up to the raw events.
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

const ARM_ORDER: Record<StatisticsArm, number> = { CONTROL: 0, TREATMENT: 1, NONE: 2 };

/** ratio rounded to 6 decimals; 0 when the denominator is 0 (DESIGN §4). */
export function rate(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : Math.round((numerator / denominator) * 1e6) / 1e6;
}

function numericOrder(id: string): bigint {
  const digits = /(\d+)$/.exec(id)?.[1];
  return digits ? BigInt(digits) : -1n;
}

function compareIds(a: string, b: string): number {
  const byNumber = numericOrder(a) - numericOrder(b);
  return byNumber !== 0n ? (byNumber < 0n ? -1 : 1) : a < b ? -1 : a > b ? 1 : 0;
}

export function buildDailyRows(input: BuildDailyRowsInput): DailyRow[] {
  const testByProduct = new Map(input.tests.map((test) => [test.productId, test.id]));
  const metricsByKey = new Map(input.metrics.map((metrics) => [`${metrics.productId}|${metrics.variantId}|${metrics.arm}`, metrics]));
  const variants = new Map<string, { product: Pick<CatalogProduct, "id" | "title">; variantId: string; variantTitle: string; sku: string; arms: Set<StatisticsArm> }>();

  for (const product of input.catalog) {
    const testedArms: StatisticsArm[] = testByProduct.has(product.id) ? ["CONTROL", "TREATMENT"] : [];
    for (const variant of product.variants) {
      variants.set(`${product.id}|${variant.id}`, { product, variantId: variant.id, variantTitle: variant.title, sku: variant.sku ?? "", arms: new Set(testedArms) });
    }
  }
  for (const metrics of input.metrics) {
    const key = `${metrics.productId}|${metrics.variantId}`;
    const known = variants.get(key) ?? { product: { id: metrics.productId, title: "" }, variantId: metrics.variantId, variantTitle: "", sku: "", arms: new Set<StatisticsArm>() };
    known.arms.add(metrics.arm);
    variants.set(key, known);
  }

  const rows: DailyRow[] = [];
  for (const { product, variantId, variantTitle, sku, arms } of variants.values()) {
    const images = input.images.get(variantId) ?? [];
    for (const arm of arms.size > 0 ? arms : new Set<StatisticsArm>(["NONE"])) {
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
        variantTitle,
        sku,
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
      });
    }
  }
  return rows.sort((a, b) => compareIds(a.productId, b.productId) || compareIds(a.variantId, b.variantId) || ARM_ORDER[a.arm] - ARM_ORDER[b.arm]);
}
