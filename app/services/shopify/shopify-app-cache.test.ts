import { describe, expect, it } from "vitest";
import { ShopifyAppCache } from "./shopify-app-cache";

const builder = () => {
  let built = 0;
  return { build: () => ({ n: ++built }), count: () => built };
};

describe("ShopifyAppCache", () => {
  it("GIVEN an entry WHEN asked again with the same fingerprint THEN the same app comes back without a rebuild", () => {
    const cache = new ShopifyAppCache<{ n: number }>(3);
    const { build, count } = builder();

    const first = cache.getOrBuild("credential:a", "t1", build);
    const again = cache.getOrBuild("credential:a", "t1", build);

    expect(again).toBe(first);
    expect(count()).toBe(1);
  });

  it("GIVEN a credential whose fingerprint changed (new secret, updatedAt) THEN a new app replaces the old one in place", () => {
    const cache = new ShopifyAppCache<{ n: number }>(3);
    const { build } = builder();
    const old = cache.getOrBuild("credential:a", "t1", build);

    const fresh = cache.getOrBuild("credential:a", "t2", build);

    expect(fresh).not.toBe(old);
    expect(cache.size).toBe(1);
    expect(cache.getOrBuild("credential:a", "t2", build)).toBe(fresh);
  });

  it("GIVEN a full cache WHEN another credential arrives THEN the least recently used entry is evicted, not the recently used one", () => {
    const cache = new ShopifyAppCache<{ n: number }>(3);
    const { build } = builder();
    for (const key of ["a", "b", "c"]) cache.getOrBuild(key, "f", build);
    cache.getOrBuild("a", "f", build);

    cache.getOrBuild("d", "f", build);

    expect(cache.size).toBe(3);
    expect(["a", "b", "c", "d"].map((key) => cache.has(key))).toEqual([true, false, true, true]);
  });

  it("GIVEN many more credentials than the capacity THEN the size stays at the capacity", () => {
    const cache = new ShopifyAppCache<{ n: number }>(300);
    const { build } = builder();

    for (let i = 0; i < 1_000; i++) cache.getOrBuild(`credential:${i}`, "f", build);

    expect(cache.size).toBe(300);
    expect(cache.has("credential:999")).toBe(true);
    expect(cache.has("credential:699")).toBe(false);
  });

  it("GIVEN a build that throws THEN nothing is cached and the next call builds again", () => {
    const cache = new ShopifyAppCache<{ n: number }>(3);
    const { build, count } = builder();

    expect(() => cache.getOrBuild("a", "f", () => { throw new Error("undecryptable"); })).toThrow("undecryptable");
    cache.getOrBuild("a", "f", build);

    expect(count()).toBe(1);
    expect(cache.size).toBe(1);
  });

  it.each([0, -1, 1.5])("GIVEN capacity %s THEN it is refused", (capacity) => {
    expect(() => new ShopifyAppCache(capacity)).toThrow();
  });
});
