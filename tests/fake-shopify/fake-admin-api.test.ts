import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCatalog, type FakeProduct, type FakeShopSeed } from "./catalog";
import { INVALID_TOKEN_BODY, startFakeAdminApi, type FakeAdminApi } from "./fake-admin-api";
import type { FailureKind } from "./failures";
import { postAdminGraphql, type AdminGraphqlResponse } from "./post-admin-graphql";

const BIG_CATALOG = generateCatalog({ products: 600, variantsPerProduct: 2, imagesPerProduct: 1, seed: 7 });

let api: FakeAdminApi;
let shopCounter = 0;

beforeAll(async () => {
  api = await startFakeAdminApi();
});

afterAll(async () => {
  await api.close();
});

/** A shop of its own per test: tests share neither state, nor failure queues, nor cost buckets. */
function addIsolatedShop(seed: Partial<FakeShopSeed> = {}): string {
  shopCounter++;
  const domain = `isolated-${shopCounter}.myshopify.com`;
  api.addShop({ domain, products: generateCatalog({ products: 12, seed: 100 + shopCounter }), ...seed });
  return domain;
}

function query<Data = Record<string, unknown>>(domain: string, source: string, variables?: Record<string, unknown>) {
  return postAdminGraphql<Data>(api.graphqlUrl(domain), api.getShop(domain).accessToken, source, variables);
}

