// Object store on the local disk (development, single-node installs, tests).
//
// Layout: key "shops/a/x.csv" becomes
//   <root>/shops.d/a.d/x.csv.meta.json        the commit record (content type, size, etag, blob)
//   <root>/shops.d/a.d/x.csv.<random>.blob    the bytes
// Folder names get ".d" and files get ".meta.json"/".blob", so no file name can ever equal a
// folder name: S3 lets "a" and "a/b" exist side by side and so must this driver.
//
// A put streams into <root>/.tmp, renames the finished blob next to its record and then
// atomically renames a new record over the old one. That rename is the commit: a crash before it
// leaves at most an unreferenced file, never a torn or half-written object, and the record and
// bytes can never disagree (they would if body and sidecar were two renames of fixed names).
// Directories are not fsynced, so after a power loss the newest put may be rolled back, but a
// reader still sees a complete version.
//
// Case-insensitive filesystems (macOS, Windows defaults) fold "A.csv" and "a.csv" together;
// production runs on Linux or R2, where they are distinct like in S3.
import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, rm, rmdir, stat, type FileHandle } from "node:fs/promises";
import path from "node:path";
import {
  assertBufferLength,
  assertValidContentLength,
  computeMd5Hex,
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

const DIRECTORY_SUFFIX = ".d";
const RECORD_SUFFIX = ".meta.json";
const BLOB_SUFFIX = ".blob";
// Cannot collide with a key: key folders end in ".d" and key files in ".meta.json"/".blob".
const TEMP_DIRECTORY = ".tmp";
// Temp files older than this belong to a crashed process, not a put still in progress.
const STALE_TEMP_AGE_MS = 24 * 60 * 60 * 1000;
const RECORD_READ_CONCURRENCY = 32;
// A reader can lose the race with an overwrite that unlinks the blob it was about to open;
// re-reading the record then finds the new blob.
const OPEN_ATTEMPTS = 3;
// A concurrent delete may prune a folder between our mkdir and rename.
const RENAME_ATTEMPTS = 3;

interface ObjectRecord {
  version: 1;
  key: string;
  contentType: string;
  bytes: number;
  etag: string;
  lastModified: string;
  /** File name of the blob, in the same folder as the record. */
  blob: string;
}

interface ObjectLocation {
  directory: string;
  recordPath: string;
  name: string;
}

export function createFilesystemObjectStore(rootDir: string): ObjectStore {
  const root = path.resolve(rootDir);
  const tempDirectory = path.join(root, TEMP_DIRECTORY);
  const keyLocks = new Map<string, Promise<void>>();
  let tempDirectoryReady: Promise<void> | undefined;

  function locateFolder(segments: readonly string[]): string {
    return path.join(root, ...segments.map((segment) => segment + DIRECTORY_SUFFIX));
  }

  function locateObject(key: string): ObjectLocation {
    const segments = key.split("/");
    const name = segments.pop() as string;
    const directory = locateFolder(segments);
    return { directory, name, recordPath: path.join(directory, name + RECORD_SUFFIX) };
  }

  function prepareTempDirectory(): Promise<void> {
    tempDirectoryReady ??= mkdir(tempDirectory, { recursive: true }).then(
      () => sweepStaleTempFiles(tempDirectory),
      (error: unknown) => {
        tempDirectoryReady = undefined;
        throw error;
      }
    );
    return tempDirectoryReady;
  }

  // Serialises commits and deletes of one key within this process, so an overwrite always
  // knows which blob it replaced and never leaks it.
  async function withKeyLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = keyLocks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const tail = previous.then(() => new Promise<void>((resolve) => (release = resolve)));
    keyLocks.set(key, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (keyLocks.get(key) === tail) keyLocks.delete(key);
    }
  }

  async function commitObject(location: ObjectLocation, blobTempPath: string, record: ObjectRecord): Promise<void> {
    const previous = await readRecord(location.recordPath);
    const blobPath = path.join(location.directory, record.blob);
    await renameIntoDirectory(blobTempPath, blobPath, location.directory);
    const recordTempPath = path.join(tempDirectory, createTempName());
    try {
      await writeDurably(recordTempPath, Buffer.from(JSON.stringify(record, null, 2)));
      await renameIntoDirectory(recordTempPath, location.recordPath, location.directory);
    } catch (error) {
      await removeQuietly(blobPath);
      throw error;
    } finally {
      await removeQuietly(recordTempPath);
    }
    if (previous !== null && previous.blob !== record.blob) {
      await removeQuietly(path.join(location.directory, previous.blob));
    }
  }

  async function requireRecord(key: string, location: ObjectLocation): Promise<ObjectRecord> {
    const record = await readRecord(location.recordPath);
    if (record === null) throw new ObjectNotFoundError(key);
    return record;
  }

  async function openObject(key: string): Promise<{ record: ObjectRecord; handle: FileHandle }> {
    const location = locateObject(key);
    for (let attempt = 1; ; attempt++) {
      const record = await requireRecord(key, location);
      try {
        return { record, handle: await open(path.join(location.directory, record.blob), "r") };
      } catch (error) {
        if (!isMissingFileError(error) || attempt >= OPEN_ATTEMPTS) throw error;
      }
    }
  }

  async function pruneEmptyDirectories(from: string): Promise<void> {
    for (let directory = from; directory.startsWith(root + path.sep); directory = path.dirname(directory)) {
      try {
        await rmdir(directory);
      } catch {
        return; // not empty (or already gone): everything above is in use too
      }
    }
  }

  async function removeObject(key: string): Promise<boolean> {
    const location = locateObject(key);
    const record = await readRecord(location.recordPath);
    if (record === null) return false;
    await rm(location.recordPath, { force: true });
    await rm(path.join(location.directory, record.blob), { force: true });
    await pruneEmptyDirectories(location.directory);
    return true;
  }

  async function listUnder(prefix: string): Promise<ObjectSummary[]> {
    const segments = prefix.split("/");
    const partial = segments.pop() as string;
    const found: Array<{ key: string; recordPath: string }> = [];
    await collectRecordPaths(locateFolder(segments), segments.map((segment) => `${segment}/`).join(""), partial, found);
    const summaries = await mapWithConcurrency(found, RECORD_READ_CONCURRENCY, async ({ key, recordPath }) => {
      const record = await readRecord(recordPath);
      return record === null ? null : toObjectInfo(key, record);
    });
    return summaries
      .filter((summary): summary is ObjectInfo => summary !== null)
      .map(({ key, bytes, etag, lastModified }) => ({ key, bytes, etag, lastModified }))
      .sort((a, b) => compareObjectKeys(a.key, b.key));
  }

  return {
    kind: "filesystem",

    async put(key: string, body: ObjectBody, options: PutObjectOptions = {}): Promise<PutObjectResult> {
      assertValidObjectKey(key);
      assertValidContentLength(options.contentLength);
      const contentType = options.contentType ?? DEFAULT_CONTENT_TYPE;
      const streamed = isStreamBody(body);
      return runOperation("put", key, async () => {
        await prepareTempDirectory();
        const blobTempPath = path.join(tempDirectory, createTempName());
        try {
          const { bytes, etag } = streamed
            ? await writeStreamBody(key, blobTempPath, body, options.contentLength)
            : await writeBufferBody(key, blobTempPath, toBodyBuffer(body), options.contentLength);
          const location = locateObject(key);
          await withKeyLock(key, () =>
            commitObject(location, blobTempPath, {
              version: 1,
              key,
              contentType,
              bytes,
              etag,
              lastModified: new Date().toISOString(),
              blob: `${location.name}.${randomBytes(8).toString("hex")}${BLOB_SUFFIX}`,
            })
          );
          return { key, bytes, etag, contentType };
        } finally {
          await removeQuietly(blobTempPath);
        }
      });
    },

    async get(key: string) {
      assertValidObjectKey(key);
      return runOperation("get", key, async () => {
        const { record, handle } = await openObject(key);
        try {
          const body = await handle.readFile();
          if (body.byteLength !== record.bytes) {
            throw new Error(`Blob holds ${body.byteLength} bytes but its record says ${record.bytes}`);
          }
          return { info: toObjectInfo(key, record), body };
        } finally {
          await handle.close();
        }
      });
    },

    async getStream(key: string) {
      assertValidObjectKey(key);
      return runOperation("getStream", key, async () => {
        const { record, handle } = await openObject(key);
        // The stream owns the handle from here and closes it on end, error or destroy; the open
        // descriptor keeps these exact bytes readable even if the key is overwritten meanwhile.
        return { info: toObjectInfo(key, record), stream: handle.createReadStream() };
      });
    },

    async head(key: string): Promise<ObjectInfo> {
      assertValidObjectKey(key);
      return runOperation("head", key, async () => toObjectInfo(key, await requireRecord(key, locateObject(key))));
    },

    async list(prefix: string): Promise<ObjectSummary[]> {
      assertValidObjectPrefix(prefix);
      return runOperation("list", prefix, () => listUnder(prefix));
    },

    async delete(key: string): Promise<void> {
      assertValidObjectKey(key);
      await runOperation("delete", key, () => withKeyLock(key, () => removeObject(key)));
    },

    async deletePrefix(prefix: string): Promise<number> {
      assertValidFolderPrefix(prefix);
      return runOperation("deletePrefix", prefix, async () => {
        const objects = await listUnder(prefix);
        // The prefix is a whole folder, so removing its directory also takes blobs orphaned by
        // crashed puts, which no per-key delete would find (shop/redact must leave nothing).
        const folder = locateFolder(prefix.slice(0, -1).split("/"));
        await rm(folder, { recursive: true, force: true });
        await pruneEmptyDirectories(path.dirname(folder));
        return objects.length;
      });
    },

    async close(): Promise<void> {
      // Nothing is held open between calls; streams returned by getStream close themselves.
    },
  };
}

