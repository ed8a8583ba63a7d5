// A shop's export file, streamed from the object store: the bucket is never public, downloads go
// through the authenticated admin.
import type { PrismaClient } from "@prisma/client";
import type { ObjectStore } from "../storage/object-store";
import { NotFoundError } from "../ab-tests/ab-test-errors";

export async function openExportFile(prisma: PrismaClient, objects: ObjectStore, shopId: string, exportId: string, format: "csv" | "json") {
  const row = await prisma.statisticsExport.findFirst({ where: { id: exportId, shopId, status: "COMPLETED" }, select: { date: true, csvKey: true, jsonKey: true } });
  const key = format === "csv" ? row?.csvKey : row?.jsonKey;
  if (!row || !key) throw new NotFoundError("Export");
  const { info, stream } = await objects.getStream(key);
  return { stream, bytes: info.bytes, contentType: info.contentType, fileName: `statistics-${row.date.toISOString().slice(0, 10)}.${format}` };
}
