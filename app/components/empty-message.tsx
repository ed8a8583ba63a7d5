// An empty list's message. Polaris' EmptyState is built around an illustration: given none (image=""),
// its loading placeholder, a grey disc, never goes away and covers the heading. The app ships no
// illustrations, so empty lists say so with text and an optional action instead.
import { BlockStack, Box, Button, Text } from "@shopify/polaris";

export function EmptyMessage({ heading, action, children }: { heading: string; action?: { content: string; url: string }; children: string }) {
  return (
    <Box paddingBlock="600">
      <BlockStack gap="300" inlineAlign="center">
        <Text as="p" variant="headingMd" alignment="center">
          {heading}
        </Text>
        <Text as="p" tone="subdued" alignment="center">
          {children}
        </Text>
        {action && (
          <Button variant="primary" url={action.url}>
            {action.content}
          </Button>
        )}
      </BlockStack>
    </Box>
  );
}
