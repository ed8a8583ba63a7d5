// Backs up the images each variant shows to the object store (R2) under the seed's key format,
// recorded in ProductImageBackup. Unchanged images cost nothing: same source URL (Shopify's CDN URLs
// carry a version) → no download; same bytes (sha256) → no upload. Concurrency is bounded. The export
// calls it once per catalog page, so only that page's products and backup records are in memory.
import crypto from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { mapWithConcurrency } from "../../lib/map-with-concurrency";
import { numericId } from "../../lib/storefront-contract";
import type { ObjectStore } from "../storage/object-store";
import type { BackedUpImage } from "./build-daily-rows";
import { chunksOf } from "./export-formatter.service";
import type { CatalogProduct } from "./product-fetcher.service";

export interface ImageBackupReport {
  images: Map<string, BackedUpImage[]>;
  uploaded: number;
  unchanged: number;
  /** Images the CDN no longer has (404/410): skipped, the export goes on. */
  missing: string[];
}

export interface ImageBackupOptions {
  concurrency?: number;
  fetch?: typeof fetch;
  maxTries?: number;
  sleep?: (ms: number) => Promise<void>;
}

// Jobs per chunk: each chunk is recorded with one upsert whose JSON parameter (~400 bytes a record
// with a CDN URL) stays under V8's large-object threshold (see statistics-persistence.service.ts).
const CHUNK = 200;

const EXTENSIONS: Record<string, string> = { "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif", "image/avif": "avif", "image/svg+xml": "svg" };

export class ImageDownloadError extends Error {
  constructor(readonly url: string, readonly status: number | null, cause?: unknown) {
    super(`Image download failed (${status ?? "network error"}): ${url}`, { cause });
    this.name = "ImageDownloadError";
  }
}

interface Job {
  productId: string;
  variantId: string;
  mediaId: string;
  url: string;
}

/** A variant shows its own media; a variant without any shows its product's first image. Made as consumed. */
function* imageJobs(catalog: CatalogProduct[]): Generator<Job> {
  for (const product of catalog) {
    const urls = new Map(product.images.map((image) => [image.mediaId, image.url]));
    for (const variant of product.variants) {
      const mediaIds = variant.mediaIds.filter((id) => urls.has(id));
      for (const mediaId of mediaIds.length > 0 ? mediaIds : product.images.slice(0, 1).map((image) => image.mediaId)) {
        yield { productId: product.id, variantId: variant.id, mediaId, url: urls.get(mediaId)! };
      }
    }
  }
}

export function imageKey(shopId: string, job: Pick<Job, "productId" | "variantId" | "mediaId">, extension: string): string {
  return `product-images/${shopId}/${numericId(job.productId)}/${numericId(job.variantId)}/${numericId(job.mediaId)}.${extension}`;
}

