// Runs the shared ObjectStore contract against both drivers: the filesystem driver in a temp
// directory and the S3 driver against s3rver (which, like R2, stores request bodies verbatim,
// so any aws-chunked framing would show up in the stored bytes), a fresh bucket per test.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { createFilesystemObjectStore } from "./filesystem-object-store";
import { describeObjectStoreContract } from "../../../tests/support/object-store-contract";
import { createS3ObjectStore } from "./s3-object-store";
import { startS3rver, type S3TestServer } from "../../../tests/support/s3-test-servers";

describeObjectStoreContract("filesystem", async () => {
  const directory = await mkdtemp(path.join(os.tmpdir(), "object-store-fs-"));
  const store = createFilesystemObjectStore(directory);
  return {
    store,
    async cleanup() {
      await store.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
});

// One s3rver for the whole file (it takes a process start); isolation comes from the buckets.
let s3Server: Promise<S3TestServer> | undefined;

afterAll(async () => {
  await (await s3Server)?.close();
});

describeObjectStoreContract(
  "s3 (s3rver)",
  async () => {
    s3Server ??= startS3rver();
    const store = createS3ObjectStore(await (await s3Server).createBucket());
    return { store, cleanup: () => store.close() };
  },
  {
    serverGaps: {
      // s3rver streams each PUT straight into the final file; S3 and R2 swap objects atomically.
      concurrentOverwrite: "s3rver writes objects in place, so concurrent PUTs interleave",
    },
  }
);
