// The create-test form's data from the Admin API: a searchable product list, and the chosen
// product's images to build the treatment from.
import type { AdminClient } from "../shopify/admin-client";
import { PRODUCT_MEDIA, PRODUCT_SEARCH } from "../shopify/admin-operations";

export async function loadTestForm(admin: AdminClient, options: { query: string | null; productId: string | null }) {
  const [search, media] = await Promise.all([
    admin.request(PRODUCT_SEARCH, { query: options.query ? `title:*${options.query.replace(/[^\p{L}\p{N} -]/gu, "")}*` : null }),
    options.productId ? admin.request(PRODUCT_MEDIA, { id: options.productId }) : Promise.resolve({ product: null }),
  ]);
  return {
    products: search.products.nodes.map((product) => ({ id: product.id, title: product.title, imageUrl: product.featuredMedia?.preview?.image?.url ?? null, images: product.mediaCount?.count ?? 0 })),
    product: media.product
      ? {
          id: media.product.id,
          title: media.product.title,
          images: media.product.media.nodes.flatMap((node) => (node.image ? [{ mediaId: node.id, url: node.image.url, altText: node.image.altText ?? "" }] : [])),
        }
      : null,
  };
}