export async function backupProductImages(
  prisma: PrismaClient,
  objects: ObjectStore,
  shopId: string,
  catalog: CatalogProduct[],
  options: ImageBackupOptions = {},
): Promise<ImageBackupReport> {
  const { concurrency = 8, maxTries = 3 } = options;
  const fetchImage = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const existing = new Map(
    (
      await prisma.productImageBackup.findMany({
        where: { shopId, productId: { in: catalog.map((product) => product.id) } },
        select: { productId: true, variantId: true, mediaId: true, r2Key: true, sourceUrl: true, sha256: true },
      })
    ).map((backup) => [`${backup.productId}|${backup.variantId}|${backup.mediaId}`, backup]),
  );
  // Variants of one product often show the same image: download each URL once per run, and keep its
  // bytes only until the last job that shows it is done (jobs run product by product), so a large
  // catalog's images are never all in memory at once.
  const lastUse = new Map<string, number>();
  let index = 0;
  for (const job of imageJobs(catalog)) lastUse.set(job.url, index++);
  const downloads = new Map<string, Promise<{ bytes: Buffer; contentType: string; sha256: string } | null>>();
  const download = (url: string) => {
    let pending = downloads.get(url);
    if (!pending) {
      pending = downloadImage(fetchImage, url, maxTries, sleep);
      downloads.set(url, pending);
    }
    return pending;
  };

  const report: ImageBackupReport = { images: new Map(), uploaded: 0, unchanged: 0, missing: [] };
  // In chunks, each recorded with one multi-row upsert: an interrupted run keeps what it finished.
  let done = 0;
  for (const chunk of chunksOf(imageJobs(catalog), CHUNK)) {
    const records: BackupRecord[] = [];
    const results = await mapWithConcurrency(chunk, concurrency, async (job) => {
      const previous = existing.get(`${job.productId}|${job.variantId}|${job.mediaId}`);
      if (previous && previous.sourceUrl === job.url) {
        report.unchanged++;
        return { job, r2Key: previous.r2Key };
      }
      const image = await download(job.url);
      if (!image) {
        report.missing.push(job.url);
        return null;
      }
      const r2Key = imageKey(shopId, job, EXTENSIONS[image.contentType] ?? "bin");
      if (previous?.sha256 === image.sha256 && previous.r2Key === r2Key) report.unchanged++;
      else {
        await objects.put(r2Key, image.bytes, { contentType: image.contentType });
        report.uploaded++;
      }
      records.push({ ...job, r2Key, contentType: image.contentType, bytes: image.bytes.length, sha256: image.sha256 });
      return { job, r2Key };
    });
    await recordBackups(prisma, shopId, records);
    for (const result of results) {
      if (!result) continue;
      // Most variants show one image: a fresh one-element literal, since push() on [] reserves 17 slots.
      const image = { mediaId: result.job.mediaId, r2Key: result.r2Key };
      const list = report.images.get(result.job.variantId);
      if (list) list.push(image);
      else report.images.set(result.job.variantId, [image]);
    }
    done += chunk.length;
    for (const job of chunk) if (lastUse.get(job.url)! < done) downloads.delete(job.url);
  }
  return report;
}

interface BackupRecord extends Job {
  r2Key: string;
  contentType: string;
  bytes: number;
  sha256: string;
}

// The chunk travels as one compact JSON text parameter, not a column array per field: Prisma's query
// history (see statistics-persistence.service.ts) would otherwise keep the last 100 chunks alive as
// arrays of small strings for the rest of the export.
async function recordBackups(prisma: PrismaClient, shopId: string, records: BackupRecord[]) {
  if (records.length === 0) return;
  // Positional tuples, in the INSERT's column order from productId to sha256.
  const document = JSON.stringify(
    records.map((record) => [record.productId, record.variantId, record.mediaId, record.r2Key, record.url, record.contentType, record.bytes, record.sha256]),
  );
  await prisma.$executeRaw`
    INSERT INTO "ProductImageBackup" (id, "shopId", "productId", "variantId", "mediaId", "r2Key", "sourceUrl", "contentType", bytes, sha256, "backedUpAt")
    SELECT gen_random_uuid()::text, ${shopId}, r->>0, r->>1, r->>2, r->>3, r->>4, r->>5, (r->>6)::int, r->>7, now() AT TIME ZONE 'UTC'
    FROM json_array_elements(${document}::json) AS r
    ON CONFLICT ("shopId", "productId", "variantId", "mediaId") DO UPDATE SET
      "r2Key" = excluded."r2Key", "sourceUrl" = excluded."sourceUrl", "contentType" = excluded."contentType",
      bytes = excluded.bytes, sha256 = excluded.sha256, "backedUpAt" = excluded."backedUpAt"`;
}

async function downloadImage(fetchImage: typeof fetch, url: string, maxTries: number, sleep: (ms: number) => Promise<void>) {
  for (let attempt = 1; ; attempt++) {
    let status: number | null = null;
    try {
      const response = await fetchImage(url.startsWith("//") ? `https:${url}` : url);
      status = response.status;
      if (status === 404 || status === 410) return null;
      if (response.ok) {
        const bytes = Buffer.from(await response.arrayBuffer());
        const contentType = response.headers.get("content-type")?.split(";")[0].trim() || "application/octet-stream";
        return { bytes, contentType, sha256: crypto.createHash("sha256").update(bytes).digest("hex") };
      }
      if (status < 500 && status !== 429) throw new ImageDownloadError(url, status);
    } catch (error) {
      if (error instanceof ImageDownloadError || attempt >= maxTries) throw error instanceof ImageDownloadError ? error : new ImageDownloadError(url, status, error);
    }
    if (attempt >= maxTries) throw new ImageDownloadError(url, status);
    await sleep(200 * 2 ** (attempt - 1) * (0.5 + Math.random()));
  }
}
