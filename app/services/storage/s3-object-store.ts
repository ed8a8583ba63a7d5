// Object store on the S3 API, aimed at Cloudflare R2 (also runs against AWS S3 and s3rver).
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import {
  assertBufferLength,
  assertValidContentLength,
  createBodyMeter,
  isStreamBody,
  meterBodyChunks,
  toBodyBuffer,
  type StreamBody,
} from "./object-body";
import {
  assertValidFolderPrefix,
  assertValidObjectKey,
  assertValidObjectPrefix,
  compareObjectKeys,
} from "./object-key";
import {
  DEFAULT_CONTENT_TYPE,
  ObjectNotFoundError,
  ObjectStoreError,
  ObjectStoreRequestError,
  type ObjectBody,
  type ObjectInfo,
  type ObjectStore,
  type ObjectStoreOperation,
  type ObjectSummary,
  type PutObjectOptions,
  type PutObjectResult,
} from "./object-store";
import { mapWithConcurrency } from "../../lib/map-with-concurrency";

export interface S3ObjectStoreConfig {
  /** e.g. https://<account>.r2.cloudflarestorage.com */
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** R2 ignores the region but SigV4 needs one; "auto" is what R2 documents. */
  region?: string;
  /** R2 serves path-style; virtual-hosted style would need per-bucket DNS. */
  forcePathStyle?: boolean;
  /** Tries per request, the first included, under the SDK's standard retry strategy. */
  maxAttempts?: number;
  /** Keys per ListObjectsV2 page (1..1000); lowered only to exercise pagination in tests. */
  listPageSize?: number;
  /** Multipart part size for streamed bodies (S3 minimum 5 MiB). */
  partSize?: number;
  /** Parts uploaded in parallel; memory for one streamed put is about partSize × this. */
  uploadQueueSize?: number;
  /** Parallel DeleteObject calls in deletePrefix. */
  deleteConcurrency?: number;
  connectionTimeoutMs?: number;
  /** A socket idle this long fails the request; also applies while a getStream consumer stalls. */
  socketTimeoutMs?: number;
}

const MAX_LIST_PAGE_SIZE = 1000;
// S3's (and R2's) smallest allowed size for every multipart part but the last.
const MIN_PART_SIZE = 5 * 1024 * 1024;

