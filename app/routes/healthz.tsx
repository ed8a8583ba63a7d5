import prisma from "../db.server";
import { checkHealth, createCachedHealthCheck, HEALTH_CACHE_MS } from "../services/health/check-health";
import { getObjectStore } from "../storage.server";

declare global {
  var __abtHealthCheck: (() => ReturnType<typeof checkHealth>) | undefined;
}

// Public and unauthenticated: one cached check per process, never one database query and one
// object-store request per call.
function getHealthCheck() {
  globalThis.__abtHealthCheck ??= createCachedHealthCheck(() => checkHealth(prisma, getObjectStore()));
  return globalThis.__abtHealthCheck;
}

export const loader = async () => {
  const report = await getHealthCheck()();
  const healthy = report.db === "ok" && report.storage === "ok";
  const headers: Record<string, string> = { "Cache-Control": "no-store" };
  if (!healthy) headers["Retry-After"] = String(HEALTH_CACHE_MS / 1000);
  return Response.json(report, { status: healthy ? 200 : 503, headers });
};
