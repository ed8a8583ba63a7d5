import path from "node:path";
import { createFilesystemObjectStore } from "./filesystem-object-store";
import type { ObjectStore } from "./object-store";
import { createS3ObjectStore } from "./s3-object-store";

export interface R2Config {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface ObjectStoreConfig {
  /** When set, objects go to R2; otherwise to the local filesystem. */
  r2?: R2Config | null;
  /** The app's data directory; the filesystem driver keeps objects in `${dataDir}/objects`. */
  dataDir: string;
}

/**
 * Picks the driver from already-validated configuration. Deliberately does not read
 * process.env: the caller owns env parsing, and tests can build any store they need.
 */
export function createObjectStore(config: ObjectStoreConfig): ObjectStore {
  if (config.r2) return createS3ObjectStore(config.r2);
  return createFilesystemObjectStore(path.join(config.dataDir, "objects"));
}
