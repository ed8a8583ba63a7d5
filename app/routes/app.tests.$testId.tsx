import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useFetcher, useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Button, ButtonGroup, Card, DataTable, InlineStack, Layout, Page, Text, Thumbnail } from "@shopify/polaris";
import polarisVizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { useState } from "react";
import { z } from "zod";
import { authenticateShop, orNotFound } from "../admin.server";
import { jsonError } from "../lib/api-error";
import { ConversionChart } from "../components/conversion-chart";
import { StatusBadge } from "../components/status-badge";
import prisma from "../db.server";
import { formatDuration, formatMoney, formatPercent, formatUtcDate } from "../lib/statistics";
import { keepTreatmentImages, restoreOriginalOrder } from "../services/ab-tests/apply-winner";
import { getTestResults } from "../services/ab-tests/get-test-results";
import { transitionAbTest } from "../services/ab-tests/transition-ab-test";
import { AdminApiError } from "../services/shopify/admin-client";

export const links = () => [{ rel: "stylesheet", href: polarisVizStyles }];

// The layout's headers, plus the Retry-After of an action answered 503 (Remix passes only cookies on its own).
export const headers: HeadersFunction = ({ parentHeaders, actionHeaders }) => {
  const headers = new Headers(parentHeaders);
  const retryAfter = actionHeaders.get("Retry-After");
  if (retryAfter) headers.set("Retry-After", retryAfter);
  return headers;
};

const actionSchema = z.object({
  intent: z.enum(["start", "pause", "resume", "complete", "keep-treatment", "restore-original"]),
  /** "Keep treatment images" on a test the treatment did not win: the merchant chose it explicitly. */
  explicit: z.literal("true").optional(),
});

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shopId } = await authenticateShop(request);
  return orNotFound(() => getTestResults(prisma, shopId, params.testId ?? ""));
};

/** Shopify unreachable or throttling: 503 + Retry-After; the app lacking write_products: 403. */
function answerAdminApiError(error: unknown): Response {
  if (!(error instanceof AdminApiError)) throw error;
  if (error.code === "ACCESS_DENIED") {
    return jsonError(403, "missing_scope", "The app is not allowed to edit products yet. Reopen it from your Shopify admin and approve the new permission, then try again.");
  }
  if (error.code === "GRAPHQL_ERROR") throw error;
  return jsonError(503, "shopify_unavailable", "Shopify could not be reached, so the product's images were not changed. Try again in a minute.", { "Retry-After": "30" });
}

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shopId, admin } = await authenticateShop(request);
  const parsed = actionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return Response.json({ ok: false, error: "Unknown action." }, { status: 400 });
  const testId = params.testId ?? "";
  const { intent, explicit } = parsed.data;
  if (intent === "keep-treatment" || intent === "restore-original") {
    const apply = intent === "keep-treatment" ? keepTreatmentImages : restoreOriginalOrder;
    const result = await orNotFound(() => apply(prisma, admin, shopId, testId, { explicit: explicit === "true" })).catch(answerAdminApiError);
    if (result instanceof Response) return result;
    if (!result.ok) return jsonError(result.status, result.code, result.message);
    return { ok: true as const, message: result.message };
  }
  return orNotFound(() => transitionAbTest(prisma, admin, shopId, testId, intent));
};

type Intent = z.infer<typeof actionSchema>["intent"];
interface ActionOption {
  intent: Intent;
  label: string;
  confirm: string;
  destructive?: boolean;
  primary?: boolean;
  explicit?: boolean;
}

const ACTIONS: Record<string, ActionOption[]> = {
  DRAFT: [{ intent: "start", label: "Start test", confirm: "Visitors will start seeing the treatment images on your storefront.", primary: true }],
  ACTIVE: [
    { intent: "pause", label: "Pause", confirm: "Everyone will see the original images until you resume." },
    { intent: "complete", label: "Complete", confirm: "The test ends for good and everyone sees the original images.", destructive: true },
  ],
  PAUSED: [
    { intent: "resume", label: "Resume", confirm: "Visitors will see their arm's images again.", primary: true },
    { intent: "complete", label: "Complete", confirm: "The test ends for good and everyone sees the original images.", destructive: true },
  ],
  COMPLETED: [],
};

