import { describe, expect, it } from "vitest";
import type { DailyRow } from "./build-daily-rows";
import { createDailyRowSpool } from "./daily-row-spool";

const row = (index: number, productTitle = `Shirt ${index}`): DailyRow => ({
  date: "2026-11-23",
  shop: "a.myshopify.com",
  productId: `gid://shopify/Product/${index}`,
  productTitle,
  variantId: `gid://shopify/ProductVariant/${index}`,
  variantTitle: "M",
  sku: "",
  testId: index % 2 ? "t1" : null,
  arm: index % 2 ? "TREATMENT" : "NONE",
  impressions: index,
  visitors: index,
  addToCarts: 0,
  ctr: 1 / 3,
  orders: 0,
  units: 0,
  revenue: "0.00",
  currency: "EUR",
  conversionRate: 0.123456,
  imageMediaIds: ["gid://shopify/MediaImage/1"],
  imageR2Keys: ["product-images/s/1/1/1.png"],
  unverifiedOrders: 0,
});

describe("daily row spool", () => {
  it("GIVEN rows appended in pages, titles with line breaks included THEN every walk gives them back in order, in batches of the size asked", async () => {
    const rows = [row(1, "two\nlines"), row(2, "carriage\r\nreturn"), row(3, "separator\u2028here"), ...Array.from({ length: 8 }, (_, index) => row(index + 4))];
    const spool = await createDailyRowSpool();
    try {
      await spool.append(rows.slice(0, 2));
      await spool.append([]);
      await spool.append(rows.slice(2));

      const walk = async (size: number) => {
        const batches: DailyRow[][] = [];
        for await (const batch of spool.batches(size)) batches.push(batch);
        return batches;
      };
      expect(spool.count).toBe(11);
      expect((await walk(4)).map((batch) => batch.length)).toEqual([4, 4, 3]);
      expect((await walk(100)).flat()).toEqual(rows);
    } finally {
      await spool.remove();
    }
  });
});
