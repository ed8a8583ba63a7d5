// A completed bulk query's JSONL, as Shopify writes it: one line per node of the query's connections;
// a nested connection's nodes leave their parent and follow it as their own lines with `__parentId`
// (groupObjects: a parent's children come right after it, depth first). Connections are read whole.
import { parse } from "graphql";
import { readUnpaged } from "./connection";
import { executeSync } from "./execute-operation";
import { loadAdminSchema } from "./admin-schema";
import { createRequestContext } from "./request-context";
import type { FakeBulkOperation, ShopState } from "./shop-state";

type Json = Record<string, unknown>;

function connectionNodes(value: unknown): Json[] | null {
  if (typeof value !== "object" || value === null) return null;
  const connection = value as { edges?: { node: Json }[]; nodes?: Json[] };
  if (Array.isArray(connection.edges)) return connection.edges.map((edge) => edge.node);
  if (Array.isArray(connection.nodes)) return connection.nodes;
  return null;
}

function writeNode(node: Json, parentId: string | null, lines: string[]): void {
  const own: Json = {};
  const children: Json[][] = [];
  for (const [key, value] of Object.entries(node)) {
    const nodes = connectionNodes(value);
    if (nodes) children.push(nodes);
    else own[key] = value;
  }
  lines.push(JSON.stringify(parentId ? { ...own, __parentId: parentId } : own));
  for (const nodes of children) for (const child of nodes) writeNode(child, String(node.id), lines);
}

export function buildBulkResult(shop: ShopState, origin: string, query: string): NonNullable<FakeBulkOperation["result"]> {
  const result = readUnpaged(() => executeSync(loadAdminSchema(), parse(query), createRequestContext(shop, origin)));
  if (result.errors?.length) throw new Error(`fake-shopify: bulk query failed: ${result.errors[0].message}`);
  const lines: string[] = [];
  let roots = 0;
  for (const value of Object.values(result.data ?? {})) {
    for (const node of connectionNodes(value) ?? []) {
      roots++;
      writeNode(node, null, lines);
    }
  }
  return { jsonl: lines.map((line) => `${line}\n`).join(""), objectCount: lines.length, rootObjectCount: roots };
}

/** Builds the results of the shop's operations that have completed since the last look. */
export function buildCompletedBulkResults(shop: ShopState, origin: string): void {
  for (const operation of shop.bulkOperations) {
    if (operation.status === "COMPLETED" && !operation.result) operation.result = buildBulkResult(shop, origin, operation.query);
  }
}
