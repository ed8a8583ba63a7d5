import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { BlockStack, Button, Card, Checkbox, InlineError, InlineStack, Layout, Page, RangeSlider, Text, TextField, Thumbnail } from "@shopify/polaris";
import { useState } from "react";
import { z } from "zod";
import { authenticateShop } from "../admin.server";
import prisma from "../db.server";
import { createAbTest } from "../services/ab-tests/create-ab-test";
import { loadTestForm } from "../services/ab-tests/load-test-form";

const formSchema = z.object({
  productId: z.string().regex(/^gid:\/\/shopify\/Product\/\d+$/, "Choose a product."),
  name: z.string().trim().min(1, "Give the test a name.").max(120, "Keep the name under 120 characters."),
  trafficSplit: z.coerce.number().int().min(1, "Send at least 1% to the treatment.").max(99, "Keep at least 1% on the control."),
  treatmentMediaIds: z.array(z.string().regex(/^gid:\/\/shopify\/MediaImage\/\d+$/)).min(1, "Choose at least one image for the treatment.").max(50),
});

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { admin } = await authenticateShop(request);
  const url = new URL(request.url);
  const productId = url.searchParams.get("productId");
  return loadTestForm(admin, { query: url.searchParams.get("q"), productId: productId && /^gid:\/\/shopify\/Product\/\d+$/.test(productId) ? productId : null });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shopId, admin, redirect } = await authenticateShop(request);
  const form = await request.formData();
  const parsed = formSchema.safeParse({
    productId: form.get("productId"),
    name: form.get("name"),
    trafficSplit: form.get("trafficSplit"),
    treatmentMediaIds: form.getAll("treatmentMediaIds"),
  });
  if (!parsed.success) {
    return { errors: Object.fromEntries(parsed.error.issues.map((issue) => [String(issue.path[0]), issue.message])) as Record<string, string> };
  }
  const result = await createAbTest(prisma, admin, shopId, parsed.data);
  if (!result.ok) return { errors: result.errors as Record<string, string> };
  throw redirect(`/app/tests/${result.testId}`);
};

export default function CreateTest() {
  const { products, product } = useLoaderData<typeof loader>();
  const errors = useActionData<typeof action>()?.errors ?? {};
  const [params] = useSearchParams();
  const submitting = useNavigation().state === "submitting";
  const [selected, setSelected] = useState<string[]>([]);
  const [split, setSplit] = useState(50);
  const [name, setName] = useState(product ? `${product.title}: new images` : "");
  const [query, setQuery] = useState(params.get("q") ?? "");
  // Picking a product keeps the search, so the list and the search field still agree afterwards.
  const productHref = (productId: string) => `?${new URLSearchParams({ ...(params.get("q") ? { q: params.get("q")! } : {}), productId })}`;
  const toggle = (mediaId: string, on: boolean) => setSelected((current) => (on ? [...current, mediaId] : current.filter((id) => id !== mediaId)));

  return (
    <Page title="Create test" backAction={{ content: "Image tests", url: "/app" }}>
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                1. Product
              </Text>
              <Form method="get">
                <InlineStack gap="200" blockAlign="end">
                  <div style={{ flexGrow: 1 }}>
                    <TextField label="Search products" name="q" autoComplete="off" value={query} onChange={setQuery} />
                  </div>
                  <Button submit>Search</Button>
                </InlineStack>
              </Form>
              {products.map((candidate) => (
                <InlineStack key={candidate.id} gap="300" blockAlign="center">
                  <Thumbnail source={candidate.imageUrl ?? ""} alt="" size="small" />
                  <Link to={productHref(candidate.id)}>{candidate.title}</Link>
                  <Text as="span" tone="subdued">
                    {candidate.images} images
                  </Text>
                </InlineStack>
              ))}
              {errors.productId && <InlineError message={errors.productId} fieldID="productId" />}
            </BlockStack>
          </Card>
        </Layout.Section>
        {product && (
          <Layout.Section>
            <Form method="post">
              <input type="hidden" name="productId" value={product.id} />
              {selected.map((mediaId) => (
                <input key={mediaId} type="hidden" name="treatmentMediaIds" value={mediaId} />
              ))}
              <input type="hidden" name="trafficSplit" value={split} />
              <Card>
                <BlockStack gap="400">
                  <Text as="h2" variant="headingMd">
                    2. Treatment images for {product.title}
                  </Text>
                  <Text as="p" tone="subdued">
                    Control keeps today&apos;s images. Tick the images the treatment shows, in the order you tick them.
                  </Text>
                  <InlineStack gap="400">
                    {product.images.map((image) => {
                      const position = selected.indexOf(image.mediaId);
                      return (
                        <BlockStack key={image.mediaId} gap="100" inlineAlign="center">
                          <Thumbnail source={image.url} alt={image.altText} size="large" />
                          <Checkbox label={position >= 0 ? `Treatment image ${position + 1}` : "Use"} checked={position >= 0} onChange={(on) => toggle(image.mediaId, on)} />
                        </BlockStack>
                      );
                    })}
                  </InlineStack>
                  {errors.treatmentMediaIds && <InlineError message={errors.treatmentMediaIds} fieldID="treatmentMediaIds" />}
                  <TextField label="Test name" name="name" value={name} onChange={setName} autoComplete="off" error={errors.name} />
                  <RangeSlider label={`Visitors shown the treatment: ${split}%`} value={split} min={1} max={99} onChange={(value) => setSplit(value as number)} error={errors.trafficSplit} output />
                  <InlineStack align="end">
                    <Button variant="primary" submit loading={submitting}>
                      Save as draft
                    </Button>
                  </InlineStack>
                </BlockStack>
              </Card>
            </Form>
          </Layout.Section>
        )}
      </Layout>
    </Page>
  );
}
