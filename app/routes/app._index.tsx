import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, Layout, Page, Text } from "@shopify/polaris";
import prisma from "../db.server";
import { authenticate } from "../shopify.server";
import { summarizeShop } from "../services/ab-tests/summarize-shop";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return summarizeShop(prisma, session.id);
};

export default function Dashboard() {
  const summary = useLoaderData<typeof loader>();
  return (
    <Page title="Image tests">
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                {summary.shopDomain}
              </Text>
              <Text as="p">
                {summary.activeTests} active of {summary.totalTests} tests
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
