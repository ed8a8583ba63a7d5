import prisma from "../db.server";
import { checkHealth } from "../services/health/check-health";
import { getObjectStore } from "../storage.server";

export const loader = async () => {
  const report = await checkHealth(prisma, getObjectStore());
  const healthy = report.db === "ok" && report.storage === "ok";
  return Response.json(report, { status: healthy ? 200 : 503, headers: { "Cache-Control": "no-store" } });
};
