// The per-credential cache of built Shopify apps: bounded (least recently used goes first, so a
// deployment serving thousands of PRIVATE shops holds only the busy ones) and keyed by credential, so
// a changed credential (new secret or key, re-saved row) replaces its entry instead of adding one.
// Pure: no I/O.

export interface CachedShopifyApp<App> {
  /** What the app was built from (e.g. updatedAt and a hash of the stored secret); a change rebuilds. */
  fingerprint: string;
  app: App;
}

export class ShopifyAppCache<App> {
  private readonly entries = new Map<string, CachedShopifyApp<App>>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error("capacity must be a positive integer");
  }

  get size(): number {
    return this.entries.size;
  }

  /** The app cached for `key` when it was built from `fingerprint`; otherwise builds, stores and
   * returns a new one (dropping a stale entry of the same key and, past capacity, the least used). */
  getOrBuild(key: string, fingerprint: string, build: () => App): App {
    const cached = this.entries.get(key);
    this.entries.delete(key);
    if (cached && cached.fingerprint === fingerprint) {
      this.entries.set(key, cached);
      return cached.app;
    }
    const app = build();
    this.entries.set(key, { fingerprint, app });
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return app;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }
}
