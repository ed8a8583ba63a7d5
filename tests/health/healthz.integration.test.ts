import { describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { loader } from "../../app/routes/healthz";
import { checkHealth } from "../../app/services/health/check-health";
import type { ObjectStore } from "../../app/services/storage/object-store";
import { getObjectStore } from "../../app/storage.server";

describe("/healthz", () => {
  it("GIVEN a working database and object store THEN it answers 200 with both ok", async () => {
    const response = await loader();

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ db: "ok", storage: "ok" });
  });

  it("GIVEN an object store that fails THEN the report says so without leaking the endpoint", async () => {
    const failing = {
      ...getObjectStore(),
      put: async () => {
        throw new Error("connect ECONNREFUSED https://secret-account.r2.cloudflarestorage.com/bucket");
      },
    } as ObjectStore;

    const report = await checkHealth(prisma, failing);

    expect(report).toMatchObject({ db: "ok", storage: "error" });
    expect(report.errors?.storage).toContain("ECONNREFUSED");
    expect(report.errors?.storage).not.toContain("secret-account");
  });
});
