// The one way the app talks to a shop's Admin GraphQL API. Wraps @shopify/admin-api-client with the
// retry policy the library lacks: Shopify signals rate limiting with HTTP 200 + THROTTLED, which the
// library returns as an ordinary error, and 429/5xx/network failures are retried with jittered backoff.
import { createAdminApiClient } from "@shopify/admin-api-client";
import { ADMIN_API_VERSION } from "./admin-api-version";
import type { AdminOperation } from "./admin-operations";

export interface AdminSession {
  shop: string;
  accessToken: string;
}

export interface AdminClientOptions {
  /** Send requests to `${origin}/{shop}/admin/api/...` instead of `https://{shop}` (local fake API). */
  origin?: string;
  maxTries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export type AdminApiErrorCode = "THROTTLED" | "HTTP_ERROR" | "NETWORK" | "GRAPHQL_ERROR" | "ACCESS_DENIED";

export interface GraphQLErrorDetail {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

export class AdminApiError extends Error {
  constructor(
    message: string,
    readonly code: AdminApiErrorCode,
    readonly details: { shop: string; operation: string; status?: number; tries: number; graphQLErrors?: GraphQLErrorDetail[] },
  ) {
    super(message);
    this.name = "AdminApiError";
  }
}

type TDataOf<T> = T extends AdminOperation<infer TData, unknown> ? TData : never;

export interface AdminClient {
  readonly shop: string;
  request<TData, TVariables>(operation: AdminOperation<TData, TVariables>, variables?: TVariables): Promise<TData>;
}

interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

interface CostExtension {
  requestedQueryCost?: number;
  throttleStatus?: ThrottleStatus;
}

type Attempt<TData> =
  | { kind: "ok"; data: TData }
  | { kind: "retry"; error: AdminApiError; waitMs?: number }
  | { kind: "fail"; error: AdminApiError };

const RETRYABLE_STATUS = (status: number) => status === 429 || status >= 500;

export function createAdminClient(session: AdminSession, options: AdminClientOptions = {}): AdminClient {
  const { maxTries = 5, baseDelayMs = 500, maxDelayMs = 10_000 } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const origin = options.origin?.replace(/\/$/, "");

  const client = createAdminApiClient({
    storeDomain: session.shop,
    apiVersion: ADMIN_API_VERSION,
    accessToken: session.accessToken,
    retries: 0,
    logger: () => {},
    customFetchApi: origin
      ? (url, init) => {
          const target = new URL(String(url));
          return fetch(`${origin}/${target.host}${target.pathname}${target.search}`, init);
        }
      : undefined,
  });

  function backoff(attempt: number): number {
    return Math.round(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)));
  }

  async function attemptOnce<TData>(source: string, variables: unknown, name: string, tries: number): Promise<Attempt<TData>> {
    const details = { shop: session.shop, operation: name, tries };
    const result = await client.request<TData>(source, { variables: variables as Record<string, unknown> | undefined });
    const errors = result.errors;
    const graphQLErrors = (errors?.graphQLErrors ?? []) as GraphQLErrorDetail[];
    if (errors?.networkStatusCode !== undefined && errors.networkStatusCode !== 200) {
      const status = errors.networkStatusCode;
      const error = new AdminApiError(`${name}: Admin API answered HTTP ${status}`, "HTTP_ERROR", { ...details, status });
      if (!RETRYABLE_STATUS(status)) return { kind: "fail", error };
      const retryAfter = Number(errors.response?.headers.get("Retry-After"));
      return { kind: "retry", error, waitMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined };
    }
    if (errors && graphQLErrors.length === 0 && errors.networkStatusCode === undefined) {
      return { kind: "retry", error: new AdminApiError(`${name}: ${errors.message ?? "network error"}`, "NETWORK", details) };
    }
    if (graphQLErrors.some((error) => error.extensions?.code === "THROTTLED")) {
      const cost = (result.extensions as { cost?: CostExtension } | undefined)?.cost;
      const error = new AdminApiError(`${name}: throttled by Shopify`, "THROTTLED", { ...details, graphQLErrors });
      return { kind: "retry", error, waitMs: waitForRestore(cost) };
    }
    if (graphQLErrors.length > 0) {
      const code = graphQLErrors.some((error) => error.extensions?.code === "ACCESS_DENIED") ? "ACCESS_DENIED" : "GRAPHQL_ERROR";
      const message = graphQLErrors.map((error) => error.message).join("; ");
      return { kind: "fail", error: new AdminApiError(`${name}: ${message}`, code, { ...details, graphQLErrors }) };
    }
    if (result.data === undefined) {
      return { kind: "fail", error: new AdminApiError(`${name}: response had no data`, "GRAPHQL_ERROR", details) };
    }
    return { kind: "ok", data: result.data };
  }

  return {
    shop: session.shop,
    async request(operation, variables) {
      for (let tries = 1; ; tries++) {
        const attempt = await attemptOnce<TDataOf<typeof operation>>(operation.source, variables, operation.name, tries);
        if (attempt.kind === "ok") return attempt.data;
        if (attempt.kind === "fail" || tries >= maxTries) throw attempt.error;
        const jitter = backoff(tries);
        await sleep(Math.min(maxDelayMs, (attempt.waitMs ?? 0) + jitter));
      }
    },
  };
}

/** Seconds until the leaky bucket holds the query's cost again, from Shopify's cost extension. */
function waitForRestore(cost: CostExtension | undefined): number | undefined {
  const status = cost?.throttleStatus;
  if (!status || !cost?.requestedQueryCost || status.restoreRate <= 0) return undefined;
  const deficit = Math.max(0, cost.requestedQueryCost - status.currentlyAvailable);
  return Math.ceil((deficit / status.restoreRate) * 1000);
}
