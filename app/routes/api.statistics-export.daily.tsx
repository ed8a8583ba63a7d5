import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { getEnv } from "../env.server";
import { jsonError } from "../lib/api-error";
import { secretsMatch } from "../lib/constant-time";
import { isDay } from "../lib/days";
import { findActiveShops } from "../services/shopify/find-active-shops";
import { exportShopDays, runDailyExport } from "../services/statistics-export/statistics-export-orchestrator.service";
import { createExportDeps } from "../statistics-export.server";

// Vercel: the longest a function may run on the plan; the run stops starting shop-days well before it
// and leaves the rest DEFERRED for the next run or the backfill.
export const config = { maxDuration: 300 };
const BUDGET_MS = 240_000;

const querySchema = z.object({
  date: z.string().refine(isDay, "date must be a calendar day YYYY-MM-DD").optional(),
  shop: z.string().max(255).optional(),
});

// GET, as Vercel cron calls it, with `Authorization: Bearer ${CRON_SECRET}`. Anything else gets a
// bare 401 (Vercel's x-vercel-cron header is not authentication: anyone can send it).
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const token = request.headers.get("authorization")?.match(/^Bearer (.+)$/)?.[1] ?? "";
  if (!secretsMatch(token, getEnv().CRON_SECRET)) return jsonError(401, "unauthorized", "unauthorized");
  const query = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) return jsonError(400, "invalid_request", query.error.issues.map((issue) => issue.message).join("; "));

  const deps = createExportDeps();
  let summary;
  if (query.data.date) {
    const { shops } = await findActiveShops(deps.prisma, query.data.shop ? [query.data.shop] : undefined);
    const day = query.data.date;
    summary = { day, results: await exportShopDays(deps, shops.map((shop) => ({ shopId: shop.id, day })), { budgetMs: BUDGET_MS }) };
  } else {
    summary = await runDailyExport(deps, { budgetMs: BUDGET_MS, shopDomain: query.data.shop });
  }
  const failed = summary.results.filter((result) => result.status === "FAILED").length;
  return Response.json({ ...summary, failed }, { status: failed > 0 ? 500 : 200, headers: { "Cache-Control": "no-store" } });
};

// Remix sends every other method (POST, PUT, PATCH, DELETE) here; without an action it would answer a
// bare 405 outside the error shape. Checked before authentication: the answer reveals nothing.
export const action = () => jsonError(405, "method_not_allowed", "use GET", { Allow: "GET" });
