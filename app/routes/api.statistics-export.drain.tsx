import type { LoaderFunctionArgs } from "@remix-run/node";
import { getEnv } from "../env.server";
import { jsonError } from "../lib/api-error";
import { secretsMatch } from "../lib/constant-time";
import { drainExportQueue } from "../services/statistics-export/export-drain";
import { answerExportFailure } from "../services/statistics-export/export-route-failure";
import { createExportDeps, getExportQueue } from "../statistics-export.server";

// Vercel: the longest a function may run on the plan. The drain takes new shop-days during the first
// 200 s only, leaving the rest for the ones it has (a typical shop-day takes ~25 s at Shopify's rate
// limit); a shop-day cut off at the limit is retried once its attempt expires.
export const config = { maxDuration: 300 };
const TAKE_FOR_MS = 200_000;
// A job waiting on a shop's bulk operation hands its shop-day back after this (the next drain goes on
// from the ledger's checkpoint), so even a job taken at 200 s is done by 260 s.
const JOB_BUDGET_MS = 60_000;
// Shop-days at once: each is paced by its own shop's rate limit, so they overlap well.
const CONCURRENCY = 4;

// GET, as Vercel cron calls it every few minutes, with `Authorization: Bearer ${CRON_SECRET}`. Any
// number of drains may run at once: each job goes to one of them.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const token = request.headers.get("authorization")?.match(/^Bearer (.+)$/)?.[1] ?? "";
  if (!secretsMatch(token, getEnv().CRON_SECRET)) return jsonError(401, "unauthorized", "unauthorized");
  let summary;
  try {
    summary = await drainExportQueue(createExportDeps(), await getExportQueue(), { budgetMs: TAKE_FOR_MS, jobBudgetMs: JOB_BUDGET_MS, concurrency: CONCURRENCY });
  } catch (error) {
    return answerExportFailure("drain", error);
  }
  return Response.json(summary, { headers: { "Cache-Control": "no-store" } });
};

// Every other method: 405 in the error shape, before authentication (the answer reveals nothing).
export const action = () => jsonError(405, "method_not_allowed", "use GET", { Allow: "GET" });
