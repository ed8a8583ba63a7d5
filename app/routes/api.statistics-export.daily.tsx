import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { getEnv } from "../env.server";
import { jsonError } from "../lib/api-error";
import { secretsMatch } from "../lib/constant-time";
import { isDay } from "../lib/days";
import { planDailyExport } from "../services/statistics-export/plan-daily-export";
import { answerExportFailure } from "../services/statistics-export/export-route-failure";
import { createExportDeps, getExportQueue } from "../statistics-export.server";

// Vercel: the planner records, stages and enqueues; it exports nothing, so it answers in seconds. The
// limit stays generous for the day's one metrics pass on a large install.
export const config = { maxDuration: 300 };

const querySchema = z.object({
  date: z.string().refine(isDay, "date must be a calendar day YYYY-MM-DD").optional(),
  shop: z.string().max(255).optional(),
  force: z.enum(["1", "true"]).optional(),
});

// GET, as Vercel cron calls it, with `Authorization: Bearer ${CRON_SECRET}`. Anything else gets a
// bare 401 (Vercel's x-vercel-cron header is not authentication: anyone can send it). Plans yesterday
// (or ?date=; ?force=1 redoes COMPLETED ones) for every ACTIVE shop (or ?shop=; 404 when it is not
// one): one queued job per shop-day, which the drain route
// (api.statistics-export.drain) and `npm run worker` export.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const token = request.headers.get("authorization")?.match(/^Bearer (.+)$/)?.[1] ?? "";
  if (!secretsMatch(token, getEnv().CRON_SECRET)) return jsonError(401, "unauthorized", "unauthorized");
  const query = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) return jsonError(400, "invalid_request", query.error.issues.map((issue) => issue.message).join("; "));

  let summary;
  try {
    summary = await planDailyExport(createExportDeps(), await getExportQueue(), { day: query.data.date, shopDomain: query.data.shop, force: Boolean(query.data.force) });
  } catch (error) {
    return answerExportFailure("plan", error);
  }
  if (summary.unknownDomains.length > 0) return jsonError(404, "unknown_shop", `no ACTIVE shop ${summary.unknownDomains.join(", ")}`);
  return Response.json(summary, { headers: { "Cache-Control": "no-store" } });
};

// Remix sends every other method (POST, PUT, PATCH, DELETE) here; without an action it would answer a
// bare 405 outside the error shape. Checked before authentication: the answer reveals nothing.
export const action = () => jsonError(405, "method_not_allowed", "use GET", { Allow: "GET" });