export function createS3ObjectStore(config: S3ObjectStoreConfig): ObjectStore {
  const {
    bucket,
    region = "auto",
    forcePathStyle = true,
    maxAttempts = 4,
    listPageSize = MAX_LIST_PAGE_SIZE,
    partSize = MIN_PART_SIZE,
    uploadQueueSize = 4,
    deleteConcurrency = 16,
    connectionTimeoutMs = 10_000,
    socketTimeoutMs = 120_000,
  } = config;
  if (!Number.isInteger(listPageSize) || listPageSize < 1 || listPageSize > MAX_LIST_PAGE_SIZE) {
    throw new RangeError(`listPageSize must be an integer in 1..${MAX_LIST_PAGE_SIZE}, got ${listPageSize}`);
  }

  const client = new S3Client({
    endpoint: config.endpoint,
    region,
    forcePathStyle,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    // Standard mode retries 5xx, throttling and transient network errors with jittered
    // exponential backoff. Retrying a PUT is safe: keys are deterministic, so a repeat writes the
    // same object, and every body the SDK sends is an in-memory buffer that can be resent.
    retryMode: "standard",
    maxAttempts,
    // Since 3.729 the SDK defaults to flexible checksums, which for streamed bodies means
    // aws-chunked framing with a trailing checksum; R2 stores that framing as object content.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    // The SDK default is no timeout at all: a half-open connection would hang a job forever.
    requestHandler: { connectionTimeout: connectionTimeoutMs, socketTimeout: socketTimeoutMs },
  });

  async function putBuffer(key: string, body: Buffer, contentType: string): Promise<PutObjectResult> {
    const output = await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentLength: body.byteLength,
        ContentType: contentType,
        // The server rejects the write if the bytes were altered in transit (R2 supports it).
        ContentMD5: createHash("md5").update(body).digest("base64"),
      })
    );
    return { key, bytes: body.byteLength, etag: requireEtag(output.ETag), contentType };
  }

  async function putStream(
    key: string,
    body: StreamBody,
    contentType: string,
    expectedBytes: number | undefined
  ): Promise<PutObjectResult> {
    const meter = createBodyMeter({ md5: false });
    const source = Readable.from(meterBodyChunks(key, body, expectedBytes, meter), { objectMode: false });
    // Upload cuts the stream into buffered parts (a single PutObject when it all fits in one),
    // so each request has a known length and can be retried. Until CompleteMultipartUpload
    // succeeds readers keep seeing the previous version of the object.
    const upload = new Upload({
      client,
      params: { Bucket: bucket, Key: key, Body: source, ContentType: contentType },
      partSize,
      queueSize: uploadQueueSize,
      // We abort ourselves: when Upload's own abort fails, its error replaces the one that
      // actually broke the upload (a failing source stream, a 500 on a part).
      leavePartsOnError: true,
    });
    try {
      const output = await upload.done();
      return { key, bytes: meter.bytes, etag: requireEtag(output.ETag), contentType };
    } catch (error) {
      if (upload.uploadId !== undefined) await abortMultipartUpload(key, upload.uploadId);
      throw error;
    } finally {
      // After a failed part Upload stops reading without ending the source; destroying it
      // releases the caller's stream (file, database cursor) instead of leaving it paused.
      source.destroy();
    }
  }

  async function abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    try {
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
    } catch {
      // Best effort: the put is failing with its own, more useful error. Parts left behind are
      // invisible to readers and are reclaimed by the bucket's abort-incomplete-multipart-upload
      // lifecycle rule (R2 gives new buckets a default one; keep such a rule on any bucket).
    }
  }

  async function listPage(prefix: string, continuationToken: string | undefined) {
    const output = await client.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix === "" ? undefined : prefix,
        MaxKeys: listPageSize,
        ContinuationToken: continuationToken,
      })
    );
    const summaries = (output.Contents ?? []).map(
      (entry): ObjectSummary => ({
        key: requireField(entry.Key, "Key"),
        bytes: requireField(entry.Size, "Size"),
        etag: requireEtag(entry.ETag),
        lastModified: requireField(entry.LastModified, "LastModified"),
      })
    );
    if (output.IsTruncated && !output.NextContinuationToken) {
      throw new Error("Truncated listing without a continuation token");
    }
    return { summaries, nextToken: output.IsTruncated ? output.NextContinuationToken : undefined };
  }

  return {
    kind: "s3",

    async put(key: string, body: ObjectBody, options: PutObjectOptions = {}): Promise<PutObjectResult> {
      assertValidObjectKey(key);
      assertValidContentLength(options.contentLength);
      const contentType = options.contentType ?? DEFAULT_CONTENT_TYPE;
      const streamed = isStreamBody(body);
      return runOperation("put", key, async () => {
        if (streamed) return putStream(key, body, contentType, options.contentLength);
        const buffer = toBodyBuffer(body);
        assertBufferLength(key, buffer, options.contentLength);
        return putBuffer(key, buffer, contentType);
      });
    },

    async get(key: string) {
      assertValidObjectKey(key);
      return runOperation("get", key, async () => {
        const output = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        // Body first: an unread body would pin the pooled socket if the header checks threw.
        const bytes = await requireField(output.Body, "Body").transformToByteArray();
        const info = toObjectInfo(key, output);
        const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        if (body.byteLength !== info.bytes) {
          throw new Error(`Received ${body.byteLength} bytes but Content-Length was ${info.bytes}`);
        }
        return { info, body };
      });
    },

    async getStream(key: string) {
      assertValidObjectKey(key);
      return runOperation("getStream", key, async () => {
        const output = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const stream = output.Body;
        if (!(stream instanceof Readable)) {
          throw new Error("GetObject body is not a Node stream (is a browser request handler configured?)");
        }
        try {
          return { info: toObjectInfo(key, output), stream };
        } catch (error) {
          stream.destroy();
          throw error;
        }
      });
    },

    async head(key: string): Promise<ObjectInfo> {
      assertValidObjectKey(key);
      return runOperation("head", key, async () =>
        toObjectInfo(key, await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })))
      );
    },

    async list(prefix: string): Promise<ObjectSummary[]> {
      assertValidObjectPrefix(prefix);
      return runOperation("list", prefix, async () => {
        const all: ObjectSummary[] = [];
        let token: string | undefined;
        do {
          const page = await listPage(prefix, token);
          all.push(...page.summaries);
          token = page.nextToken;
        } while (token !== undefined);
        // S3 already lists in UTF-8 byte order; sorting again costs little and keeps the
        // promise even for S3-compatible servers that do not (s3rver lists in directory order).
        return all.sort((a, b) => compareObjectKeys(a.key, b.key));
      });
    },

    async delete(key: string): Promise<void> {
      assertValidObjectKey(key);
      await runOperation("delete", key, async () => {
        // S3 and R2 answer 204 for missing keys too, which is exactly the contract.
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      });
    },

    async deletePrefix(prefix: string): Promise<number> {
      assertValidFolderPrefix(prefix);
      return runOperation("deletePrefix", prefix, async () => {
        // One DeleteObject per key rather than DeleteObjects: the batch call requires a
        // Content-MD5 or x-amz-checksum header, and which one an S3-compatible server accepts
        // differs by vendor and SDK version. Deletes are rare (shop/redact) and cheap on R2.
        let deleted = 0;
        let token: string | undefined;
        do {
          const page = await listPage(prefix, token);
          await mapWithConcurrency(page.summaries, deleteConcurrency, ({ key }) =>
            client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }))
          );
          deleted += page.summaries.length;
          token = page.nextToken;
        } while (token !== undefined);
        return deleted;
      });
    },

    async close(): Promise<void> {
      client.destroy();
    },
  };
}

