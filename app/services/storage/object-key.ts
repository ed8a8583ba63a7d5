// One set of key rules for every driver, so a key that works in development against the
// filesystem can never be rejected by R2 in production (or the reverse).
import { InvalidObjectKeyError } from "./object-store";

/** R2 and S3 both cap keys at 1024 bytes of UTF-8. */
export const MAX_OBJECT_KEY_BYTES = 1024;

/**
 * S3 has no per-segment limit, but the filesystem driver turns each segment into a file name
 * (plus a suffix of up to 22 bytes) and most filesystems stop at 255 bytes per name.
 */
export const MAX_OBJECT_KEY_SEGMENT_BYTES = 200;

// C0, DEL and C1 controls: invisible in logs and dashboards, and NUL truncates file paths.
const CONTROL_CHARACTER = /\p{Cc}/u;
// With the u flag only unpaired surrogates match; they cannot be encoded as UTF-8 and would be
// silently replaced by U+FFFD, so two different strings would land on the same object.
const LONE_SURROGATE = /\p{Cs}/u;

/** Throws InvalidObjectKeyError unless `key` is a relative `a/b/c.ext` path usable by every driver. */
export function assertValidObjectKey(key: unknown): asserts key is string {
  assertValidCharacters(key);
  if (key === "") throw new InvalidObjectKeyError(key, "empty");
  if (key.startsWith("/")) throw new InvalidObjectKeyError(key, "leading-slash");
  if (key.endsWith("/")) throw new InvalidObjectKeyError(key, "trailing-slash");
  for (const segment of key.split("/")) assertValidSegment(key, segment);
}

/**
 * Throws unless `prefix` can select keys: "" selects everything, otherwise every complete
 * segment must be valid and the last (partial) segment may be empty or any valid text.
 */
export function assertValidObjectPrefix(prefix: unknown): asserts prefix is string {
  assertValidCharacters(prefix);
  if (prefix === "") return;
  if (prefix.startsWith("/")) throw new InvalidObjectKeyError(prefix, "leading-slash");
  const segments = prefix.split("/");
  const partial = segments.pop() ?? "";
  for (const segment of segments) assertValidSegment(prefix, segment);
  if (Buffer.byteLength(partial) > MAX_OBJECT_KEY_SEGMENT_BYTES) {
    throw new InvalidObjectKeyError(prefix, "segment-too-long");
  }
}

/** Bulk deletion only takes whole folders ("shops/a/"), never "" or a partial name. */
export function assertValidFolderPrefix(prefix: unknown): asserts prefix is string {
  assertValidObjectPrefix(prefix);
  if (prefix === "") throw new InvalidObjectKeyError(prefix, "empty");
  if (!prefix.endsWith("/")) throw new InvalidObjectKeyError(prefix, "not-a-folder");
}

/** Orders keys the way S3 lists them: by UTF-8 bytes, which differs from JS string order. */
export function compareObjectKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

function assertValidCharacters(value: unknown): asserts value is string {
  if (typeof value !== "string") throw new InvalidObjectKeyError(value, "not-a-string");
  if (Buffer.byteLength(value) > MAX_OBJECT_KEY_BYTES) throw new InvalidObjectKeyError(value, "too-long");
  if (CONTROL_CHARACTER.test(value)) throw new InvalidObjectKeyError(value, "control-character");
  if (value.includes("\\")) throw new InvalidObjectKeyError(value, "backslash");
  if (LONE_SURROGATE.test(value)) throw new InvalidObjectKeyError(value, "lone-surrogate");
  // S3 treats "é" and "e\u0301" as different keys while macOS file names do not, so only the
  // composed form is accepted and both drivers agree on which keys are the same.
  if (value.normalize("NFC") !== value) throw new InvalidObjectKeyError(value, "not-nfc");
}

function assertValidSegment(key: string, segment: string): void {
  if (segment === "") throw new InvalidObjectKeyError(key, "empty-segment");
  if (segment === "." || segment === "..") throw new InvalidObjectKeyError(key, "dot-segment");
  if (Buffer.byteLength(segment) > MAX_OBJECT_KEY_SEGMENT_BYTES) {
    throw new InvalidObjectKeyError(key, "segment-too-long");
  }
}
