import { access, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createObjectStore } from "./create-object-store";

describe("createObjectStore", () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "create-object-store-"));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it.each([
    ["no r2 key", {}],
    ["r2 set to null", { r2: null }],
  ])("GIVEN %s WHEN creating THEN objects go to <dataDir>/objects on disk", async (_label, r2) => {
    const store = createObjectStore({ dataDir, ...r2 });

    await store.put("shops/a/x.csv", "x");

    expect(store.kind).toBe("filesystem");
    await expect(access(path.join(dataDir, "objects", "shops.d", "a.d", "x.csv.meta.json"))).resolves.toBeUndefined();
    await store.close();
  });

  it("GIVEN R2 settings WHEN creating THEN the S3 driver is used, without any request being made", async () => {
    const store = createObjectStore({
      dataDir,
      r2: {
        endpoint: "https://account.r2.cloudflarestorage.com",
        bucket: "exports",
        accessKeyId: "id",
        secretAccessKey: "secret",
      },
    });

    expect(store.kind).toBe("s3");
    await store.close();
  });
});
