import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { authenticateShop } from "../admin.server";
import prisma from "../db.server";
import { getDashboard } from "../services/ab-tests/get-dashboard";
import { EmptyMessage } from "../components/empty-message";
import { StatusBadge } from "../components/status-badge";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shopId } = await authenticateShop(request);
  return getDashboard(prisma, shopId);
};

export default function Dashboard() {
  const { tests, pixel, lastExport } = useLoaderData<typeof loader>();
  const running = tests.filter((test) => test.status === "ACTIVE" || test.status === "PAUSED");
  const others = tests.filter((test) => test.status !== "ACTIVE" && test.status !== "PAUSED");
  return (
    <Page title="Image tests" primaryAction={{ content: "Create test", url: "/app/tests/new" }}>
      <Layout>
        {pixel.silent && (
          <Layout.Section>
            <Banner tone="warning" title="No visitor events in the last 24 hours" action={{ content: "Check the pixel", url: "/app/settings" }}>
              <p>A test is running but the storefront sent nothing. Activate the web pixel and enable the app embed in your theme.</p>
            </Banner>
          </Layout.Section>
        )}
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Running tests
              </Text>
              {running.length === 0 ? (
                <EmptyMessage heading="No test is running" action={{ content: "Create test", url: "/app/tests/new" }}>
                  Pick a product and the images to try; the app shows them to half of your visitors and measures which sells more.
                </EmptyMessage>
              ) : (
                running.map((test) => (
                  <InlineStack key={test.id} align="space-between" blockAlign="center">
                    <BlockStack gap="100">
                      <Link to={`/app/tests/${test.id}`}>{test.name}</Link>
                      <Text as="p" tone="subdued">
                        {test.headline} · {test.visitors ?? 0} visitors
                      </Text>
                    </BlockStack>
                    <StatusBadge status={test.status} />
                  </InlineStack>
                ))
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Pixel
                </Text>
                <Text as="p">{pixel.eventsLast24h} events in the last 24 hours</Text>
                <Text as="p" tone="subdued">
                  Last event: {pixel.lastEventAt ? new Date(pixel.lastEventAt).toUTCString() : "never"}
                </Text>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Last daily export
                </Text>
                {lastExport ? (
                  <InlineStack gap="200" blockAlign="center">
                    <Text as="p">{lastExport.date}</Text>
                    <Badge tone={lastExport.status === "COMPLETED" ? "success" : lastExport.status === "FAILED" ? "critical" : "attention"}>{lastExport.status.toLowerCase()}</Badge>
                  </InlineStack>
                ) : (
                  <Text as="p">No export yet: the first runs tonight at 00:00 UTC.</Text>
                )}
                <Button url="/app/exports">All exports</Button>
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
        {others.length > 0 && (
          <Layout.Section>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Drafts and completed tests
                </Text>
                {others.map((test) => (
                  <InlineStack key={test.id} align="space-between">
                    <Link to={`/app/tests/${test.id}`}>{test.name}</Link>
                    <StatusBadge status={test.status} />
                  </InlineStack>
                ))}
              </BlockStack>
            </Card>
          </Layout.Section>
        )}
      </Layout>
    </Page>
  );
}
