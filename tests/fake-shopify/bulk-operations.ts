// Bulk operations (bulkOperationRunQuery) as Shopify runs them: asynchronous (CREATED → RUNNING →
// COMPLETED or FAILED after the shop's bulkDurationMs), one running bulk query per app and shop (a
// second is refused with OPERATION_IN_PROGRESS), the result a JSONL file at `url` built when the
// operation completes (bulk-result.ts). Tests make the next operations fail by pushing error codes
// onto the shop's `bulkFailures`.
import type { GraphQLResolveInfo } from "graphql";
import { loadAdminSchema, validateOperation } from "./admin-schema";
import { assertGlobalId, requireScopes, type RequestContext, type TypeResolvers } from "./request-context";
import { allocateGid, type FakeBulkOperation } from "./shop-state";

const READ_PRODUCTS = ["read_products"];

const refused = (message: string, code: string, field: string[] | null = null) => ({ bulkOperation: null, userErrors: [{ field, message, code }] });

export const bulkResultPath = (domain: string, operation: FakeBulkOperation) => `/bulk/${encodeURIComponent(domain)}/${operation.id.split("/").pop()}.jsonl`;

const bulkOperationFields: TypeResolvers<FakeBulkOperation> = {
  id: (operation) => operation.id,
  status: (operation) => operation.status,
  errorCode: (operation) => operation.errorCode,
  query: (operation) => operation.query,
  type: () => "QUERY",
  createdAt: (operation) => operation.createdAt,
  completedAt: (operation) => operation.completedAt,
  objectCount: (operation) => String(operation.result?.objectCount ?? 0),
  rootObjectCount: (operation) => String(operation.result?.rootObjectCount ?? 0),
  fileSize: (operation) => (operation.result ? String(Buffer.byteLength(operation.result.jsonl)) : null),
  url: (operation, _args: unknown, context: RequestContext) =>
    operation.status === "COMPLETED" && operation.result ? `${context.origin}${bulkResultPath(context.shop.domain, operation)}` : null,
  partialDataUrl: () => null,
};

export const bulkResolvers = {
  QueryRoot: {
    bulkOperation: (_root: unknown, args: { id: string }, context: RequestContext) => {
      assertGlobalId(args.id);
      return context.shop.bulkOperations.find((operation) => operation.id === args.id) ?? null;
    },
    currentBulkOperation: (_root: unknown, args: { type?: string | null }, context: RequestContext) =>
      (args.type ?? "QUERY") === "QUERY" ? (context.shop.bulkOperations.at(-1) ?? null) : null,
  } satisfies TypeResolvers,
  Mutation: {
    bulkOperationRunQuery: (_root: unknown, args: { query: string; groupObjects: boolean }, context: RequestContext, info: GraphQLResolveInfo) => {
      requireScopes(context, info, READ_PRODUCTS);
      const { shop } = context;
      const running = shop.bulkOperations.find((operation) => operation.status === "CREATED" || operation.status === "RUNNING");
      if (running) return refused(`A bulk query operation for this app and shop is already in progress: ${running.id}.`, "OPERATION_IN_PROGRESS");
      const errors = validateOperation(loadAdminSchema(), args.query);
      if (errors.length > 0) return refused(`Invalid bulk query: ${errors[0].message}`, "INVALID", ["query"]);
      const operation: FakeBulkOperation = {
        id: allocateGid(shop, "BulkOperation"),
        query: args.query,
        status: "CREATED",
        errorCode: null,
        createdAt: new Date().toISOString(),
        completedAt: null,
        runsUntil: Date.now() + shop.bulkDurationMs,
        failWith: shop.bulkFailures.shift() ?? null,
        result: null,
      };
      shop.bulkOperations.push(operation);
      return { bulkOperation: operation, userErrors: [] };
    },
  } satisfies TypeResolvers,
  BulkOperation: bulkOperationFields,
};