async function runOperation<T>(operation: ObjectStoreOperation, key: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toObjectStoreError(operation, key, error);
  }
}

function toObjectStoreError(operation: ObjectStoreOperation, key: string, error: unknown): ObjectStoreError {
  if (error instanceof ObjectStoreError) return error;
  const name = error instanceof Error ? error.name : undefined;
  const metadata = (error as { $metadata?: { httpStatusCode?: number; attempts?: number } } | null)?.$metadata;
  const httpStatus = metadata?.httpStatusCode;
  const readsOneObject = operation === "get" || operation === "getStream" || operation === "head";
  // HEAD responses have no body, so a missing key arrives as a bare 404 ("NotFound"). A missing
  // bucket is also a 404 but must stay loud: it is a configuration error, not an absent object.
  if (
    readsOneObject &&
    (name === "NoSuchKey" || name === "NotFound" || (httpStatus === 404 && name !== "NoSuchBucket"))
  ) {
    return new ObjectNotFoundError(key);
  }
  return new ObjectStoreRequestError(operation, key, error, { httpStatus, attempts: metadata?.attempts });
}

function toObjectInfo(
  key: string,
  output: { ContentLength?: number; ContentType?: string; ETag?: string; LastModified?: Date }
): ObjectInfo {
  return {
    key,
    bytes: requireField(output.ContentLength, "Content-Length"),
    contentType: output.ContentType ?? DEFAULT_CONTENT_TYPE,
    etag: requireEtag(output.ETag),
    lastModified: requireField(output.LastModified, "Last-Modified"),
  };
}

// S3 quotes ETags per the HTTP spec; the interface promises the bare value on both drivers.
function requireEtag(etag: string | undefined): string {
  return requireField(etag, "ETag").replace(/^(W\/)?"(.*)"$/, "$2");
}

function requireField<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`S3 response is missing ${name}`);
  return value;
}
