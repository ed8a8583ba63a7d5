// S3-driver behaviour the shared contract cannot express: retries and error surfacing (through
// a proxy that answers 500 on demand), the wire format of streamed uploads, and pagination.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createGeneratedStream, readStream, sha256Hex } from "../../../tests/support/object-store-contract";
import { ObjectNotFoundError, ObjectStoreRequestError, type ObjectStore } from "./object-store";
import { createS3ObjectStore, type S3ObjectStoreConfig } from "./s3-object-store";
import {
  startFaultInjectingProxy,
  startS3rver,
  type FaultInjectingProxy,
  type RecordedRequest,
  type S3TestServer,
} from "../../../tests/support/s3-test-servers";

const MiB = 1024 * 1024;

function failFirst(count: number, matches: (request: RecordedRequest) => boolean = () => true) {
  let remaining = count;
  return (request: RecordedRequest) => matches(request) && remaining-- > 0;
}

function isUploadPart(request: RecordedRequest): boolean {
  return request.method === "PUT" && request.url.includes("partNumber=");
}

function isAbortMultipartUpload(request: RecordedRequest): boolean {
  return request.method === "DELETE" && request.url.includes("uploadId=");
}

async function captureRejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("Expected the promise to reject, but it resolved");
}

describe("createS3ObjectStore", () => {
  let server: S3TestServer;
  let bucketConfig: S3ObjectStoreConfig;
  let proxy: FaultInjectingProxy;
  let store: ObjectStore;

  function createStore(overrides: Partial<S3ObjectStoreConfig> = {}): ObjectStore {
    return createS3ObjectStore({ ...bucketConfig, endpoint: proxy.endpoint, ...overrides });
  }

  beforeAll(async () => {
    server = await startS3rver();
  });

  afterAll(async () => {
    await server.close();
  });

  beforeEach(async () => {
    bucketConfig = await server.createBucket();
    proxy = await startFaultInjectingProxy(server.endpoint);
    store = createStore();
  });

  afterEach(async () => {
    await store.close();
    await proxy.close();
  });

  describe("retries", () => {
    it.each([
      ["put of a buffer", (s: ObjectStore) => s.put("shops/a/x.csv", "fresh")],
      ["get", (s: ObjectStore) => s.get("shops/a/seed.csv")],
      ["getStream", (s: ObjectStore) => s.getStream("shops/a/seed.csv").then(({ stream }) => readStream(stream))],
      ["head", (s: ObjectStore) => s.head("shops/a/seed.csv")],
      ["list", (s: ObjectStore) => s.list("shops/")],
      ["delete", (s: ObjectStore) => s.delete("shops/a/seed.csv")],
      ["deletePrefix", (s: ObjectStore) => s.deletePrefix("shops/a/")],
    ])("GIVEN the first 2 requests answer 500 WHEN %s THEN the SDK retries and it succeeds", async (_label, run) => {
      await store.put("shops/a/seed.csv", "seed");
      const before = proxy.requests.length;
      proxy.setFailurePolicy(failFirst(2));

      await run(store);

      const requests = proxy.requests.slice(before);
      expect(requests.slice(0, 2).every((request) => request.failed)).toBe(true);
      expect(requests.slice(2).some((request) => !request.failed)).toBe(true);
    });

    it("GIVEN the first upload of a part answers 500 WHEN a 12 MiB stream is put THEN that part is resent and the object is intact", async () => {
      proxy.setFailurePolicy(failFirst(1, isUploadPart));
      const source = createGeneratedStream(12 * MiB);

      await store.put("exports/big.csv", source.stream);

      const got = await store.get("exports/big.csv");
      expect(sha256Hex(got.body)).toBe(source.sha256());
      expect(proxy.requests.filter(isUploadPart)).toHaveLength(4); // 3 parts, one sent twice
    });

    it.each([
      ["put of a buffer", (s: ObjectStore) => s.put("shops/a/x.csv", "x"), "put"],
      ["get", (s: ObjectStore) => s.get("shops/a/x.csv"), "get"],
      ["head", (s: ObjectStore) => s.head("shops/a/x.csv"), "head"],
      ["list", (s: ObjectStore) => s.list("shops/"), "list"],
      ["delete", (s: ObjectStore) => s.delete("shops/a/x.csv"), "delete"],
    ])(
      "GIVEN every request answers 500 WHEN %s THEN it fails with the status after 4 attempts",
      async (_label, run, operation) => {
        proxy.setFailurePolicy(() => true);

        const error = await captureRejection(run(store));

        expect(error).toBeInstanceOf(ObjectStoreRequestError);
        expect(error).not.toBeInstanceOf(ObjectNotFoundError);
        expect(error).toMatchObject({ code: "OBJECT_STORE_REQUEST_FAILED", operation, httpStatus: 500, attempts: 4 });
        expect(proxy.requests).toHaveLength(4);
      }
    );

    it("GIVEN every upload of a part answers 500 WHEN a 12 MiB stream is put THEN it fails, the upload is aborted and no object appears", async () => {
      proxy.setFailurePolicy(isUploadPart);

      const error = await captureRejection(store.put("exports/big.csv", createGeneratedStream(12 * MiB).stream));

      expect(error).toMatchObject({ code: "OBJECT_STORE_REQUEST_FAILED", operation: "put", httpStatus: 500 });
      expect(proxy.requests.some(isAbortMultipartUpload)).toBe(true);
      proxy.setFailurePolicy(() => false);
      await expect(store.head("exports/big.csv")).rejects.toBeInstanceOf(ObjectNotFoundError);
    });

    it("GIVEN a bucket that does not exist WHEN get THEN a request error, not ObjectNotFoundError", async () => {
      const wrongBucket = createStore({ bucket: "no-such-bucket" });
      try {
        const error = await captureRejection(wrongBucket.get("shops/a/x.csv"));

        expect(error).toBeInstanceOf(ObjectStoreRequestError);
        expect(error).toMatchObject({ httpStatus: 404 });
      } finally {
        await wrongBucket.close();
      }
    });
  });

  describe("wire format", () => {
    it.each([
      ["a 12 MiB stream (multipart)", () => createGeneratedStream(12 * MiB).stream],
      ["a 1 MiB stream (single PUT)", () => createGeneratedStream(1 * MiB).stream],
      ["a buffer", () => Buffer.alloc(1000, 7)],
    ])("GIVEN %s WHEN put THEN no request uses aws-chunked framing or trailing checksums", async (_label, makeBody) => {
      await store.put("exports/wire.bin", makeBody());

      const uploads = proxy.requests.filter((request) => request.method === "PUT");
      expect(uploads.length).toBeGreaterThan(0);
      for (const { headers } of uploads) {
        expect(headers["content-encoding"] ?? "").not.toContain("aws-chunked");
        expect(headers["x-amz-content-sha256"] ?? "").not.toMatch(/^STREAMING-/);
        expect(headers["x-amz-trailer"]).toBeUndefined();
        expect(headers["x-amz-decoded-content-length"]).toBeUndefined();
        expect(headers["content-length"]).toMatch(/^\d+$/);
      }
    });

    it("GIVEN a buffer WHEN put THEN it carries Content-MD5 so the server can reject corrupted bodies", async () => {
      await store.put("exports/md5.bin", "abc");

      const put = proxy.requests.find((request) => request.method === "PUT");
      expect(put?.headers["content-md5"]).toBe("kAFQmDzST7DWlj99KOF/cg==");
    });
  });

  describe("pagination", () => {
    // Flat, equal-length keys: s3rver pages in directory-walk order, which only matches key
    // order within a single folder, so mixed folders would make s3rver itself skip keys.
    const KEYS = Array.from({ length: 25 }, (_, index) => `shops/a/k${String(index).padStart(3, "0")}.csv`);

    it("GIVEN 25 keys and a page size of 7 WHEN list THEN four pages are fetched and all keys come back sorted", async () => {
      const paged = createStore({ listPageSize: 7 });
      try {
        for (const key of [...KEYS].reverse()) await paged.put(key, key);
        const before = proxy.requests.length;

        const listed = await paged.list("shops/a/");

        expect(listed.map((object) => object.key)).toEqual(KEYS);
        const listRequests = proxy.requests.slice(before);
        expect(listRequests).toHaveLength(4);
        expect(listRequests.filter((request) => request.url.includes("continuation-token="))).toHaveLength(3);
      } finally {
        await paged.close();
      }
    });

    it("GIVEN 25 keys and a page size of 7 WHEN deletePrefix THEN every page is deleted and counted", async () => {
      const paged = createStore({ listPageSize: 7 });
      try {
        for (const key of KEYS) await paged.put(key, key);
        await paged.put("shops/b/keep.csv", "keep");

        await expect(paged.deletePrefix("shops/a/")).resolves.toBe(25);

        expect((await paged.list("")).map((object) => object.key)).toEqual(["shops/b/keep.csv"]);
      } finally {
        await paged.close();
      }
    });

    it("GIVEN 1001 keys WHEN list with the default page size THEN S3's 1000-key page limit is crossed transparently", async () => {
      const keys = Array.from({ length: 1001 }, (_, index) => `bulk/k${String(index).padStart(4, "0")}`);
      await Promise.all(keys.map((key) => store.put(key, "")));
      const before = proxy.requests.length;

      const listed = await store.list("bulk/");

      expect(listed.map((object) => object.key)).toEqual(keys);
      expect(proxy.requests.length - before).toBe(2);
    });
  });

  it.each([
    ["listPageSize 0", { listPageSize: 0 }],
    ["listPageSize 1001", { listPageSize: 1001 }],
  ])("GIVEN %s WHEN creating the store THEN RangeError", (_label, overrides) => {
    expect(() => createStore(overrides)).toThrow(RangeError);
  });
});
