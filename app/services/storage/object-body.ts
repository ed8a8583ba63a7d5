// Body handling shared by both drivers, so "what counts as the bytes of a put" (string
// encoding, Uint8Array views, length checks) cannot drift between them.
import { createHash, type Hash } from "node:crypto";
import type { Readable } from "node:stream";
import { ObjectLengthMismatchError, type ObjectBody } from "./object-store";

export type StreamBody = Readable | AsyncIterable<Uint8Array | string>;

export function isStreamBody(body: ObjectBody): body is StreamBody {
  if (typeof body === "string" || body instanceof Uint8Array) return false;
  if (body !== null && typeof body === "object" && Symbol.asyncIterator in body) return true;
  throw new TypeError("Object body must be a Buffer, Uint8Array, string, Readable or async iterable");
}

/** Strings are stored as UTF-8; a Uint8Array view contributes only its own window of bytes. */
export function toBodyBuffer(body: Uint8Array | string): Buffer {
  if (typeof body === "string") return Buffer.from(body, "utf8");
  return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

export function assertValidContentLength(contentLength: number | undefined): void {
  if (contentLength === undefined) return;
  if (!Number.isSafeInteger(contentLength) || contentLength < 0) {
    throw new RangeError(`contentLength must be a non-negative integer, got ${contentLength}`);
  }
}

export function assertBufferLength(key: string, body: Buffer, expectedBytes: number | undefined): void {
  if (expectedBytes !== undefined && body.byteLength !== expectedBytes) {
    throw new ObjectLengthMismatchError(key, expectedBytes, body.byteLength);
  }
}

export function computeMd5Hex(body: Buffer): string {
  return createHash("md5").update(body).digest("hex");
}

export interface BodyMeter {
  bytes: number;
  /** Present only when the meter was asked to hash. */
  readonly md5: Hash | undefined;
}

export function createBodyMeter(options: { md5: boolean }): BodyMeter {
  return { bytes: 0, md5: options.md5 ? createHash("md5") : undefined };
}

/**
 * Re-yields a stream body as Buffers while counting (and optionally hashing) it. A body longer
 * than `expectedBytes` fails as soon as it overshoots, so an endless stream cannot fill a disk;
 * a shorter one fails at its end. Throwing here makes the consumer abandon the put.
 */
export async function* meterBodyChunks(
  key: string,
  source: StreamBody,
  expectedBytes: number | undefined,
  meter: BodyMeter
): AsyncGenerator<Buffer> {
  for await (const chunk of source as AsyncIterable<unknown>) {
    const buffer = toChunkBuffer(chunk);
    meter.bytes += buffer.byteLength;
    if (expectedBytes !== undefined && meter.bytes > expectedBytes) {
      throw new ObjectLengthMismatchError(key, expectedBytes, meter.bytes);
    }
    meter.md5?.update(buffer);
    yield buffer;
  }
  if (expectedBytes !== undefined && meter.bytes !== expectedBytes) {
    throw new ObjectLengthMismatchError(key, expectedBytes, meter.bytes);
  }
}

function toChunkBuffer(chunk: unknown): Buffer {
  if (typeof chunk === "string" || chunk instanceof Uint8Array) return toBodyBuffer(chunk);
  // Object-mode streams would otherwise be stringified into "[object Object]" and stored.
  throw new TypeError(`Object body streams must yield bytes or strings, got ${typeof chunk}`);
}