function errorsOf(response: AdminGraphqlResponse<unknown>) {
  return (response.body.errors ?? []) as { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[];
}

const numericId = (gid: string) => Number(gid.split("/").pop());

interface ProductPage {
  products: {
    edges: { cursor: string; node: { id: string; title: string } }[];
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  };
}

const PRODUCT_PAGE = `query ProductPage($first: Int, $after: String, $last: Int, $before: String, $query: String, $sortKey: ProductSortKeys, $reverse: Boolean) {
  products(first: $first, after: $after, last: $last, before: $before, query: $query, sortKey: $sortKey, reverse: $reverse) {
    edges { cursor node { id title } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

describe("products pagination", () => {
  it("GIVEN 600 products WHEN walking forward with first:250 THEN three pages return every id exactly once, in id order", async () => {
    const domain = addIsolatedShop({ products: BIG_CATALOG });
    const pages: ProductPage["products"][] = [];
    let after: string | null = null;
    do {
      const response: AdminGraphqlResponse<ProductPage> = await query<ProductPage>(domain, PRODUCT_PAGE, { first: 250, after });
      expect(response.body.errors).toBeUndefined();
      const page: ProductPage["products"] = response.body.data!.products;
      pages.push(page);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);

    const ids = pages.flatMap((page) => page.edges.map((edge) => edge.node.id));
    expect(pages.map((page) => page.edges.length)).toEqual([250, 250, 100]);
    expect(pages.map((page) => page.pageInfo.hasPreviousPage)).toEqual([false, true, true]);
    expect(new Set(ids).size).toBe(600);
    expect(ids).toEqual([...BIG_CATALOG].sort((a, b) => numericId(a.id) - numericId(b.id)).map((p) => p.id));
  });

  it("GIVEN 600 products WHEN walking backward with last:250 and before THEN the same 600 ids come back", async () => {
    const domain = addIsolatedShop({ products: BIG_CATALOG });
    const ids: string[] = [];
    let before: string | null = null;
    let pageCount = 0;
    do {
      const response: AdminGraphqlResponse<ProductPage> = await query<ProductPage>(domain, PRODUCT_PAGE, { last: 250, before });
      const page: ProductPage["products"] = response.body.data!.products;
      ids.unshift(...page.edges.map((edge) => edge.node.id));
      pageCount++;
      before = page.pageInfo.hasPreviousPage ? page.pageInfo.startCursor : null;
    } while (before);
    expect(pageCount).toBe(3);
    expect(new Set(ids)).toEqual(new Set(BIG_CATALOG.map((p) => p.id)));
  });

  it("GIVEN sortKey TITLE and reverse WHEN listing THEN titles come in descending order", async () => {
    const domain = addIsolatedShop();
    const response = await query<ProductPage>(domain, PRODUCT_PAGE, { first: 250, sortKey: "TITLE", reverse: true });
    const titles = response.body.data!.products.edges.map((edge) => edge.node.title.toLowerCase());
    expect(titles).toEqual([...titles].sort().reverse());
  });

  it.each([
    ["first above 250", "{ products(first: 251) { nodes { id } } }", "The maximum number of records to return is 250."],
    ["neither first nor last", "{ products { nodes { id } } }", "you must provide one of first or last"],
  ])("GIVEN %s WHEN listing products THEN Shopify's error comes back and no data", async (_case, source, message) => {
    const response = await query(addIsolatedShop(), source);
    expect(errorsOf(response).map((error) => error.message)).toEqual([message]);
    expect(response.body.data).toBeNull();
  });
});

describe("products search", () => {
  const catalog = generateCatalog({ products: 60, seed: 3 });
  const material = catalog[0].title.split(" ")[1];
  const cases: [string, string, (product: FakeProduct) => boolean][] = [
    ["a plain word (title substring, any case)", material.toUpperCase(), (p) => p.title.toLowerCase().includes(material.toLowerCase())],
    ["title:*…* wildcards", `title:*${material.slice(1, 4)}*`, (p) => p.title.toLowerCase().includes(material.slice(1, 4).toLowerCase())],
    ["a field filter", "status:DRAFT", (p) => p.status === "DRAFT"],
    ["a negated field filter", "-status:ACTIVE", (p) => p.status !== "ACTIVE"],
    ["OR between filters", "status:DRAFT OR status:ARCHIVED", (p) => p.status !== "ACTIVE"],
    ["an id comparison", `id:>${numericId(catalog[49].id)}`, (p) => numericId(p.id) > numericId(catalog[49].id)],
  ];

  it.each(cases)("GIVEN %s WHEN searching products THEN exactly the matching products return", async (_case, search, predicate) => {
    const domain = addIsolatedShop({ products: catalog });
    const expected = catalog.filter(predicate).map((p) => p.id);
    expect(expected.length).toBeGreaterThan(0);
    const response = await query<ProductPage>(domain, PRODUCT_PAGE, { first: 250, query: search });
    expect(response.body.data!.products.edges.map((edge) => edge.node.id)).toEqual(expected);
  });

  it("GIVEN an unknown search field WHEN searching THEN it is ignored with a warning in extensions.search, as on Shopify", async () => {
    const domain = addIsolatedShop({ products: catalog });
    const response = await query<ProductPage>(domain, PRODUCT_PAGE, { first: 250, query: "colour:red" });
    expect(response.body.data!.products.edges).toHaveLength(catalog.length);
    expect(response.body.extensions?.search).toEqual([
      { path: ["products"], query: "colour:red", warnings: [{ field: "colour", message: "Invalid search field for this query." }] },
    ]);
  });
});

describe("variants, media and nodes", () => {
  const catalog = generateCatalog({ products: 3, variantsPerProduct: 7, imagesPerProduct: 2, seed: 11 });

  it("GIVEN a product with 7 variants WHEN paging its variants by 3 THEN pages of 3, 3 and 1 return them in position order", async () => {
    const domain = addIsolatedShop({ products: catalog });
    const product = catalog[0];
    const ids: string[] = [];
    const sizes: number[] = [];
    let after: string | null = null;
    do {
      type Data = { product: { variantsCount: { count: number }; variants: { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } } };
      const response: AdminGraphqlResponse<Data> = await query<Data>(
        domain,
        `query Variants($id: ID!, $after: String) {
          product(id: $id) { variantsCount { count } variants(first: 3, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }
        }`,
        { id: product.id, after },
      );
      const { variants, variantsCount } = response.body.data!.product;
      expect(variantsCount.count).toBe(7);
      ids.push(...variants.nodes.map((node) => node.id));
      sizes.push(variants.nodes.length);
      after = variants.pageInfo.hasNextPage ? variants.pageInfo.endCursor : null;
    } while (after);
    expect(sizes).toEqual([3, 3, 1]);
    expect(ids).toEqual(product.variants.map((variant) => variant.id));
  });

  it("GIVEN nested connections WHEN listing products with their first variants THEN each product pages its own variants", async () => {
    const domain = addIsolatedShop({ products: catalog });
    type Data = { products: { nodes: { id: string; variants: { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean } } }[] } };
    const response = await query<Data>(domain, "{ products(first: 3) { nodes { id variants(first: 3) { nodes { id } pageInfo { hasNextPage } } } } }");
    for (const [index, node] of response.body.data!.products.nodes.entries()) {
      expect(node.variants.nodes.map((v) => v.id)).toEqual(catalog[index].variants.slice(0, 3).map((v) => v.id));
      expect(node.variants.pageInfo.hasNextPage).toBe(true);
    }
  });

  it("GIVEN query product_id:N WHEN listing productVariants THEN only that product's variants return", async () => {
    const domain = addIsolatedShop({ products: catalog });
    const product = catalog[1];
    type Data = { productVariants: { nodes: { id: string; product: { id: string } }[] } };
    const response = await query<Data>(domain, "query ($q: String) { productVariants(first: 250, query: $q) { nodes { id product { id } } } }", {
      q: `product_id:${numericId(product.id)}`,
    });
    expect(response.body.data!.productVariants.nodes.map((v) => v.id)).toEqual(product.variants.map((v) => v.id));
  });

  it("GIVEN a variant linked to an image WHEN reading its media and image THEN both point at that product image", async () => {
    const domain = addIsolatedShop({ products: catalog });
    const variant = catalog[0].variants.find((v) => v.mediaId !== null)!;
    const image = catalog[0].media.find((m) => m.id === variant.mediaId)!;
    type Data = { productVariant: { price: string; media: { nodes: { id: string }[] }; image: { url: string } } };
    const response = await query<Data>(domain, "query ($id: ID!) { productVariant(id: $id) { price media(first: 5) { nodes { id } } image { url } } }", {
      id: variant.id,
    });
    const data = response.body.data!.productVariant;
    expect(data.price).toBe(variant.price);
    expect(data.media.nodes).toEqual([{ id: image.id }]);
    expect(data.image.url).toBe(`${api.origin}/cdn/${domain}/files/${image.fileName}.png?v=1`);
  });

  it.each([
    ["Product", (p: FakeProduct) => p.id],
    ["ProductVariant", (p: FakeProduct) => p.variants[0].id],
    ["MediaImage", (p: FakeProduct) => p.media[0].id],
  ])("GIVEN a %s id WHEN resolving it through node and nodes THEN its type and id come back", async (typename, idOf) => {
    const domain = addIsolatedShop({ products: catalog });
    const id = idOf(catalog[0]);
    type Data = { node: { __typename: string; id: string }; nodes: ({ id: string } | null)[] };
    const response = await query<Data>(domain, "query ($id: ID!, $ids: [ID!]!) { node(id: $id) { __typename id } nodes(ids: $ids) { id } }", {
      id,
      ids: [id, "gid://shopify/Product/1"],
    });
    expect(response.body.data).toEqual({ node: { __typename: typename, id }, nodes: [{ id }, null] });
  });
});

describe("validation and authentication", () => {
  it.each([
    ["an unknown field", "{ products(first: 1) { nodes { id colour } } }", 'Cannot query field "colour" on type "Product".'],
    ["a syntax error", "{ products(first: 1) { nodes { id }", "Syntax Error"],
    ["a wrongly typed argument", '{ products(first: "ten") { nodes { id } } }', "Int cannot represent non-integer value"],
  ])("GIVEN a query with %s WHEN sent THEN it is refused with GRAPHQL_VALIDATION_FAILED and recorded", async (_case, source, message) => {
    const domain = addIsolatedShop();
    const response = await query(domain, source);
    expect(response.status).toBe(200);
    expect(response.body.data).toBeUndefined();
    expect(errorsOf(response)[0].message).toContain(message);
    expect(errorsOf(response)[0].extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(api.rejectedQueries.filter((rejected) => rejected.shop === domain).map((rejected) => rejected.query)).toEqual([source]);
  });

  it("GIVEN variables of the wrong type WHEN sent THEN they are refused with INVALID_VARIABLE and recorded", async () => {
    const domain = addIsolatedShop();
    const response = await query(domain, "query ($n: Int!) { products(first: $n) { nodes { id } } }", { n: "many" });
    expect(errorsOf(response)[0].extensions?.code).toBe("INVALID_VARIABLE");
    expect(api.rejectedQueries.filter((rejected) => rejected.shop === domain)).toHaveLength(1);
  });

  it.each([
    ["a wrong token", "shpat_wrong"],
    ["no token", null],
  ])("GIVEN %s WHEN calling the Admin API THEN 401 with Shopify's body", async (_case, token) => {
    const domain = addIsolatedShop();
    const response = await postAdminGraphql(api.graphqlUrl(domain), token, "{ shop { name } }");
    expect(response.status).toBe(401);
    expect(response.body).toEqual(INVALID_TOKEN_BODY);
  });

  it.each([
    ["an unknown shop", "nobody.myshopify.com", "2026-10"],
    ["an unsupported API version", "known", "2024-01"],
  ])("GIVEN %s WHEN calling THEN 404", async (_case, shopName, version) => {
    const domain = shopName === "known" ? addIsolatedShop() : shopName;
    const response = await postAdminGraphql(api.graphqlUrl(domain, version), "shpat_any", "{ shop { name } }");
    expect(response.status).toBe(404);
  });

  it("GIVEN API version 2026-07 WHEN calling THEN it answers from that version's schema", async () => {
    const domain = addIsolatedShop();
    const response = await postAdminGraphql(api.graphqlUrl(domain, "2026-07"), api.getShop(domain).accessToken, "{ shop { myshopifyDomain } }");
    expect(response.body.data).toEqual({ shop: { myshopifyDomain: domain } });
    expect(api.requests.at(-1)).toMatchObject({ shop: domain, version: "2026-07", status: 200 });
  });
});

describe("failure injection", () => {
  type Attempt = { response: AdminGraphqlResponse; elapsedMs: number } | { networkError: unknown };

  async function attempt(domain: string): Promise<Attempt> {
    const started = performance.now();
    try {
      const response = await query(domain, "query ShopName { shop { name } }");
      return { response, elapsedMs: performance.now() - started };
    } catch (networkError) {
      return { networkError };
    }
  }

  const answered = (result: Attempt) => {
    if ("networkError" in result) throw new Error(`expected an answer, got ${String(result.networkError)}`);
    return result;
  };

  const cases: [FailureKind, (result: Attempt) => void][] = [
    [
      "throttled",
      (result) => {
        const { response } = answered(result);
        expect(response.status).toBe(200);
        expect(response.body.errors).toEqual([
          { message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } },
        ]);
        expect(response.body.extensions?.cost).toMatchObject({ actualQueryCost: null, throttleStatus: { currentlyAvailable: 0 } });
      },
    ],
    ["http500", (result) => expect(answered(result).response.status).toBe(500)],
    [
      "http429",
      (result) => {
        const { response } = answered(result);
        expect(response.status).toBe(429);
        expect(response.headers.get("retry-after")).toBe("0.05");
      },
    ],
    ["http503", (result) => expect(answered(result).response.status).toBe(503)],
    [
      "slow",
      (result) => {
        const { response, elapsedMs } = answered(result);
        expect(response.body.data).toEqual({ shop: { name: expect.any(String) } });
        expect(elapsedMs).toBeGreaterThanOrEqual(140);
      },
    ],
    ["network", (result) => expect("networkError" in result).toBe(true)],
  ];

  it.each(cases)("GIVEN %s injected twice WHEN the app sends three requests THEN two fail that way and the third is normal", async (kind, expectFailure) => {
    const domain = addIsolatedShop();
    api.injectFailures({ shop: domain, kind, times: 2, delayMs: 150, retryAfterSeconds: 0.05 });
    const results = [await attempt(domain), await attempt(domain), await attempt(domain)];
    expectFailure(results[0]);
    expectFailure(results[1]);
    expect(answered(results[2]).response.body.data).toEqual({ shop: { name: expect.any(String) } });
    const recorded = api.requests.filter((request) => request.shop === domain);
    expect(recorded.map((request) => request.failure)).toEqual([kind, kind, null]);
    expect(recorded.map((request) => request.operationName)).toEqual(["ShopName", "ShopName", "ShopName"]);
  });

  it("GIVEN a failure injected for one shop WHEN another shop is called THEN the other shop is unaffected", async () => {
    const target = addIsolatedShop();
    const bystander = addIsolatedShop();
    api.injectFailures({ shop: target, kind: "http500", times: 1 });
    expect((await query(bystander, "{ shop { name } }")).status).toBe(200);
    expect((await query(target, "{ shop { name } }")).status).toBe(500);
  });

  it("GIVEN another process WHEN it injects a failure over HTTP THEN the next request fails and /__fake/requests shows it", async () => {
    const domain = addIsolatedShop();
    const control = await fetch(`${api.origin}/__fake/failures`, {
      method: "POST",
      body: JSON.stringify({ shop: domain, kind: "http503", times: 1 }),
    });
    expect(control.status).toBe(200);
    expect((await query(domain, "{ shop { name } }")).status).toBe(503);
    expect((await query(domain, "{ shop { name } }")).status).toBe(200);
    const log = (await (await fetch(`${api.origin}/__fake/requests`)).json()) as { requests: { shop: string; status: number }[] };
    expect(log.requests.filter((request) => request.shop === domain).map((request) => request.status)).toEqual([503, 200]);
  });

  it("GIVEN a malformed injection WHEN posted over HTTP THEN 400 and nothing is injected", async () => {
    const response = await fetch(`${api.origin}/__fake/failures`, { method: "POST", body: JSON.stringify({ kind: "meltdown", times: 1 }) });
    expect(response.status).toBe(400);
  });
});

describe("web pixel", () => {
  const CREATE = `mutation CreatePixel($settings: JSON!) {
    webPixelCreate(webPixel: { settings: $settings }) { webPixel { id settings } userErrors { field message code } }
  }`;
  const UPDATE = `mutation UpdatePixel($id: ID!, $settings: JSON!) {
    webPixelUpdate(id: $id, webPixel: { settings: $settings }) { webPixel { id settings } userErrors { field message code } }
  }`;
  const READ = "query ReadPixel { webPixel { id settings } }";
  type Payload = { webPixel: { id: string; settings: string } | null; userErrors: { field: string[]; message: string; code: string }[] };

  it("GIVEN no pixel WHEN reading it THEN webPixel is null with Shopify's error", async () => {
    const response = await query(addIsolatedShop(), READ);
    expect(response.body.data).toEqual({ webPixel: null });
    expect(errorsOf(response)).toMatchObject([{ message: "No web pixel was found for this app.", path: ["webPixel"] }]);
  });

  it("GIVEN no pixel WHEN creating, reading, updating and creating again THEN it exists, settings change, and the second create is TAKEN", async () => {
    const domain = addIsolatedShop();
    const created = await query<{ webPixelCreate: Payload }>(domain, CREATE, { settings: { accountID: "acc-1" } });
    const pixel = created.body.data!.webPixelCreate.webPixel!;
    expect(created.body.data!.webPixelCreate.userErrors).toEqual([]);
    expect(JSON.parse(pixel.settings)).toEqual({ accountID: "acc-1" });

    const read = await query<{ webPixel: Payload["webPixel"] }>(domain, READ);
    expect(read.body.data!.webPixel).toEqual(pixel);

    const updated = await query<{ webPixelUpdate: Payload }>(domain, UPDATE, { id: pixel.id, settings: JSON.stringify({ accountID: "acc-2" }) });
    expect(updated.body.data!.webPixelUpdate.webPixel).toEqual({ id: pixel.id, settings: '{"accountID":"acc-2"}' });
    expect(api.getShop(domain).pixel?.settings).toBe('{"accountID":"acc-2"}');

    const again = await query<{ webPixelCreate: Payload }>(domain, CREATE, { settings: { accountID: "acc-3" } });
    expect(again.body.data!.webPixelCreate).toMatchObject({ webPixel: null, userErrors: [{ code: "TAKEN" }] });
  });

  it.each(["write_pixels", "read_customer_events"])("GIVEN the scope %s is not granted WHEN creating the pixel THEN ACCESS_DENIED names it", async (scope) => {
    const domain = addIsolatedShop({ grantedScopes: ["read_products", "write_pixels", "read_customer_events"].filter((s) => s !== scope) });
    const response = await query<{ webPixelCreate: Payload | null }>(domain, CREATE, { settings: { accountID: "acc-1" } });
    expect(response.body.data).toEqual({ webPixelCreate: null });
    const [error] = errorsOf(response);
    expect(error.extensions?.code).toBe("ACCESS_DENIED");
    expect(error.message).toContain(`\`${scope}\``);
    expect(api.getShop(domain).pixel).toBeNull();
  });

  it.each([
    ["an undeclared setting", { accountId: "x" }],
    ["a missing setting", {}],
    ["a non-string value", { accountID: 42 }],
  ])("GIVEN a settings definition WHEN creating with %s THEN INVALID_SETTINGS", async (_case, settings) => {
    const domain = addIsolatedShop({ pixelSettingsFields: { accountID: "single_line_text_field" } });
    const response = await query<{ webPixelCreate: Payload }>(domain, CREATE, { settings });
    expect(response.body.data!.webPixelCreate).toMatchObject({ webPixel: null, userErrors: [{ code: "INVALID_SETTINGS" }] });
  });
});

