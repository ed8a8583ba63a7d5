import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useFetcher, useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Button, ButtonGroup, Card, DataTable, InlineStack, Layout, Page, Text, Thumbnail } from "@shopify/polaris";
import polarisVizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { useState } from "react";
import { z } from "zod";
import { authenticateShop, orNotFound } from "../admin.server";
import { ConversionChart } from "../components/conversion-chart";
import { StatusBadge } from "../components/status-badge";
import prisma from "../db.server";
import { formatDuration, formatMoney, formatPercent, formatUtcDate } from "../lib/statistics";
import { getTestResults } from "../services/ab-tests/get-test-results";
import { transitionAbTest, type TransitionAction } from "../services/ab-tests/transition-ab-test";

export const links = () => [{ rel: "stylesheet", href: polarisVizStyles }];

const actionSchema = z.object({ intent: z.enum(["start", "pause", "resume", "complete"]) });

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shopId } = await authenticateShop(request);
  return orNotFound(() => getTestResults(prisma, shopId, params.testId ?? ""));
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shopId, admin } = await authenticateShop(request);
  const parsed = actionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return Response.json({ ok: false, error: "Unknown action." }, { status: 400 });
  return orNotFound(() => transitionAbTest(prisma, admin, shopId, params.testId ?? "", parsed.data.intent));
};

const ACTIONS: Record<string, { intent: TransitionAction; label: string; confirm: string; destructive?: boolean }[]> = {
  DRAFT: [{ intent: "start", label: "Start test", confirm: "Visitors will start seeing the treatment images on your storefront." }],
  ACTIVE: [
    { intent: "pause", label: "Pause", confirm: "Everyone will see the original images until you resume." },
    { intent: "complete", label: "Complete", confirm: "The test ends for good and everyone sees the original images.", destructive: true },
  ],
  PAUSED: [
    { intent: "resume", label: "Resume", confirm: "Visitors will see their arm's images again." },
    { intent: "complete", label: "Complete", confirm: "The test ends for good and everyone sees the original images.", destructive: true },
  ],
  COMPLETED: [],
};

/** "Started 2026-12-01 · running for 7 days", "Started … · ended … · ran 9 days", "Not started yet". */
function describeDates(test: { status: string; startedAt: string | null; endedAt: string | null; daysRunning: number }): string {
  if (!test.startedAt) return "Not started yet.";
  const started = `Started ${formatUtcDate(test.startedAt)}`;
  if (test.endedAt) return `${started} · ended ${formatUtcDate(test.endedAt)} · ran ${formatDuration(test.daysRunning)}.`;
  if (test.status === "PAUSED") return `${started} · paused · ${formatDuration(test.daysRunning)} since the start.`;
  return `${started} · running for ${formatDuration(test.daysRunning)}.`;
}

