// The mutable state of one fake shop: what a seed starts as, and what the app's mutations change.
import type { FakeProduct, FakeShopSeed, PixelSettingsFieldType } from "./catalog";
import { CostBucket, type CostLimits } from "./query-cost";

/** What an app of this project is normally granted; a seed narrows it to test ACCESS_DENIED. */
export const DEFAULT_GRANTED_SCOPES: readonly string[] = ["write_products", "write_pixels", "read_customer_events"];

/** Stands in for the app's API client id, which Shopify uses to expand the `$app` namespace. */
export const FAKE_APP_CLIENT_ID = "7654321";

export interface FakeWebPixel {
  id: string;
  /** A JSON string, as Shopify returns `WebPixel.settings`. */
  settings: string;
}

export interface StoredMetafield {
  id: string;
  ownerId: string;
  namespace: string;
  key: string;
  type: string;
  value: string;
  /** Parsed `value` for json types, the raw string otherwise (`Metafield.jsonValue`). */
  jsonValue: unknown;
  compareDigest: string;
  createdAt: string;
  updatedAt: string;
}

/** How long the fake's asynchronous jobs (productReorderMedia) take unless a seed says otherwise. */
export const DEFAULT_JOB_DURATION_MS = 40;

/** An asynchronous Admin API job: its work lands when it runs, as on Shopify, not when it is created. */
export interface FakeJob {
  id: string;
  /** The product whose media the job changes; another media job on it is refused meanwhile. */
  productId: string;
  /** Epoch ms from which the job runs (on the shop's next request or read). */
  runsAt: number;
  done: boolean;
  run: () => void;
}

/** How long the fake's bulk operations run unless a seed or test says otherwise. */
export const DEFAULT_BULK_DURATION_MS = 30;

/** A bulk query (bulkOperationRunQuery): CREATED, RUNNING once seen, then COMPLETED or FAILED at `runsUntil`. */
export interface FakeBulkOperation {
  id: string;
  query: string;
  status: "CREATED" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELED";
  errorCode: string | null;
  createdAt: string;
  completedAt: string | null;
  runsUntil: number;
  /** The errorCode it fails with (taken from `bulkFailures` when it was created). */
  failWith: string | null;
  /** Built when it completes (a snapshot of the catalog then). */
  result: { jsonl: string; objectCount: number; rootObjectCount: number } | null;
}

export interface ShopState {
  readonly domain: string;
  readonly shopId: string;
  readonly accessToken: string;
  readonly appInstallationId: string;
  name: string;
  email: string;
  ianaTimezone: string;
  currencyCode: string;
  primaryDomainHost: string;
  grantedScopes: string[];
  products: FakeProduct[];
  pixel: FakeWebPixel | null;
  pixelSettingsFields: Record<string, PixelSettingsFieldType> | null;
  metafields: StoredMetafield[];
  jobs: FakeJob[];
  jobDurationMs: number;
  bulkOperations: FakeBulkOperation[];
  bulkDurationMs: number;
  /** Error codes (BulkOperationErrorCode) the next bulk operations fail with, one each. */
  bulkFailures: string[];
  readonly costBucket: CostBucket;
  /** Source of fresh numeric ids for records the app creates (pixels, metafields). */
  nextId: number;
}

export function createShopState(seed: FakeShopSeed, shopNumber: number, limits: CostLimits): ShopState {
  const copy = structuredClone(seed);
  const state: ShopState = {
    domain: copy.domain,
    shopId: `gid://shopify/Shop/${60_000_000 + shopNumber}`,
    accessToken: copy.accessToken ?? `shpat_test_${copy.domain}`,
    appInstallationId: `gid://shopify/AppInstallation/${500_000_000 + shopNumber}`,
    name: copy.name ?? copy.domain.replace(/\.myshopify\.com$/, ""),
    email: copy.email ?? `owner@${copy.domain}`,
    ianaTimezone: copy.ianaTimezone ?? "America/New_York",
    currencyCode: copy.currencyCode ?? "USD",
    primaryDomainHost: copy.primaryDomainHost ?? copy.domain,
    grantedScopes: copy.grantedScopes ?? [...DEFAULT_GRANTED_SCOPES],
    products: copy.products ?? [],
    pixel: null,
    pixelSettingsFields: copy.pixelSettingsFields ?? null,
    metafields: [],
    jobs: [],
    jobDurationMs: copy.jobDurationMs ?? DEFAULT_JOB_DURATION_MS,
    bulkOperations: [],
    bulkDurationMs: copy.bulkDurationMs ?? DEFAULT_BULK_DURATION_MS,
    bulkFailures: [],
    costBucket: new CostBucket(limits),
    nextId: 1,
  };
  if (copy.pixelSettings) state.pixel = { id: allocateGid(state, "WebPixel"), settings: JSON.stringify(copy.pixelSettings) };
  return state;
}

export function allocateGid(shop: ShopState, type: string): string {
  return `gid://shopify/${type}/${1_000_000 + shop.nextId++}`;
}

/** Shopify scopes: `write_x` includes `read_x`. */
export function hasScope(shop: ShopState, scope: string): boolean {
  return shop.grantedScopes.includes(scope) || shop.grantedScopes.includes(scope.replace(/^read_/, "write_"));
}

/** `$app` and `$app:suffix` are the app-reserved namespace; omitted means `$app`. */
export function resolveNamespace(namespace: string | null | undefined): string {
  if (namespace == null || namespace === "$app") return `app--${FAKE_APP_CLIENT_ID}`;
  if (namespace.startsWith("$app:")) return `app--${FAKE_APP_CLIENT_ID}--${namespace.slice("$app:".length)}`;
  return namespace;
}

export function findMetafield(shop: ShopState, ownerId: string, namespace: string | null | undefined, key: string): StoredMetafield | null {
  const resolved = resolveNamespace(namespace);
  return shop.metafields.find((m) => m.ownerId === ownerId && m.namespace === resolved && m.key === key) ?? null;
}

/** Runs the shop's jobs that are due: called before each request of the shop and each test read. */
export function runDueJobs(shop: ShopState, now = Date.now()): void {
  for (const operation of shop.bulkOperations) {
    if (operation.status !== "CREATED" && operation.status !== "RUNNING") continue;
    if (operation.runsUntil > now) {
      operation.status = "RUNNING";
      continue;
    }
    operation.status = operation.failWith ? "FAILED" : "COMPLETED";
    operation.errorCode = operation.failWith;
    operation.completedAt = new Date(now).toISOString();
  }
  for (const job of shop.jobs) {
    if (job.done || job.runsAt > now) continue;
    job.run();
    job.done = true;
  }
}
