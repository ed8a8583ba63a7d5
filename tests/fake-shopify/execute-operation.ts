// Runs a validated operation against the client schema. The schema has no resolvers of its own, so
// every field goes through `resolveField`: the fake's resolver for that type and field, or a plain
// property of a value the fake built. Anything else is reported as unsupported by the fake rather than
// silently answered with null, so a test shows which field the fake still lacks.
import {
  defaultFieldResolver,
  execute,
  GraphQLError,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from "graphql";
import { appDataResolvers } from "./app-data-resolvers";
import { bulkResolvers } from "./bulk-operations";
import { catalogResolvers } from "./catalog-resolvers";
import type { RequestContext, TypeResolvers } from "./request-context";

const RESOLVERS: Readonly<Record<string, TypeResolvers>> = {
  ...catalogResolvers,
  ...appDataResolvers,
  ...bulkResolvers,
  QueryRoot: { ...catalogResolvers.QueryRoot, ...appDataResolvers.QueryRoot, ...bulkResolvers.QueryRoot },
  Mutation: { ...catalogResolvers.Mutation, ...appDataResolvers.Mutation, ...bulkResolvers.Mutation },
};

function resolveField(source: unknown, args: Record<string, unknown>, context: RequestContext, info: GraphQLResolveInfo): unknown {
  const typeResolvers = RESOLVERS[info.parentType.name];
  const resolver = typeResolvers?.[info.fieldName];
  if (resolver) return resolver(source as never, args as never, context, info);
  if (!typeResolvers && typeof source === "object" && source !== null && Object.hasOwn(source, info.fieldName)) {
    return defaultFieldResolver(source, args, context, info);
  }
  const field = `${info.parentType.name}.${info.fieldName}`;
  throw new GraphQLError(`fake-shopify does not implement ${field}; add it under tests/fake-shopify if the app needs it.`, {
    extensions: { code: "FAKE_NOT_IMPLEMENTED" },
  });
}

/** Runs a validated operation synchronously (every fake resolver is synchronous): the bulk query runner. */
export function executeSync(schema: GraphQLSchema, document: DocumentNode, context: RequestContext): ExecutionResult {
  const result = execute({ schema, document, contextValue: context, fieldResolver: resolveField });
  if (result instanceof Promise) throw new Error("fake-shopify: a bulk query resolved asynchronously");
  return result;
}

export async function executeOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown>,
  context: RequestContext,
): Promise<ExecutionResult> {
  return execute({ schema, document, operationName, variableValues: variables, contextValue: context, fieldResolver: resolveField });
}
