import { describe, expect, it } from "vitest";
import { numericIdOf, paginate } from "./connection";

describe("connection", () => {
  it.each([
    ["gid://shopify/Product/123", 123],
    ["gid://shopify/ProductVariant/45000000000001", 45000000000001],
    ["gid://shopify/Product/12345678901234567", Number("12345678901234567")],
    ["gid://shopify/Product/", 0],
    ["gid://shopify/Product/1a", Number.NaN],
    ["42", 42],
  ])("GIVEN %s THEN numericIdOf is what Number() of its tail gives (%d)", (gid, expected) => {
    expect(numericIdOf(gid)).toBe(expected);
  });

  it("GIVEN cursors THEN pages continue after `after` and stop before `before`, forwards and in reverse", () => {
    const records = [5, 1, 4, 2, 3, 6];
    const key = (id: number) => ({ value: id, id });
    const ids = (page: { nodes: number[] }) => page.nodes;

    const first = paginate(records, { first: 2 }, key, (id) => id);
    const second = paginate(records, { first: 2, after: first.pageInfo.endCursor }, key, (id) => id);
    const window = paginate(records, { first: 10, after: first.pageInfo.endCursor, before: paginate(records, { first: 5 }, key, (id) => id).pageInfo.endCursor }, key, (id) => id);
    const reversed = paginate(records, { first: 2, after: paginate(records, { first: 2, reverse: true }, key, (id) => id).pageInfo.endCursor, reverse: true }, key, (id) => id);

    expect([ids(first), ids(second), ids(window), ids(reversed)]).toEqual([[1, 2], [3, 4], [3, 4], [4, 3]]);
    expect(paginate(records, { first: 2, after: paginate(records, { first: 6 }, key, (id) => id).pageInfo.endCursor }, key, (id) => id).nodes).toEqual([]);
  });
});
