import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Card, DataTable, InlineStack, Page, Pagination, Text } from "@shopify/polaris";
import { z } from "zod";
import { authenticateShop } from "../admin.server";
import { DownloadButton } from "../components/download-button";
import { EmptyMessage } from "../components/empty-message";
import prisma from "../db.server";
import { listExports } from "../services/statistics-export/list-exports";

const querySchema = z.object({ page: z.coerce.number().int().min(1).max(10_000).catch(1) });

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shopId } = await authenticateShop(request);
  const { page } = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return listExports(prisma, shopId, page);
};

const TONES = { COMPLETED: "success", FAILED: "critical", PENDING: "attention", RUNNING: "info" } as const;

export default function Exports() {
  const { exports, page, pages } = useLoaderData<typeof loader>();
  return (
    <Page title="Daily exports" subtitle="Per-variant, per-arm statistics for each day (UTC), as CSV and JSON" backAction={{ content: "Image tests", url: "/app" }}>
      <Card>
        {exports.length === 0 ? (
          <EmptyMessage heading="No exports yet">The first daily export runs at 00:00 UTC after your first test starts.</EmptyMessage>
        ) : (
          <BlockStack gap="300">
            <DataTable
              columnContentTypes={["text", "text", "numeric", "numeric", "numeric", "numeric", "text"]}
              headings={["Date", "Status", "Rows", "Impressions", "Orders", "Revenue", "Download"]}
              rows={exports.map((row) => [
                row.date,
                <Badge key="status" tone={TONES[row.status]}>{row.status.toLowerCase()}</Badge>,
                row.rows,
                row.impressions,
                row.orders,
                row.revenue,
                row.downloadable ? (
                  <InlineStack key="download" gap="200">
                    <DownloadButton url={`/app/exports/${row.id}/csv`} fileName={`statistics-${row.date}.csv`}>
                      CSV
                    </DownloadButton>
                    <DownloadButton url={`/app/exports/${row.id}/json`} fileName={`statistics-${row.date}.json`}>
                      JSON
                    </DownloadButton>
                  </InlineStack>
                ) : (
                  <Text key="download" as="span" tone="subdued">
                    {row.error ? "failed — retried tonight" : "—"}
                  </Text>
                ),
              ])}
            />
            <InlineStack align="center">
              <Pagination hasPrevious={page > 1} previousURL={`?page=${page - 1}`} hasNext={page < pages} nextURL={`?page=${page + 1}`} label={`Page ${page} of ${pages}`} />
            </InlineStack>
          </BlockStack>
        )}
      </Card>
    </Page>
  );
}
