import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, InlineStack, Layout, List, Page, Text } from "@shopify/polaris";
import { authenticateShop } from "../admin.server";
import prisma from "../db.server";
import { getEnv } from "../env.server";
import { activateWebPixel, MissingScopeError } from "../services/shopify/activate-web-pixel";
import { getPixelSettingsPage } from "../services/shopify/get-pixel-settings-page";
import { apiKeyForShop } from "../shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shopId, admin, session } = await authenticateShop(request);
  return getPixelSettingsPage(prisma, admin, shopId, { appUrl: getEnv().SHOPIFY_APP_URL, apiKey: await apiKeyForShop(session.shop) });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { admin } = await authenticateShop(request);
  try {
    const result = await activateWebPixel(admin, { appUrl: getEnv().SHOPIFY_APP_URL });
    return { ok: true as const, message: result.action === "unchanged" ? "The pixel was already active with the right settings." : `The pixel was ${result.action}.` };
  } catch (error) {
    if (error instanceof MissingScopeError) return { ok: false as const, message: error.message };
    throw error;
  }
};

export default function Settings() {
  const { pixel, events, themeEditorUrl } = useLoaderData<typeof loader>();
  const fetcher = useFetcher<typeof action>();
  return (
    <Page title="Pixel and storefront" backAction={{ content: "Image tests", url: "/app" }}>
      <Layout>
        {fetcher.data && (
          <Layout.Section>
            <Banner tone={fetcher.data.ok ? "success" : "critical"}>{fetcher.data.message}</Banner>
          </Layout.Section>
        )}
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <InlineStack gap="200" blockAlign="center">
                <Text as="h2" variant="headingMd">
                  Web pixel
                </Text>
                <Badge tone={pixel.exists && pixel.problems.length === 0 ? "success" : "critical"}>{pixel.exists && pixel.problems.length === 0 ? "Active" : "Needs attention"}</Badge>
              </InlineStack>
              <Text as="p">It reports product views, add-to-carts and purchases of tested products. {events.last24h} events in the last 24 hours, {events.last7d} in 7 days.</Text>
              {pixel.problems.length > 0 && (
                <List>
                  {pixel.problems.map((problem) => (
                    <List.Item key={problem}>{problem}</List.Item>
                  ))}
                </List>
              )}
              <InlineStack>
                <Button variant="primary" loading={fetcher.state !== "idle"} onClick={() => fetcher.submit({}, { method: "post" })}>
                  {pixel.exists ? "Update pixel settings" : "Activate pixel"}
                </Button>
              </InlineStack>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                App embed
              </Text>
              <Text as="p">Your theme shows each visitor their test images through the app embed. Shopify leaves it off after install: turn it on in the theme editor and save.</Text>
              <InlineStack>
                <Button url={themeEditorUrl} target="_blank">
                  Open the theme editor
                </Button>
              </InlineStack>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
