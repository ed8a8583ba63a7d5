import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { inject } from "vitest";

process.env.DATABASE_URL = inject("databaseUrl");
process.env.NODE_ENV = "test";
// Each test worker keeps its filesystem objects apart from the developer's .data/.
process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "abt-test-data-"));
