// A bare Admin API call for tests that talk to the fake directly, without the app's client in between.

export interface AdminGraphqlResponse<Data = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: {
    data?: Data | null;
    errors?: unknown;
    extensions?: {
      cost?: {
        requestedQueryCost: number;
        actualQueryCost: number | null;
        throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
      };
      search?: unknown;
    };
  };
}

export async function postAdminGraphql<Data = Record<string, unknown>>(
  url: string,
  accessToken: string | null,
  query: string,
  variables?: Record<string, unknown>,
): Promise<AdminGraphqlResponse<Data>> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(accessToken === null ? {} : { "X-Shopify-Access-Token": accessToken }) },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as AdminGraphqlResponse<Data>["body"]) : {} };
}
