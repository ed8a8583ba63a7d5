// The behaviour every ObjectStore driver must share. Each driver's test file calls
// describeObjectStoreContract with a factory; a behaviour that only one driver shows belongs
// in that driver's own tests, never here.
import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  InvalidObjectKeyError,
  ObjectLengthMismatchError,
  ObjectNotFoundError,
  ObjectStoreRequestError,
  type InvalidObjectKeyReason,
  type ObjectStore,
} from "../../app/services/storage/object-store";

export interface ObjectStoreHarness {
  store: ObjectStore;
  cleanup(): Promise<void>;
}

const MiB = 1024 * 1024;

export function md5Hex(data: Buffer): string {
  return createHash("md5").update(data).digest("hex");
}

export function sha256Hex(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

export async function readStream(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/**
 * A Readable that makes up random bytes as it is read (never one big buffer), remembering their
 * sha256 so the test can compare after the store consumed it.
 */
export function createGeneratedStream(totalBytes: number, options: { failAfterBytes?: number; error?: Error } = {}) {
  const hash = createHash("sha256");
  let produced = 0;
  const stream = new Readable({
    read() {
      if (options.failAfterBytes !== undefined && produced >= options.failAfterBytes) {
        this.destroy(options.error ?? new Error("source failed"));
        return;
      }
      if (produced >= totalBytes) {
        this.push(null);
        return;
      }
      const chunk = randomBytes(Math.min(64 * 1024, totalBytes - produced));
      produced += chunk.byteLength;
      hash.update(chunk);
      this.push(chunk);
    },
  });
  return { stream, sha256: () => hash.copy().digest("hex"), produced: () => produced };
}

function createBinaryPattern(repeats: number): Buffer {
  return Buffer.from(Array.from({ length: 256 * repeats }, (_, index) => index % 256));
}

async function captureRejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("Expected the promise to reject, but it resolved");
}

const INVALID_KEYS: Array<[label: string, key: string, reason: InvalidObjectKeyReason]> = [
  ["empty", "", "empty"],
  ["leading slash", "/shops/a.csv", "leading-slash"],
  ["trailing slash", "shops/a/", "trailing-slash"],
  ["empty segment", "shops//a.csv", "empty-segment"],
  ["dot segment", "shops/./a.csv", "dot-segment"],
  ["dot-dot segment", "shops/../a.csv", "dot-segment"],
  ["leading dot-dot", "../escape.csv", "dot-segment"],
  ["trailing dot-dot", "shops/..", "dot-segment"],
  ["lone dot", ".", "dot-segment"],
  ["backslash", "shops\\a.csv", "backslash"],
  ["NUL", "shops/a\u0000.csv", "control-character"],
  ["newline", "shops/a\n.csv", "control-character"],
  ["DEL", "shops/a\u007f.csv", "control-character"],
  ["C1 control", "shops/a\u0085.csv", "control-character"],
  ["lone surrogate", "shops/a\ud800.csv", "lone-surrogate"],
  ["decomposed accent", "shops/cafe\u0301.csv", "not-nfc"],
  ["1025 ASCII bytes", "k".repeat(1025), "too-long"],
  ["1026 UTF-8 bytes in 513 characters", "é".repeat(513), "too-long"],
  ["201-byte segment", `shops/${"s".repeat(201)}`, "segment-too-long"],
];

const INVALID_LIST_PREFIXES: Array<[prefix: string, reason: InvalidObjectKeyReason]> = [
  ["/shops/", "leading-slash"],
  ["shops//", "empty-segment"],
  ["../", "dot-segment"],
  ["shops/../x", "dot-segment"],
  ["shops\\", "backslash"],
  ["shops/\u0000", "control-character"],
];

const INVALID_FOLDER_PREFIXES: Array<[prefix: string, reason: InvalidObjectKeyReason]> = [
  ["", "empty"],
  ["shops/a", "not-a-folder"],
  ["/shops/a/", "leading-slash"],
  ["shops//", "empty-segment"],
  ["../", "dot-segment"],
];

// Keys that trip up URL encoding (S3) or path mapping (filesystem) if either is done wrong.
const AWKWARD_KEYS = [
  "shops/a/hello world.csv",
  "shops/a/ünïcødé/😀.png",
  "shops/a/100%+x?y#z&=;,@$!.json",
  "shops/a/~tilde's (1) [2] {3}.txt",
  "shops/a/.hidden",
  "shops/a/..double-dot-prefix",
  "shops/a/x.meta.json",
  "shops/a/x.d/y.blob",
  "shops/a/.tmp/inside",
  // Exactly at both limits: 1024 bytes in total, 200 bytes in each full segment.
  [..."abcde"].map((letter) => letter.repeat(200)).join("/") + "/" + "f".repeat(19),
];

export interface ObjectStoreContractOptions {
  /**
   * Behaviours the server under test cannot provide although the real backend does, each with
   * the reason. Only for emulators: a driver that fails the contract must be fixed instead.
   */
  serverGaps?: {
    /** Set when concurrent PUTs to one key can interleave on the server (s3rver writes in place). */
    concurrentOverwrite?: string;
  };
}

export function describeObjectStoreContract(
  name: string,
  makeStore: () => Promise<ObjectStoreHarness>,
  options: ObjectStoreContractOptions = {}
): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let store: ObjectStore;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await makeStore());
    });

    afterEach(async () => {
      await cleanup();
    });

    describe("put and get", () => {
      it("GIVEN bytes 0..255 repeated WHEN put as a Buffer and read back THEN bytes, size, type and MD5 etag match exactly", async () => {
        const body = createBinaryPattern(40);

        const put = await store.put("shops/a/backup.bin", body, { contentType: "image/png" });
        const got = await store.get("shops/a/backup.bin");

        expect(put).toEqual({
          key: "shops/a/backup.bin",
          bytes: body.byteLength,
          etag: md5Hex(body),
          contentType: "image/png",
        });
        expect(got.body.equals(body)).toBe(true);
        expect(got.info).toMatchObject({
          key: "shops/a/backup.bin",
          bytes: body.byteLength,
          contentType: "image/png",
          etag: md5Hex(body),
        });
      });

      it("GIVEN a string body WHEN put THEN it is stored as UTF-8", async () => {
        const text = "id,title\n1,Crème brûlée 🍮\n";

        const put = await store.put("exports/a.csv", text, { contentType: "text/csv; charset=utf-8" });
        const got = await store.get("exports/a.csv");

        expect(put.bytes).toBe(Buffer.byteLength(text));
        expect(got.body.toString("utf8")).toBe(text);
        expect(got.info.contentType).toBe("text/csv; charset=utf-8");
      });

      it("GIVEN a Uint8Array view into a larger buffer WHEN put THEN only the view's bytes are stored", async () => {
        const backing = createBinaryPattern(2);
        const view = new Uint8Array(backing.buffer, backing.byteOffset + 10, 100);

        await store.put("views/part.bin", view);

        expect((await store.get("views/part.bin")).body.equals(backing.subarray(10, 110))).toBe(true);
      });

      it("GIVEN an empty body WHEN put THEN a zero-byte object exists", async () => {
        await store.put("empty/nothing.txt", Buffer.alloc(0));

        const got = await store.get("empty/nothing.txt");

        expect(got.body.byteLength).toBe(0);
        expect(got.info.bytes).toBe(0);
        expect(got.info.etag).toBe(md5Hex(Buffer.alloc(0)));
      });

      it("GIVEN no content type WHEN put THEN application/octet-stream is reported", async () => {
        await store.put("untyped/blob", "x");

        expect((await store.head("untyped/blob")).contentType).toBe("application/octet-stream");
      });

      it("GIVEN an object WHEN head THEN it reports size, type, the put's etag and a recent lastModified", async () => {
        const before = Date.now();
        const put = await store.put("heads/x.json", '{"a":1}', { contentType: "application/json" });

        const info = await store.head("heads/x.json");

        expect(info).toMatchObject({ key: "heads/x.json", bytes: 7, contentType: "application/json", etag: put.etag });
        expect(info.lastModified).toBeInstanceOf(Date);
        // S3 reports whole seconds, hence the slack.
        expect(info.lastModified.getTime()).toBeGreaterThan(before - 2_000);
        expect(info.lastModified.getTime()).toBeLessThan(Date.now() + 2_000);
      });

      it.each(
        AWKWARD_KEYS.map((key) => [
          key.length > 60 ? `${key.slice(0, 40)}… (${Buffer.byteLength(key)} bytes)` : key,
          key,
        ])
      )("GIVEN the awkward key %s WHEN put, listed and read THEN it round-trips unchanged", async (_label, key) => {
        await store.put(key, `body of ${key}`);

        expect((await store.get(key)).body.toString()).toBe(`body of ${key}`);
        expect((await store.list("")).map((object) => object.key)).toEqual([key]);
      });

      it("GIVEN a key that is also the folder of another key WHEN both are stored THEN each stays independent", async () => {
        await store.put("shops/a", "the file");
        await store.put("shops/a/b", "the child");

        expect((await store.get("shops/a")).body.toString()).toBe("the file");
        expect((await store.get("shops/a/b")).body.toString()).toBe("the child");
        await store.delete("shops/a");
        expect((await store.get("shops/a/b")).body.toString()).toBe("the child");
      });
    });

    describe("streamed bodies", () => {
      it("GIVEN a generated 12 MiB Readable WHEN put THEN get and getStream return the same bytes, unframed", async () => {
        const source = createGeneratedStream(12 * MiB);

        const put = await store.put("exports/big.csv", source.stream, { contentType: "text/csv" });
        const got = await store.get("exports/big.csv");
        const streamed = await store.getStream("exports/big.csv");
        const streamedBody = await readStream(streamed.stream);

        expect(put.bytes).toBe(12 * MiB);
        // Same length and hash means nothing (such as aws-chunked framing) was stored around the data.
        expect(got.body.byteLength).toBe(12 * MiB);
        expect(sha256Hex(got.body)).toBe(source.sha256());
        expect(streamedBody.byteLength).toBe(12 * MiB);
        expect(sha256Hex(streamedBody)).toBe(source.sha256());
        expect(streamed.info).toMatchObject({ bytes: 12 * MiB, contentType: "text/csv", etag: put.etag });
        expect((await store.head("exports/big.csv")).etag).toBe(put.etag);
      });

      it("GIVEN an async generator of strings and bytes WHEN put THEN the chunks are stored concatenated", async () => {
        async function* generateRows() {
          yield "id,title\n";
          yield Buffer.from("1,Hat\n");
          yield new TextEncoder().encode("2,Scarf\n");
        }

        const put = await store.put("exports/rows.csv", generateRows(), { contentType: "text/csv" });

        expect(put.bytes).toBe(23);
        expect((await store.get("exports/rows.csv")).body.toString()).toBe("id,title\n1,Hat\n2,Scarf\n");
      });

      it("GIVEN a stream and its correct contentLength WHEN put THEN it is stored", async () => {
        const source = createGeneratedStream(100_000);

        await store.put("exports/sized.bin", source.stream, { contentLength: 100_000 });

        expect((await store.head("exports/sized.bin")).bytes).toBe(100_000);
      });

      it.each([
        ["a Buffer longer than declared", () => Buffer.alloc(11), 10],
        ["a Buffer shorter than declared", () => Buffer.alloc(9), 10],
        ["a stream longer than declared", () => createGeneratedStream(300_000).stream, 200_000],
        ["a stream shorter than declared", () => createGeneratedStream(100_000).stream, 200_000],
      ])(
        "GIVEN %s WHEN put over an existing object THEN it fails and the old version stays",
        async (_label, makeBody, declared) => {
          await store.put("exports/v.bin", "old version");

          const error = await captureRejection(store.put("exports/v.bin", makeBody(), { contentLength: declared }));

          expect(error).toBeInstanceOf(ObjectLengthMismatchError);
          expect(error).toMatchObject({
            code: "OBJECT_LENGTH_MISMATCH",
            key: "exports/v.bin",
            expectedBytes: declared,
          });
          expect((await store.get("exports/v.bin")).body.toString()).toBe("old version");
        }
      );

      it.each([
        ["after 100 KB (single part)", 100_000],
        ["after 6 MiB (multipart already under way on S3)", 6 * MiB],
      ])(
        "GIVEN a source stream that fails %s WHEN put over an existing object THEN it rejects and nothing changes",
        async (_label, failAfterBytes) => {
          await store.put("exports/v.bin", "old version", { contentType: "text/plain" });
          const sourceError = new Error("database cursor died");
          const source = createGeneratedStream(20 * MiB, { failAfterBytes, error: sourceError });

          const error = await captureRejection(store.put("exports/v.bin", source.stream, { contentType: "text/csv" }));

          expect(error).toBeInstanceOf(ObjectStoreRequestError);
          expect(error).toMatchObject({ code: "OBJECT_STORE_REQUEST_FAILED", operation: "put", key: "exports/v.bin" });
          expect((error as Error).cause).toBe(sourceError);
          expect((await store.get("exports/v.bin")).body.toString()).toBe("old version");
          expect((await store.head("exports/v.bin")).contentType).toBe("text/plain");
          expect((await store.list("")).map((object) => object.key)).toEqual(["exports/v.bin"]);
        }
      );
    });

    describe("overwrite and concurrency", () => {
      it("GIVEN an existing object WHEN put again THEN content, size and type are replaced and it is listed once", async () => {
        await store.put("images/1.png", Buffer.alloc(5000, 1), { contentType: "image/png" });

        await store.put("images/1.png", "tiny", { contentType: "image/webp" });

        const got = await store.get("images/1.png");
        expect(got.body.toString()).toBe("tiny");
        expect(got.info).toMatchObject({ bytes: 4, contentType: "image/webp", etag: md5Hex(Buffer.from("tiny")) });
        expect(await store.list("images/")).toEqual([expect.objectContaining({ key: "images/1.png", bytes: 4 })]);
      });

      it.skipIf(options.serverGaps?.concurrentOverwrite !== undefined)(
        "GIVEN five concurrent puts to one key WHEN they all finish THEN exactly one complete version is visible",
        async () => {
          const bodies = Array.from({ length: 5 }, () => randomBytes(200_000));

          await Promise.all(bodies.map((body) => store.put("race/key.bin", body)));

          const got = await store.get("race/key.bin");
          expect(bodies.some((body) => body.equals(got.body))).toBe(true);
          expect(got.info).toMatchObject({ bytes: 200_000, etag: md5Hex(got.body) });
          expect(await store.list("race/")).toHaveLength(1);
        }
      );
    });

    describe("list", () => {
      // Chosen so that UTF-8 byte order, UTF-16 order and directory-walk order all differ:
      // "-" (0x2d) < "/" (0x2f) < "0" (0x30), and U+FF61 sorts before 😀 only in UTF-8.
      const KEYS = [
        "exports/😀.csv",
        "exports/a0.csv",
        "exports/a/b.csv",
        "exports/a-b.csv",
        "exports/a",
        "exports/\uff61.csv",
        "exports/a/nested/deep.csv",
        "exports-old/y.csv",
        "exportsX/z.csv",
        "other/x.csv",
      ];

      beforeEach(async () => {
        for (const key of KEYS) await store.put(key, `content of ${key}`);
      });

      it("GIVEN keys under several prefixes WHEN list a folder THEN only its keys come back, sorted by UTF-8 bytes", async () => {
        const listed = await store.list("exports/");

        expect(listed.map((object) => object.key)).toEqual([
          "exports/a",
          "exports/a-b.csv",
          "exports/a/b.csv",
          "exports/a/nested/deep.csv",
          "exports/a0.csv",
          "exports/\uff61.csv",
          "exports/😀.csv",
        ]);
        for (const object of listed) {
          expect(object).toEqual({
            key: object.key,
            bytes: Buffer.byteLength(`content of ${object.key}`),
            etag: md5Hex(Buffer.from(`content of ${object.key}`)),
            lastModified: expect.any(Date),
          });
        }
      });

      it.each([
        [
          "a partial name",
          "exports/a",
          ["exports/a", "exports/a-b.csv", "exports/a/b.csv", "exports/a/nested/deep.csv", "exports/a0.csv"],
        ],
        ["a nested folder", "exports/a/", ["exports/a/b.csv", "exports/a/nested/deep.csv"]],
        ["a partial top-level name", "export", KEYS.filter((key) => key.startsWith("export"))],
        ["an exact key", "exports/a-b.csv", ["exports/a-b.csv"]],
        ["an unused folder", "nothing/", []],
        ["a folder below a file key", "exports/a-b.csv/", []],
      ])(
        "GIVEN %s as prefix WHEN list THEN exactly the keys starting with it come back",
        async (_label, prefix, expected) => {
          const listed = await store.list(prefix);

          expect(listed.map((object) => object.key)).toEqual(
            [...expected].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
          );
        }
      );

      it("GIVEN an empty prefix WHEN list THEN every key is returned", async () => {
        expect((await store.list("")).map((object) => object.key).sort()).toEqual([...KEYS].sort());
      });
    });

    describe("missing objects and delete", () => {
      it.each(["get", "getStream", "head"] as const)(
        "GIVEN a key never stored WHEN %s THEN ObjectNotFoundError",
        async (operation) => {
          const error = await captureRejection(store[operation]("shops/a/missing.csv"));

          expect(error).toBeInstanceOf(ObjectNotFoundError);
          expect(error).toMatchObject({ code: "OBJECT_NOT_FOUND", key: "shops/a/missing.csv" });
        }
      );

      it.each(["get", "getStream", "head"] as const)(
        "GIVEN a deleted object WHEN %s THEN ObjectNotFoundError",
        async (operation) => {
          await store.put("shops/a/gone.csv", "x");
          await store.delete("shops/a/gone.csv");

          const error = await captureRejection(store[operation]("shops/a/gone.csv"));

          expect(error).toBeInstanceOf(ObjectNotFoundError);
          expect((error as ObjectNotFoundError).code).toBe("OBJECT_NOT_FOUND");
          expect(await store.list("shops/")).toEqual([]);
        }
      );

      it("GIVEN a key never stored WHEN delete (twice) THEN it succeeds", async () => {
        await expect(store.delete("shops/a/never.csv")).resolves.toBeUndefined();
        await expect(store.delete("shops/a/never.csv")).resolves.toBeUndefined();
      });

      it("GIVEN objects in a shop folder, a similarly named folder and a same-named file WHEN deletePrefix THEN only the folder goes", async () => {
        await store.put("shops/a/exports/1.csv", "1");
        await store.put("shops/a/exports/2.csv", "2");
        await store.put("shops/a/images/p/1.png", "3");
        await store.put("shops/ab/exports/1.csv", "4");
        await store.put("shops/a", "5");

        const deleted = await store.deletePrefix("shops/a/");

        expect(deleted).toBe(3);
        expect((await store.list("")).map((object) => object.key)).toEqual(["shops/a", "shops/ab/exports/1.csv"]);
        await expect(store.deletePrefix("shops/a/")).resolves.toBe(0);
        // The folder can be used again afterwards.
        await store.put("shops/a/exports/3.csv", "6");
        expect((await store.get("shops/a/exports/3.csv")).body.toString()).toBe("6");
      });
    });

    describe("key validation", () => {
      it.each(INVALID_KEYS)(
        "GIVEN a key with %s WHEN any single-object operation runs THEN InvalidObjectKeyError",
        async (_label, key, reason) => {
          const operations = [
            () => store.put(key, "x"),
            () => store.get(key),
            () => store.getStream(key),
            () => store.head(key),
            () => store.delete(key),
          ];

          for (const operation of operations) {
            const error = await captureRejection(operation());
            expect(error).toBeInstanceOf(InvalidObjectKeyError);
            expect(error).toMatchObject({ code: "INVALID_OBJECT_KEY", key, reason });
          }
        }
      );

      it("GIVEN a key that is not a string WHEN put THEN InvalidObjectKeyError", async () => {
        const error = await captureRejection(store.put(42 as unknown as string, "x"));

        expect(error).toMatchObject({ code: "INVALID_OBJECT_KEY", reason: "not-a-string" });
      });

      it.each(INVALID_LIST_PREFIXES)(
        "GIVEN the prefix %j WHEN list THEN InvalidObjectKeyError (%s)",
        async (prefix, reason) => {
          const error = await captureRejection(store.list(prefix));

          expect(error).toBeInstanceOf(InvalidObjectKeyError);
          expect(error).toMatchObject({ reason });
        }
      );

      it.each(INVALID_FOLDER_PREFIXES)(
        "GIVEN the prefix %j WHEN deletePrefix THEN InvalidObjectKeyError (%s) and nothing is deleted",
        async (prefix, reason) => {
          await store.put("shops/a/keep.csv", "x");

          const error = await captureRejection(store.deletePrefix(prefix));

          expect(error).toBeInstanceOf(InvalidObjectKeyError);
          expect(error).toMatchObject({ reason });
          expect(await store.list("")).toHaveLength(1);
        }
      );

      it.each([
        ["a number", 42],
        ["a plain object", { data: "x" }],
        ["null", null],
      ])("GIVEN %s as body WHEN put THEN TypeError before anything is written", async (_label, body) => {
        await expect(store.put("shops/a/x.csv", body as unknown as string)).rejects.toBeInstanceOf(TypeError);
        expect(await store.list("")).toEqual([]);
      });

      it("GIVEN an object-mode stream of non-bytes WHEN put THEN it fails and nothing is stored", async () => {
        const error = await captureRejection(store.put("shops/a/x.csv", Readable.from([{ row: 1 }])));

        expect(error).toBeInstanceOf(ObjectStoreRequestError);
        expect((error as Error).cause).toBeInstanceOf(TypeError);
        expect(await store.list("")).toEqual([]);
      });

      it.each([-1, 1.5, Number.NaN])(
        "GIVEN contentLength %s WHEN put THEN RangeError before anything is written",
        async (contentLength) => {
          await expect(store.put("shops/a/x.csv", "x", { contentLength })).rejects.toBeInstanceOf(RangeError);
          expect(await store.list("")).toEqual([]);
        }
      );
    });
  });
}