async function runOperation<T>(operation: ObjectStoreOperation, key: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw error instanceof ObjectStoreError ? error : new ObjectStoreRequestError(operation, key, error);
  }
}

async function writeBufferBody(
  key: string,
  filePath: string,
  body: Buffer,
  expectedBytes: number | undefined
): Promise<{ bytes: number; etag: string }> {
  assertBufferLength(key, body, expectedBytes);
  await writeDurably(filePath, body);
  return { bytes: body.byteLength, etag: computeMd5Hex(body) };
}

async function writeStreamBody(
  key: string,
  filePath: string,
  body: StreamBody,
  expectedBytes: number | undefined
): Promise<{ bytes: number; etag: string }> {
  const meter = createBodyMeter({ md5: true });
  const handle = await open(filePath, "wx");
  try {
    // Chunk by chunk with await: natural backpressure, never more than one chunk in memory.
    for await (const chunk of meterBodyChunks(key, body, expectedBytes, meter)) {
      await writeFully(handle, chunk);
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { bytes: meter.bytes, etag: (meter.md5 as NonNullable<typeof meter.md5>).digest("hex") };
}

async function writeDurably(filePath: string, data: Buffer): Promise<void> {
  const handle = await open(filePath, "wx");
  try {
    await writeFully(handle, data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function writeFully(handle: FileHandle, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.byteLength) {
    const { bytesWritten } = await handle.write(data, offset, data.byteLength - offset);
    offset += bytesWritten;
  }
}

async function renameIntoDirectory(from: string, to: string, directory: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await mkdir(directory, { recursive: true });
    try {
      await rename(from, to);
      return;
    } catch (error) {
      if (!isMissingFileError(error) || attempt >= RENAME_ATTEMPTS) throw error;
    }
  }
}

async function readRecord(recordPath: string): Promise<ObjectRecord | null> {
  let text: string;
  try {
    text = await readFile(recordPath, "utf8");
  } catch (error) {
    if (isMissingFileError(error)) return null;
    throw error;
  }
  return parseRecord(text, recordPath);
}

function parseRecord(text: string, recordPath: string): ObjectRecord {
  const value: unknown = JSON.parse(text);
  if (
    typeof value === "object" &&
    value !== null &&
    "version" in value &&
    value.version === 1 &&
    "key" in value &&
    typeof value.key === "string" &&
    "contentType" in value &&
    typeof value.contentType === "string" &&
    "bytes" in value &&
    Number.isSafeInteger(value.bytes) &&
    "etag" in value &&
    typeof value.etag === "string" &&
    "lastModified" in value &&
    typeof value.lastModified === "string" &&
    "blob" in value &&
    typeof value.blob === "string" &&
    // The blob name is joined onto a folder path: it must stay a bare name inside it.
    value.blob === path.basename(value.blob) &&
    value.blob.endsWith(BLOB_SUFFIX)
  ) {
    return value as ObjectRecord;
  }
  throw new Error(`Corrupt object record at ${recordPath}`);
}

function toObjectInfo(key: string, record: ObjectRecord): ObjectInfo {
  return {
    key,
    bytes: record.bytes,
    contentType: record.contentType,
    etag: record.etag,
    lastModified: new Date(record.lastModified),
  };
}

async function collectRecordPaths(
  directory: string,
  keyBase: string,
  partial: string,
  found: Array<{ key: string; recordPath: string }>
): Promise<void> {
  let entries;
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch (error) {
    if (isMissingFileError(error)) return;
    throw error;
  }
  for (const entry of entries) {
    const entryPath = path.join(directory, entry.name);
    if (entry.isDirectory() && entry.name.endsWith(DIRECTORY_SUFFIX)) {
      const segment = entry.name.slice(0, -DIRECTORY_SUFFIX.length);
      if (segment !== "" && segment.startsWith(partial)) {
        await collectRecordPaths(entryPath, `${keyBase}${segment}/`, "", found);
      }
    } else if (entry.isFile() && entry.name.endsWith(RECORD_SUFFIX)) {
      const segment = entry.name.slice(0, -RECORD_SUFFIX.length);
      if (segment !== "" && segment.startsWith(partial)) {
        found.push({ key: keyBase + segment, recordPath: entryPath });
      }
    }
  }
}

async function sweepStaleTempFiles(tempDirectory: string): Promise<void> {
  try {
    const cutoff = Date.now() - STALE_TEMP_AGE_MS;
    for (const name of await readdir(tempDirectory)) {
      const filePath = path.join(tempDirectory, name);
      const { mtimeMs } = await stat(filePath);
      if (mtimeMs < cutoff) await rm(filePath, { force: true });
    }
  } catch {
    // Housekeeping only: a failed sweep must not fail the put that triggered it.
  }
}

function createTempName(): string {
  return `${process.pid}-${randomBytes(8).toString("hex")}.tmp`;
}

// Cleanup runs in finally blocks, where throwing would mask the error that got us there.
async function removeQuietly(filePath: string): Promise<void> {
  await rm(filePath, { force: true }).catch(() => undefined);
}

function isMissingFileError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}
