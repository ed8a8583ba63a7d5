// Filesystem-driver behaviour behind the contract: what lands on disk, how crashes are
// contained, and that deletes leave no trace (shop/redact).
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFilesystemObjectStore } from "./filesystem-object-store";
import { createGeneratedStream, readStream } from "../../../tests/support/object-store-contract";
import { ObjectNotFoundError, ObjectStoreRequestError, type ObjectStore } from "./object-store";

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .sort();
}

describe("createFilesystemObjectStore", () => {
  let root: string;
  let store: ObjectStore;

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "fs-object-store-"));
    store = createFilesystemObjectStore(root);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("GIVEN a put WHEN looking at the disk THEN there is one record and one blob, and list shows only the key", async () => {
    await store.put("shops/a/x.csv", "id\n1\n", { contentType: "text/csv" });

    const files = (await listFiles(root)).filter((file) => !file.startsWith(".tmp"));
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/^shops\.d\/a\.d\/x\.csv\.[0-9a-f]{16}\.blob$/);
    expect(files[1]).toBe("shops.d/a.d/x.csv.meta.json");
    const record = JSON.parse(await readFile(path.join(root, "shops.d", "a.d", "x.csv.meta.json"), "utf8"));
    expect(record).toMatchObject({ version: 1, key: "shops/a/x.csv", contentType: "text/csv", bytes: 5 });
    expect((await store.list("")).map((object) => object.key)).toEqual(["shops/a/x.csv"]);
  });

  it("GIVEN an overwrite WHEN it commits THEN the previous blob file is removed", async () => {
    await store.put("shops/a/x.csv", "first");
    await store.put("shops/a/x.csv", "second");

    const blobs = (await listFiles(root)).filter((file) => file.endsWith(".blob"));
    expect(blobs).toHaveLength(1);
    expect(await readFile(path.join(root, blobs[0] as string), "utf8")).toBe("second");
  });

  it("GIVEN a crash left a temp file and an unreferenced blob WHEN reading THEN neither is visible as an object", async () => {
    await store.put("shops/a/x.csv", "committed");
    await writeFile(path.join(root, "shops.d", "a.d", "y.csv.0123456789abcdef.blob"), "half-written");
    await writeFile(path.join(root, ".tmp", "123-deadbeef.tmp"), "partial");

    expect((await store.list("")).map((object) => object.key)).toEqual(["shops/a/x.csv"]);
    await expect(store.head("shops/a/y.csv")).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it("GIVEN temp files from a crash WHEN a new store writes THEN only those older than a day are swept", async () => {
    await mkdir(path.join(root, ".tmp"), { recursive: true });
    const stale = path.join(root, ".tmp", "1-stale.tmp");
    const fresh = path.join(root, ".tmp", "2-fresh.tmp");
    await writeFile(stale, "old");
    await writeFile(fresh, "in progress elsewhere");
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
    await utimes(stale, twoDaysAgo, twoDaysAgo);

    await createFilesystemObjectStore(root).put("shops/a/x.csv", "x");

    expect(await readdir(path.join(root, ".tmp"))).toEqual(["2-fresh.tmp"]);
  });

  it("GIVEN a source stream that fails midway WHEN put THEN no temp file or blob is left behind", async () => {
    const source = createGeneratedStream(5_000_000, { failAfterBytes: 1_000_000 });

    await expect(store.put("shops/a/x.csv", source.stream)).rejects.toBeInstanceOf(ObjectStoreRequestError);

    expect(await listFiles(root)).toEqual([]);
  });

  it("GIVEN the last object of nested folders WHEN deleted THEN the emptied folders are removed too", async () => {
    await store.put("shops/a/exports/2024/x.csv", "x");
    await store.put("shops/b/y.csv", "y");

    await store.delete("shops/a/exports/2024/x.csv");

    expect(await readdir(path.join(root, "shops.d"))).toEqual(["b.d"]);
  });

  it("GIVEN a shop folder with an unreferenced blob from a crash WHEN deletePrefix THEN the whole folder is gone", async () => {
    await store.put("shops/a/x.csv", "x");
    await store.put("shops/b/y.csv", "y");
    await writeFile(path.join(root, "shops.d", "a.d", "z.csv.0123456789abcdef.blob"), "orphan");

    await expect(store.deletePrefix("shops/a/")).resolves.toBe(1);

    expect(await readdir(path.join(root, "shops.d"))).toEqual(["b.d"]);
  });

  it("GIVEN an open getStream WHEN the key is overwritten meanwhile THEN the reader still gets the complete old bytes", async () => {
    const original = Buffer.alloc(3_000_000, 1);
    await store.put("shops/a/x.bin", original);
    const { stream } = await store.getStream("shops/a/x.bin");

    await store.put("shops/a/x.bin", Buffer.alloc(10, 2));

    expect((await readStream(stream)).equals(original)).toBe(true);
    expect((await store.get("shops/a/x.bin")).body).toEqual(Buffer.alloc(10, 2));
  });

  it("GIVEN a record whose blob vanished WHEN get THEN a request error rather than not-found", async () => {
    await store.put("shops/a/x.csv", "x");
    const [blob] = (await listFiles(root)).filter((file) => file.endsWith(".blob"));
    await rm(path.join(root, blob as string));

    const error = await store.get("shops/a/x.csv").catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ObjectStoreRequestError);
    expect(error).toMatchObject({ operation: "get", key: "shops/a/x.csv" });
  });

  it.each([
    ["invalid JSON", "{"],
    [
      "a blob path outside the folder",
      JSON.stringify({
        version: 1,
        key: "k",
        contentType: "t",
        bytes: 1,
        etag: "e",
        lastModified: "2024-01-01T00:00:00.000Z",
        blob: "../../secret.blob",
      }),
    ],
    [
      "a missing field",
      JSON.stringify({ version: 1, key: "k", contentType: "t", bytes: 1, etag: "e", blob: "x.blob" }),
    ],
  ])("GIVEN a record with %s WHEN head THEN a request error", async (_label, content) => {
    await mkdir(path.join(root, "shops.d"), { recursive: true });
    await writeFile(path.join(root, "shops.d", "x.csv.meta.json"), content);

    await expect(store.head("shops/x.csv")).rejects.toBeInstanceOf(ObjectStoreRequestError);
  });
});