describe("metafieldsSet", () => {
  const SET = `mutation SetMetafields($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) { metafields { id namespace key value type } userErrors { field message code } }
  }`;
  type Payload = { metafieldsSet: { metafields: { id: string; namespace: string; key: string; value: string; type: string }[]; userErrors: { code: string }[] } };

  async function installationIdOf(domain: string): Promise<string> {
    const response = await query<{ currentAppInstallation: { id: string } }>(domain, "{ currentAppInstallation { id } }");
    return response.body.data!.currentAppInstallation.id;
  }

  it("GIVEN an app-owned json metafield WHEN set THEN it is stored and reads back through currentAppInstallation", async () => {
    const domain = addIsolatedShop();
    const ownerId = await installationIdOf(domain);
    const value = JSON.stringify({ tests: [{ id: "t1", variants: 2 }] });
    const set = await query<Payload>(domain, SET, { metafields: [{ ownerId, namespace: "ab_tests", key: "active", type: "json", value }] });
    expect(set.body.data!.metafieldsSet).toMatchObject({ userErrors: [], metafields: [{ namespace: "ab_tests", key: "active", value, type: "json" }] });
    expect(api.getShop(domain).metafields).toMatchObject([{ ownerId, namespace: "ab_tests", key: "active", value, jsonValue: JSON.parse(value) }]);

    const read = await query<{ currentAppInstallation: { metafield: { value: string } } }>(
      domain,
      '{ currentAppInstallation { metafield(namespace: "ab_tests", key: "active") { value } } }',
    );
    expect(read.body.data!.currentAppInstallation.metafield.value).toBe(value);
  });

  it.each([
    ["a json value over 128 KB", "json", JSON.stringify({ blob: "x".repeat(128 * 1024) }), "TOO_LONG"],
    ["invalid json", "json", "{not json", "INVALID_VALUE"],
  ])("GIVEN %s WHEN set THEN a userError comes back and nothing is stored", async (_case, type, value, code) => {
    const domain = addIsolatedShop();
    const ownerId = await installationIdOf(domain);
    const set = await query<Payload>(domain, SET, { metafields: [{ ownerId, namespace: "ab_tests", key: "active", type, value }] });
    expect(set.body.data!.metafieldsSet.userErrors).toMatchObject([{ code }]);
    expect(api.getShop(domain).metafields).toEqual([]);
  });
});

