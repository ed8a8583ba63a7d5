// One authenticated GraphQL request, from its JSON body to Shopify's answer: validation against the
// real schema, variable coercion, the query-cost gate and throttle, execution, `extensions.cost`.
import {
  getVariableValues,
  type DocumentNode,
  type GraphQLError,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { parseOperation, type ParsedOperation } from "./admin-schema";
import { executeOperation } from "./execute-operation";
import {
  countReturnedObjects,
  estimateRequestedCost,
  findOperation,
  type CostLimits,
  type ThrottleStatus,
} from "./query-cost";
import { createRequestContext } from "./request-context";
import type { ShopState } from "./shop-state";

export interface GraphqlRequestBody {
  query: string;
  variables: Record<string, unknown>;
  operationName: string | null;
}

export interface RejectionReason {
  message: string;
  code: string;
}

export interface GraphqlAnswer {
  status: number;
  body: unknown;
  /** Set when the app sent something Shopify refuses outright (invalid query or variables, too costly). */
  rejection: RejectionReason[] | null;
}

export interface DescribedRequest {
  body: GraphqlRequestBody;
  parsed: ParsedOperation;
  /** As given, else the name of the document's only operation: what a log or a test wants to see. */
  operationName: string | null;
}

const RATE_LIMITS_DOC = "https://shopify.dev/api/usage/rate-limits";

export function parseRequestBody(raw: string): GraphqlRequestBody | null {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return null;
  }
  if (json === null || typeof json !== "object") return null;
  const { query, variables, operationName } = json as Record<string, unknown>;
  if (typeof query !== "string" || query.trim() === "") return null;
  if (variables != null && (typeof variables !== "object" || Array.isArray(variables))) return null;
  return {
    query,
    variables: (variables ?? {}) as Record<string, unknown>,
    operationName: typeof operationName === "string" && operationName !== "" ? operationName : null,
  };
}

export function describeRequest(schema: GraphQLSchema, body: GraphqlRequestBody): DescribedRequest {
  const parsed = parseOperation(schema, body.query);
  const operationName = body.operationName ?? (parsed.document ? (findOperation(parsed.document)?.name?.value ?? null) : null);
  return { body, parsed, operationName };
}

function costExtension(requestedQueryCost: number, actualQueryCost: number | null, throttleStatus: ThrottleStatus) {
  return { cost: { requestedQueryCost, actualQueryCost, throttleStatus } };
}

/** Shopify's answer when the bucket cannot pay for the query: HTTP 200, no data. */
export function throttledBody(requestedQueryCost: number, throttleStatus: ThrottleStatus) {
  return {
    errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: RATE_LIMITS_DOC } }],
    extensions: costExtension(requestedQueryCost, null, throttleStatus),
  };
}

function rejected(errors: readonly GraphQLError[], code: string): GraphqlAnswer {
  const body = { errors: errors.map((error) => ({ ...error.toJSON(), extensions: { ...error.extensions, code } })) };
  return { status: 200, body, rejection: errors.map((error) => ({ message: error.message, code })) };
}

type PlannedOperation =
  | { answer: GraphqlAnswer; requestedCost?: undefined }
  | { answer?: undefined; requestedCost: number; document: DocumentNode; operation: OperationDefinitionNode };

function planOperation(schema: GraphQLSchema, request: DescribedRequest): PlannedOperation {
  const { parsed, body } = request;
  if (!parsed.document) return { answer: rejected(parsed.errors, "GRAPHQL_VALIDATION_FAILED") };
  const operation = findOperation(parsed.document, body.operationName);
  if (!operation) {
    const message = body.operationName
      ? `Unknown operation named "${body.operationName}".`
      : "Must provide operation name if query contains multiple operations.";
    return { answer: { status: 200, body: { errors: [{ message }] }, rejection: [{ message, code: "OPERATION_NOT_FOUND" }] } };
  }
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], body.variables);
  if (coerced.errors) return { answer: rejected(coerced.errors, "INVALID_VARIABLE") };
  const requestedCost = estimateRequestedCost(schema, parsed.document, operation, coerced.coerced);
  return { requestedCost, document: parsed.document, operation };
}

/** The cost a THROTTLED answer reports; an unparsable request costs nothing. */
export function requestedCostOf(schema: GraphQLSchema, request: DescribedRequest): number {
  return planOperation(schema, request).requestedCost ?? 0;
}

export async function answerGraphqlRequest(
  schema: GraphQLSchema,
  shop: ShopState,
  origin: string,
  request: DescribedRequest,
  limits: CostLimits,
): Promise<GraphqlAnswer> {
  const plan = planOperation(schema, request);
  if (plan.answer) return plan.answer;
  const { requestedCost, document, operation } = plan;
  const bucket = shop.costBucket;

  if (requestedCost > limits.singleQueryMaxCost) {
    const message = `Query cost is ${requestedCost}, which exceeds the single query max cost limit (${limits.singleQueryMaxCost}).`;
    const body = {
      errors: [
        {
          message,
          extensions: { code: "MAX_COST_EXCEEDED", cost: requestedCost, maxCost: limits.singleQueryMaxCost, documentation: RATE_LIMITS_DOC },
        },
      ],
      extensions: costExtension(requestedCost, null, bucket.status()),
    };
    return { status: 200, body, rejection: [{ message, code: "MAX_COST_EXCEEDED" }] };
  }
  const available = bucket.currentlyAvailable();
  if (requestedCost > available) return { status: 200, body: throttledBody(requestedCost, bucket.status(available)), rejection: null };

  const context = createRequestContext(shop, origin);
  const result = await executeOperation(schema, document, operation.name?.value, request.body.variables, context);
  // Shopify refunds what a query did not use; a mutation always costs what it announced.
  const actualCost = operation.operation === "mutation" ? requestedCost : Math.min(requestedCost, countReturnedObjects(result.data));
  bucket.spend(actualCost);
  const body = {
    ...(result.errors ? { errors: result.errors.map((error) => error.toJSON()) } : {}),
    data: result.data ?? null,
    extensions: {
      ...costExtension(requestedCost, actualCost, bucket.status()),
      ...(context.searchReports.length > 0 ? { search: context.searchReports } : {}),
    },
  };
  return { status: 200, body, rejection: null };
}
