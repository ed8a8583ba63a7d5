// A shop ready to export: installed in the database, its catalog in the fake Admin API, an ACTIVE test
// on its first product, and the pipeline's collaborators wired for tests (fast retries).
import type { PrismaClient } from "@prisma/client";
import { createShopAdminClient } from "../../app/services/shopify/shop-admin-client";
import type { ExportDeps } from "../../app/services/statistics-export/statistics-export-orchestrator.service";
import type { ObjectStore } from "../../app/services/storage/object-store";
import { generateCatalog, type FakeProduct } from "../fake-shopify/catalog";
import type { FakeAdminApi } from "../fake-shopify/fake-admin-api";
import { createInstalledShop, type InstalledShop } from "./shops";

export interface ExportShop extends InstalledShop {
  catalog: FakeProduct[];
  testId: string;
  testedProductId: string;
}

export async function createExportShop(
  prisma: PrismaClient,
  fake: FakeAdminApi,
  options: { products?: number; variantsPerProduct?: number; seed?: number; testStartedAt?: Date } = {},
): Promise<ExportShop> {
  const shop = await createInstalledShop(prisma);
  await prisma.shopCredential.update({ where: { id: shop.shopId }, data: { currencyCode: "EUR" } });
  const catalog = generateCatalog({ products: options.products ?? 3, variantsPerProduct: options.variantsPerProduct ?? 2, imagesPerProduct: 2, seed: options.seed ?? 7 });
  fake.addShop({ domain: shop.shopDomain, accessToken: shop.accessToken, currencyCode: "EUR", products: catalog });
  const tested = catalog[0];
  const test = await prisma.aBTest.create({
    data: {
      shopId: shop.shopId,
      productId: tested.id,
      name: "Lifestyle photo first",
      status: "ACTIVE",
      trafficSplit: 50,
      controlImages: [],
      treatmentImages: [],
      startedAt: options.testStartedAt ?? new Date("2026-01-01T00:00:00Z"),
    },
  });
  return { ...shop, catalog, testId: test.id, testedProductId: tested.id };
}

export function exportDeps(prisma: PrismaClient, fake: FakeAdminApi, objects: ObjectStore, now = new Date("2026-11-24T00:05:00Z")): ExportDeps {
  return {
    prisma,
    objects,
    adminForShop: (shopId) => createShopAdminClient(prisma, shopId, { origin: fake.origin, baseDelayMs: 5, maxDelayMs: 50, maxTries: 4 }),
    now: () => now,
    imageBackup: { sleep: async () => {} },
  };
}

/**
 * The test's prisma with its single-shop metrics queries counted (top-level $queryRaw whose SQL builds
 * the metrics `document`); other raw reads, such as the JSON's per-test sections, are not counted.
 */
export function countingQueries(client: PrismaClient) {
  const counter = { queries: 0 };
  const counted = new Proxy(client, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== "$queryRaw") return typeof value === "function" ? value.bind(target) : value;
      return (...args: unknown[]) => {
        const query = args[0] as { sql?: string } | readonly string[];
        const text = "sql" in query && typeof query.sql === "string" ? query.sql : (query as readonly string[]).join("?");
        if (text.includes("AS document")) counter.queries++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { counted, counter };
}
