import { getEnv } from "./env.server";
import { createObjectStore } from "./services/storage/create-object-store";
import type { ObjectStore } from "./services/storage/object-store";

declare global {
  var __abtObjectStore: ObjectStore | undefined;
}

/** The process-wide object store: R2 when R2_* is configured, else the filesystem under DATA_DIR. */
export function getObjectStore(): ObjectStore {
  const env = getEnv();
  globalThis.__abtObjectStore ??= createObjectStore({ r2: env.r2, dataDir: env.DATA_DIR });
  return globalThis.__abtObjectStore;
}
