import { getVariableValues, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { loadAdminSchema, validateOperation } from "./admin-schema";
import { CostBucket, estimateRequestedCost, findOperation, SHOPIFY_COST_LIMITS } from "./query-cost";

describe("estimateRequestedCost", () => {
  const schema = loadAdminSchema();

  it.each<[string, string, Record<string, unknown>, number]>([
    ["a single object", "{ shop { name ianaTimezone } }", {}, 1],
    ["a connection read through nodes", "{ products(first: 10) { nodes { id title } } }", {}, 2 + 10],
    ["a connection read through edges and pageInfo", "{ products(first: 10) { edges { cursor node { id } } pageInfo { hasNextPage } } }", {}, 2 + 10],
    ["nested connections", "{ products(first: 5) { nodes { id variants(first: 4) { nodes { id } } } } }", {}, 2 + 5 * (1 + 2 + 4)],
    ["a page size given as a variable", "query ($n: Int) { products(first: $n) { nodes { id } } }", { n: 50 }, 2 + 50],
    [
      "fragments on alternative types (the costliest counts)",
      '{ product(id: "gid://shopify/Product/1") { featuredMedia { ... on MediaImage { image { url } } ... on Video { id } } } }',
      {},
      1 + 1 + 1,
    ],
    ["a mutation", 'mutation { webPixelCreate(webPixel: { settings: "{}" }) { userErrors { code } } }', {}, 10],
  ])("GIVEN %s WHEN estimating THEN the cost follows Shopify's rules", (_case, source, variables, expected) => {
    expect(validateOperation(schema, source)).toEqual([]);
    const document = parse(source);
    const operation = findOperation(document)!;
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
    expect(estimateRequestedCost(schema, document, operation, coerced.coerced ?? {})).toBe(expected);
  });
});

describe("CostBucket", () => {
  it("GIVEN a drained bucket WHEN time passes THEN it refills at restoreRate up to the maximum", () => {
    let now = 0;
    const bucket = new CostBucket(SHOPIFY_COST_LIMITS, () => now);
    bucket.spend(500);
    expect(bucket.status().currentlyAvailable).toBe(1500);
    now += 2000;
    expect(bucket.status().currentlyAvailable).toBe(1700);
    now += 60_000;
    expect(bucket.status()).toEqual({ maximumAvailable: 2000, currentlyAvailable: 2000, restoreRate: 100 });
  });
});
