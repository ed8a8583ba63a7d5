import { Readable } from "node:stream";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { authenticateShop, orNotFound } from "../admin.server";
import prisma from "../db.server";
import { openExportFile } from "../services/statistics-export/open-export-file";
import { getObjectStore } from "../storage.server";

const paramsSchema = z.object({ exportId: z.string().min(1).max(64), format: z.enum(["csv", "json"]) });

// Downloads go through the authenticated admin (never a public bucket URL), streamed from storage.
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shopId } = await authenticateShop(request);
  const parsed = paramsSchema.safeParse(params);
  if (!parsed.success) return Response.json({ error: { code: "not_found", message: "Export not found" } }, { status: 404 });
  const file = await orNotFound(() => openExportFile(prisma, getObjectStore(), shopId, parsed.data.exportId, parsed.data.format));
  return new Response(Readable.toWeb(file.stream) as ReadableStream, {
    headers: {
      "Content-Type": parsed.data.format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
      "Content-Length": String(file.bytes),
      "Content-Disposition": `attachment; filename="${file.fileName}"`,
      "Cache-Control": "private, no-store",
    },
  });
};
