// What the cron and drain routes answer when planning or draining throws: 503 + Retry-After when the
// database (and with it the ledger and the queue) is unreachable — Vercel's next cron call retries —
// and 500 in the error shape for anything else; logged either way, without secrets.
import { jsonError } from "../../lib/api-error";
import { describeFailure } from "./statistics-export-orchestrator.service";

const OUTAGE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "57P01", "57P02", "57P03", "08000", "08001", "08003", "08006", "P1001", "P1002", "P1017", "P2024"]);

function isOutage(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string" && OUTAGE_CODES.has(code)) return true;
    if (/connection (terminated|refused|reset)|timeout exceeded when trying to connect|can't reach database/i.test(cause.message)) return true;
  }
  return false;
}

export function answerExportFailure(route: "plan" | "drain", error: unknown): Response {
  const outage = isOutage(error);
  console.error(JSON.stringify({ event: `statistics_export_${route}_failed`, outage, error: describeFailure(error) }));
  return outage
    ? jsonError(503, "unavailable", "the database is unreachable; try again shortly", { "Retry-After": "60" })
    : jsonError(500, "internal_error", `the export ${route} failed`);
}