export default function TestDetail() {
  const { test, analysis, series } = useLoaderData<typeof loader>();
  const fetcher = useFetcher<typeof action>();
  const submitted = useActionData<typeof action>();
  const result = fetcher.data ?? submitted;
  const [pending, setPending] = useState<(typeof ACTIONS)[string][number] | null>(null);
  const { control, treatment } = analysis.arms;
  const money = (amount: number) => formatMoney(amount, analysis.currencyCode);
  const split = test.trafficSplit;
  const observed = analysis.sampleRatio.observedTreatmentShare;
  // Each arm's ACTUAL share beside the configured one: a header must not claim a split that did not happen.
  const heading = (arm: "Control" | "Treatment", configured: number, actual: number | null) =>
    actual === null ? `${arm} (set to ${configured}%)` : `${arm} (${formatPercent(actual, 1)} of visitors; set to ${configured}%)`;
  const rows = [
    ["Visitors", control.visitors, treatment.visitors],
    ["Add-to-cart rate", formatPercent(control.addToCartRate), formatPercent(treatment.addToCartRate)],
    ["Orders", control.orders, treatment.orders],
    ["Conversion rate", formatPercent(control.conversionRate), formatPercent(treatment.conversionRate)],
    ["Revenue", money(control.revenue), money(treatment.revenue)],
    ["Revenue per visitor", money(control.revenuePerVisitor), money(treatment.revenuePerVisitor)],
  ];

  return (
    <Page title={test.name} titleMetadata={<StatusBadge status={test.status} />} backAction={{ content: "Image tests", url: "/app" }}>
      <Layout>
        {result && !result.ok && (
          <Layout.Section>
            <Banner tone="critical">{result.error}</Banner>
          </Layout.Section>
        )}
        {analysis.sampleRatio.mismatch && (
          <Layout.Section>
            <Banner tone="critical" title="Visitors are not split as configured">
              <BlockStack gap="200">
                <p>
                  Treatment got {formatPercent(observed ?? 0, 1)} of visitors instead of {split}%. A gap this large does not happen by chance, so no winner, chance or lift is
                  shown. Likely causes:
                </p>
                <ul>
                  {analysis.sampleRatioCauses.map((cause) => (
                    <li key={cause}>{cause}</li>
                  ))}
                </ul>
              </BlockStack>
            </Banner>
          </Layout.Section>
        )}
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="p" tone="subdued">
                {describeDates(test)}
              </Text>
              <Text as="h2" variant="headingLg">
                {analysis.headlines.verdict}
              </Text>
              {analysis.headlines.chanceToBeatControl && <Text as="p">{analysis.headlines.chanceToBeatControl}</Text>}
              {analysis.headlines.conversionRate && (
                <Text as="p" tone="subdued">
                  {analysis.headlines.conversionRate}
                </Text>
              )}
              {analysis.headlines.revenuePerVisitor && (
                <Text as="p" tone="subdued">
                  {analysis.headlines.revenuePerVisitor}
                </Text>
              )}
              {analysis.headlines.conversionRate && (
                <Text as="p" tone="subdued" variant="bodySm">
                  Intervals are {Math.round(analysis.confidenceLevel * 100)}% always-valid intervals (a confidence sequence): they stay valid however often you check this page.
                </Text>
              )}
              {pending ? (
                <Banner tone={pending.destructive ? "warning" : "info"} title={`${pending.label}?`}>
                  <BlockStack gap="200">
                    <p>{pending.confirm}</p>
                    <ButtonGroup>
                      <Button
                        variant="primary"
                        tone={pending.destructive ? "critical" : undefined}
                        loading={fetcher.state !== "idle"}
                        onClick={() => {
                          fetcher.submit({ intent: pending.intent }, { method: "post" });
                          setPending(null);
                        }}
                      >
                        {`Yes, ${pending.label.toLowerCase()}`}
                      </Button>
                      <Button onClick={() => setPending(null)}>Cancel</Button>
                    </ButtonGroup>
                  </BlockStack>
                </Banner>
              ) : (
                <InlineStack gap="200">
                  {ACTIONS[test.status].map((option) => (
                    <Button key={option.intent} variant={option.intent === "start" || option.intent === "resume" ? "primary" : undefined} tone={option.destructive ? "critical" : undefined} onClick={() => setPending(option)}>
                      {option.label}
                    </Button>
                  ))}
                </InlineStack>
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <DataTable columnContentTypes={["text", "numeric", "numeric"]} headings={["", heading("Control", 100 - split, observed === null ? null : 1 - observed), heading("Treatment", split, observed)]} rows={rows} />
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Conversion rate by day
              </Text>
              {series.length > 0 ? <ConversionChart series={series} /> : <Text as="p">No visitors yet.</Text>}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <InlineStack gap="800">
              {(["controlImages", "treatmentImages"] as const).map((key) => (
                <BlockStack key={key} gap="200">
                  <Text as="h3" variant="headingSm">
                    {key === "controlImages" ? "Control" : "Treatment"}
                  </Text>
                  <InlineStack gap="200">
                    {test[key].map((image) => (
                      <Thumbnail key={image.mediaId} source={image.url} alt={image.altText ?? ""} />
                    ))}
                  </InlineStack>
                </BlockStack>
              ))}
            </InlineStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