describe("image CDN", () => {
  const PNG_SIGNATURE = "89504e470d0a1a0a";

  it("GIVEN the advertised image urls WHEN fetched THEN each is a distinct PNG of the advertised size", async () => {
    const domain = addIsolatedShop();
    type Data = { products: { nodes: { media: { nodes: { image: { url: string; width: number; height: number } }[] } }[] } };
    const response = await query<Data>(domain, "{ products(first: 12) { nodes { media(first: 5) { nodes { ... on MediaImage { image { url width height } } } } } } }");
    const images = response.body.data!.products.nodes.flatMap((node) => node.media.nodes.map((media) => media.image));
    expect(images.length).toBeGreaterThan(2);

    const digests = new Set<string>();
    for (const image of images) {
      const fetched = await fetch(image.url);
      expect(fetched.status).toBe(200);
      expect(fetched.headers.get("content-type")).toBe("image/png");
      const bytes = Buffer.from(await fetched.arrayBuffer());
      expect(bytes.subarray(0, 8).toString("hex")).toBe(PNG_SIGNATURE);
      expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([image.width, image.height]);
      digests.add(createHash("sha256").update(bytes).digest("hex"));
    }
    expect(digests.size).toBe(images.length);
  });

  it("GIVEN an image WHEN asked with HEAD THEN the headers come without a body", async () => {
    const domain = addIsolatedShop();
    const image = api.getShop(domain).products[0].media[0];
    const url = `${api.origin}/cdn/${domain}/files/${image.fileName}.png?v=1`;
    const head = await fetch(url, { method: "HEAD" });
    const get = await fetch(url);
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String((await get.arrayBuffer()).byteLength));
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it("GIVEN an unknown file WHEN fetched THEN 404", async () => {
    const response = await fetch(`${api.origin}/cdn/${addIsolatedShop()}/files/nothing-here.png?v=1`);
    expect(response.status).toBe(404);
  });

  it("GIVEN an images failure injected once WHEN fetching twice THEN the first fails and the second succeeds", async () => {
    const domain = addIsolatedShop();
    const image = api.getShop(domain).products[0].media[0];
    const url = `${api.origin}/cdn/${domain}/files/${image.fileName}.png?v=1`;
    api.injectFailures({ shop: domain, kind: "http503", times: 1, target: "images" });
    expect((await fetch(url)).status).toBe(503);
    expect((await fetch(url)).status).toBe(200);
    expect(api.imageRequests.filter((request) => request.shop === domain).map((request) => [request.status, request.failure])).toEqual([
      [503, "http503"],
      [200, null],
    ]);
  });
});

describe("query cost", () => {
  it("GIVEN any answered query WHEN reading extensions.cost THEN it has Shopify's shape and the bucket drains as queries cost", async () => {
    const domain = addIsolatedShop();
    const source = "{ products(first: 12) { nodes { id variants(first: 3) { nodes { id } } } } }";
    const first = await query(domain, source);
    const second = await query(domain, source);
    expect(first.body.extensions?.cost).toEqual({
      requestedQueryCost: 2 + 12 * (1 + 2 + 3),
      actualQueryCost: expect.any(Number),
      throttleStatus: { maximumAvailable: 2000, currentlyAvailable: expect.any(Number), restoreRate: 100 },
    });
    expect(second.body.extensions!.cost!.throttleStatus.currentlyAvailable).toBeLessThan(first.body.extensions!.cost!.throttleStatus.currentlyAvailable);
  });

  it("GIVEN a query above the single-query limit WHEN sent THEN MAX_COST_EXCEEDED and it is recorded as rejected", async () => {
    const domain = addIsolatedShop();
    const response = await query(domain, "{ products(first: 250) { nodes { id variants(first: 10) { nodes { id } } } } }");
    expect(errorsOf(response)[0].extensions).toMatchObject({ code: "MAX_COST_EXCEEDED", cost: 2 + 250 * 13, maxCost: 1000 });
    expect(api.rejectedQueries.filter((rejected) => rejected.shop === domain)).toHaveLength(1);
  });

  it("GIVEN a small bucket WHEN the app hammers it THEN Shopify's THROTTLED answer comes back without any injection", async () => {
    const small = await startFakeAdminApi({
      costLimits: { maximumAvailable: 300, restoreRate: 10 },
      shops: [{ domain: "small.myshopify.com", products: generateCatalog({ products: 250, seed: 5 }) }],
    });
    try {
      const send = () => postAdminGraphql(small.graphqlUrl("small.myshopify.com"), "shpat_test_small.myshopify.com", "{ products(first: 250) { nodes { id } } }");
      expect((await send()).body.errors).toBeUndefined();
      const throttled = await send();
      expect(throttled.body.errors).toMatchObject([{ message: "Throttled", extensions: { code: "THROTTLED" } }]);
      expect(throttled.body.extensions?.cost?.throttleStatus.currentlyAvailable).toBeLessThan(252);
    } finally {
      await small.close();
    }
  });
});

describe("control endpoints", () => {
  it("GIVEN a pixel created by the app WHEN /__fake/reset is posted THEN the shop is back to its seed", async () => {
    const domain = addIsolatedShop();
    await query(domain, 'mutation { webPixelCreate(webPixel: { settings: "{}" }) { webPixel { id } userErrors { code } } }');
    expect(api.getShop(domain).pixel).not.toBeNull();
    const shopView = (await (await fetch(`${api.origin}/__fake/shops/${domain}`)).json()) as { pixel: unknown };
    expect(shopView.pixel).not.toBeNull();

    expect((await fetch(`${api.origin}/__fake/reset`, { method: "POST" })).status).toBe(200);
    expect(api.getShop(domain).pixel).toBeNull();
    expect(api.requests).toEqual([]);
  });
});

describe("productReorderMedia (asynchronous, as on Shopify)", () => {
  const REORDER = `mutation Reorder($id: ID!, $moves: [MoveInput!]!) {
    productReorderMedia(id: $id, moves: $moves) { job { id done } mediaUserErrors { field message code } }
  }`;
  const JOB = `query Job($id: ID!) { job(id: $id) { id done } }`;
  type Payload = { productReorderMedia: { job: { id: string; done: boolean } | null; mediaUserErrors: { field: string[]; message: string; code: string }[] } | null };
  const mediaOf = (domain: string, productId: string) => api.getShop(domain).products.find((product) => product.id === productId)!.media.map((media) => media.id);
  const productWithMedia = (domain: string) => api.getShop(domain).products.find((product) => product.media.length === 3)!;

  it("GIVEN moves WHEN the mutation answers THEN a job not yet done is returned and the order changes only once the job has run", async () => {
    const domain = addIsolatedShop({ jobDurationMs: 60 });
    const product = productWithMedia(domain);
    const [a, b, c] = product.media.map((media) => media.id);

    const response = await query<Payload>(domain, REORDER, { id: product.id, moves: [{ id: c, newPosition: "0" }, { id: a, newPosition: "9" }] });

    const job = response.body.data!.productReorderMedia!.job!;
    expect([job.done, response.body.data!.productReorderMedia!.mediaUserErrors]).toEqual([false, []]);
    expect(mediaOf(domain, product.id)).toEqual([a, b, c]);
    await new Promise((resolve) => setTimeout(resolve, 80));
    const polled = await query<{ job: { id: string; done: boolean } }>(domain, JOB, { id: job.id });
    expect(polled.body.data!.job).toEqual({ id: job.id, done: true });
    expect(mediaOf(domain, product.id)).toEqual([c, b, a]);
  });

  it.each([
    ["an unknown product", (p: FakeProduct) => ({ id: "gid://shopify/Product/1", moves: [{ id: p.media[0].id, newPosition: "1" }] }), "PRODUCT_DOES_NOT_EXIST"],
    ["media of another product", (p: FakeProduct, other: FakeProduct) => ({ id: p.id, moves: [{ id: other.media[0].id, newPosition: "0" }] }), "MEDIA_DOES_NOT_EXIST_ON_PRODUCT"],
    ["an unknown media id", (p: FakeProduct) => ({ id: p.id, moves: [{ id: "gid://shopify/MediaImage/1", newPosition: "0" }] }), "MEDIA_DOES_NOT_EXIST"],
    ["no moves", (p: FakeProduct) => ({ id: p.id, moves: [] }), "BLANK"],
  ])("GIVEN %s THEN mediaUserErrors name it, no job is created and nothing moves", async (_case, build, code) => {
    const domain = addIsolatedShop();
    const [product, other] = api.getShop(domain).products.filter((candidate) => candidate.media.length > 0);
    const before = mediaOf(domain, product.id);

    const response = await query<Payload>(domain, REORDER, build(product, other));

    expect(response.body.data!.productReorderMedia).toMatchObject({ job: null, mediaUserErrors: [{ code }] });
    expect(api.getShop(domain).jobs).toEqual([]);
    expect(mediaOf(domain, product.id)).toEqual(before);
  });

  it("GIVEN a reorder job still running on the product WHEN another is asked THEN MEDIA_CANNOT_BE_MODIFIED", async () => {
    const domain = addIsolatedShop({ jobDurationMs: 60_000 });
    const product = productWithMedia(domain);
    const move = { id: product.media[2].id, newPosition: "0" };
    await query<Payload>(domain, REORDER, { id: product.id, moves: [move] });

    const second = await query<Payload>(domain, REORDER, { id: product.id, moves: [move] });

    expect(second.body.data!.productReorderMedia).toMatchObject({ job: null, mediaUserErrors: [{ code: "MEDIA_CANNOT_BE_MODIFIED" }] });
  });

  it("GIVEN only read_products is granted THEN ACCESS_DENIED names write_products", async () => {
    const domain = addIsolatedShop({ grantedScopes: ["read_products", "write_pixels", "read_customer_events"] });
    const product = productWithMedia(domain);

    const response = await query<Payload>(domain, REORDER, { id: product.id, moves: [{ id: product.media[1].id, newPosition: "0" }] });

    expect(errorsOf(response)[0]).toMatchObject({ extensions: { code: "ACCESS_DENIED" } });
    expect(errorsOf(response)[0].message).toContain("`write_products`");
  });
});
