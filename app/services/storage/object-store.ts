// The storage seam for statistics exports and product image backups. Two drivers implement it
// (local filesystem for development and single-node installs, S3 API for Cloudflare R2) and one
// contract suite (tests/support/object-store-contract.ts) holds both to the same observable behaviour, so
// code written against this interface never needs to know which one it got.
import type { Readable } from "node:stream";

/**
 * A body to store. Streams (any Node Readable or async iterable of chunks) are consumed
 * incrementally and never buffered whole, so multi-gigabyte exports are fine.
 */
export type ObjectBody = Buffer | Uint8Array | string | Readable | AsyncIterable<Uint8Array | string>;

export interface PutObjectOptions {
  /** Returned by head/get; defaults to DEFAULT_CONTENT_TYPE. */
  contentType?: string;
  /**
   * The exact length the caller expects. When the body turns out longer or shorter the put
   * fails with ObjectLengthMismatchError and nothing is stored (a previous version stays).
   */
  contentLength?: number;
}

export const DEFAULT_CONTENT_TYPE = "application/octet-stream";

/** What `list` knows about an object. S3 listings carry no content type, hence no field. */
export interface ObjectSummary {
  key: string;
  bytes: number;
  /**
   * Opaque change token, without quotes. It equals the MD5 hex of the content for buffer and
   * string bodies on both drivers; streamed bodies may get a multipart-style etag on S3.
   */
  etag: string;
  lastModified: Date;
}

export interface ObjectInfo extends ObjectSummary {
  contentType: string;
}

/** What `put` knows without another round trip (S3 returns no Last-Modified on PUT). */
export interface PutObjectResult {
  key: string;
  bytes: number;
  etag: string;
  contentType: string;
}

export interface ObjectStore {
  readonly kind: "filesystem" | "s3";
  /** Stores the whole body or nothing; readers see either the previous version or this one. */
  put(key: string, body: ObjectBody, options?: PutObjectOptions): Promise<PutObjectResult>;
  get(key: string): Promise<{ info: ObjectInfo; body: Buffer }>;
  /** The caller must consume or destroy the stream: it holds a file handle or a socket. */
  getStream(key: string): Promise<{ info: ObjectInfo; stream: Readable }>;
  head(key: string): Promise<ObjectInfo>;
  /** Every object whose key starts with `prefix` ("" for all), sorted by UTF-8 bytes like S3. */
  list(prefix: string): Promise<ObjectSummary[]>;
  /** A missing key is not an error: deletes are retried by callers and must be idempotent. */
  delete(key: string): Promise<void>;
  /**
   * Deletes every object under a folder prefix, which must end with "/" so that "shops/a/"
   * can never take "shops/ab/" with it (shop/redact). Returns how many objects were deleted.
   */
  deletePrefix(prefix: string): Promise<number>;
  /** Releases sockets and handles; the store must not be used afterwards. */
  close(): Promise<void>;
}

export type ObjectStoreOperation = "put" | "get" | "getStream" | "head" | "list" | "delete" | "deletePrefix";

/** Base class so callers can tell storage failures from everything else with one instanceof. */
export abstract class ObjectStoreError extends Error {
  abstract readonly code: string;
}

export class ObjectNotFoundError extends ObjectStoreError {
  readonly code = "OBJECT_NOT_FOUND";
  override readonly name = "ObjectNotFoundError";

  constructor(readonly key: string) {
    super(`Object not found: ${JSON.stringify(key)}`);
  }
}

export type InvalidObjectKeyReason =
  | "not-a-string"
  | "empty"
  | "too-long"
  | "control-character"
  | "backslash"
  | "lone-surrogate"
  | "not-nfc"
  | "leading-slash"
  | "trailing-slash"
  | "empty-segment"
  | "dot-segment"
  | "segment-too-long"
  | "not-a-folder";

export class InvalidObjectKeyError extends ObjectStoreError {
  readonly code = "INVALID_OBJECT_KEY";
  override readonly name = "InvalidObjectKeyError";

  constructor(readonly key: unknown, readonly reason: InvalidObjectKeyReason) {
    super(`Invalid object key ${typeof key === "string" ? JSON.stringify(key) : String(key)}: ${reason}`);
  }
}

export class ObjectLengthMismatchError extends ObjectStoreError {
  readonly code = "OBJECT_LENGTH_MISMATCH";
  override readonly name = "ObjectLengthMismatchError";

  constructor(
    readonly key: string,
    readonly expectedBytes: number,
    /** For streams that ran long this is the count at which reading stopped, not the total. */
    readonly actualBytes: number
  ) {
    super(`Body for ${JSON.stringify(key)} has ${actualBytes} bytes, expected ${expectedBytes}`);
  }
}

/** Anything else that went wrong (network, 5xx after retries, disk full, a failing source stream). */
export class ObjectStoreRequestError extends ObjectStoreError {
  readonly code = "OBJECT_STORE_REQUEST_FAILED";
  override readonly name = "ObjectStoreRequestError";
  readonly httpStatus?: number;
  readonly attempts?: number;

  constructor(
    readonly operation: ObjectStoreOperation,
    readonly key: string,
    cause: unknown,
    details: { httpStatus?: number; attempts?: number } = {}
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`Object store ${operation} of ${JSON.stringify(key)} failed: ${reason}`, { cause });
    this.httpStatus = details.httpStatus;
    this.attempts = details.attempts;
  }
}