const KEEP_CONFIRM = "The product's images are reordered in Shopify: the treatment's images first, in its order; its other images stay after them. You can restore the original order later.";

/** What a completed test offers: keep the treatment's images (primary when it won), or put the original order back. */
function mediaOrderActions(status: string, verdict: string, mediaOrder: { kept: boolean }): ActionOption[] {
  if (status !== "COMPLETED") return [];
  if (mediaOrder.kept) {
    return [{ intent: "restore-original", label: "Restore original order", confirm: "The product's images go back to the order they had before you kept the treatment's." }];
  }
  if (verdict === "treatment_wins") return [{ intent: "keep-treatment", label: "Keep treatment images", confirm: KEEP_CONFIRM, primary: true }];
  return [{ intent: "keep-treatment", label: "Keep treatment images anyway", confirm: `The treatment did not win this test. ${KEEP_CONFIRM}`, explicit: true }];
}

/** An action's answer as a banner: a service's `{ ok, message }`, a refusal `{ ok: false, error }` or the API error shape. */
function describeActionResult(result: unknown): { tone: "success" | "critical"; message: string } | null {
  if (!result || typeof result !== "object") return null;
  const answer = result as { ok?: boolean; message?: unknown; error?: unknown };
  if (typeof answer.error === "string") return { tone: "critical", message: answer.error };
  if (answer.error && typeof answer.error === "object" && typeof (answer.error as { message?: unknown }).message === "string") {
    return { tone: "critical", message: (answer.error as { message: string }).message };
  }
  if (answer.ok && typeof answer.message === "string") return { tone: "success", message: answer.message };
  return null;
}

/** "Started 2026-12-01 · running for 7 days", "Started … · ended … · ran 9 days", "Not started yet". */
function describeDates(test: { status: string; startedAt: string | null; endedAt: string | null; daysRunning: number }): string {
  if (!test.startedAt) return "Not started yet.";
  const started = `Started ${formatUtcDate(test.startedAt)}`;
  if (test.endedAt) return `${started} · ended ${formatUtcDate(test.endedAt)} · ran ${formatDuration(test.daysRunning)}.`;
  if (test.status === "PAUSED") return `${started} · paused · ${formatDuration(test.daysRunning)} since the start.`;
  return `${started} · running for ${formatDuration(test.daysRunning)}.`;
}

export default function TestDetail() {
  const { test, analysis, series, mediaOrder } = useLoaderData<typeof loader>();
  const fetcher = useFetcher<typeof action>();
  const submitted = useActionData<typeof action>();
  const banner = describeActionResult(fetcher.data ?? submitted);
  const [pending, setPending] = useState<ActionOption | null>(null);
  const options = [...ACTIONS[test.status], ...mediaOrderActions(test.status, analysis.verdict, mediaOrder)];
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
        {banner && (
          <Layout.Section>
            <Banner tone={banner.tone}>{banner.message}</Banner>
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
                          fetcher.submit({ intent: pending.intent, ...(pending.explicit ? { explicit: "true" } : {}) }, { method: "post" });
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
                <BlockStack gap="200">
                  {mediaOrder.kept && mediaOrder.keptAt && (
                    <Text as="p">{`Treatment images kept on ${formatUtcDate(mediaOrder.keptAt)}: the product shows them first.`}</Text>
                  )}
                  {!mediaOrder.kept && mediaOrder.restoredAt && <Text as="p">{`Original image order restored on ${formatUtcDate(mediaOrder.restoredAt)}.`}</Text>}
                  <InlineStack gap="200">
                    {options.map((option) => (
                      <Button key={option.intent} variant={option.primary ? "primary" : undefined} tone={option.destructive ? "critical" : undefined} onClick={() => setPending(option)}>
                        {option.label}
                      </Button>
                    ))}
                  </InlineStack>
                </BlockStack>
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
