// A fake Shopify Admin GraphQL API on loopback for tests and local demo runs.
//
//   POST {origin}/{shopDomain}/admin/api/{version}/graphql.json   the Admin API (X-Shopify-Access-Token)
//   GET|HEAD {origin}/cdn/{shopDomain}/files/{name}.png?v=1       the product images it advertises
//   GET      {origin}/bulk/{shopDomain}/{n}.jsonl                  a completed bulk operation's result
//   POST {origin}/__fake/failures   body: FailureInjection        misbehave on demand
//   POST {origin}/__fake/reset                                    shops back to their seeds, logs cleared
//   GET  {origin}/__fake/requests                                 what the app sent
//   GET  {origin}/__fake/shops/{shopDomain}                       what the app wrote (pixel, metafields)
import http from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { DEFAULT_ADMIN_API_VERSION, loadAdminSchema } from "./admin-schema";
import { bulkResultPath } from "./bulk-operations";
import { buildCompletedBulkResults } from "./bulk-result";
import type { FakeImage, FakeProduct, FakeShopSeed } from "./catalog";
import { FailureQueue, failureInjectionSchema, type FailureInjection, type FailureKind, type InjectedFailure } from "./failures";
import {
  answerGraphqlRequest,
  describeRequest,
  parseRequestBody,
  requestedCostOf,
  throttledBody,
  type DescribedRequest,
  type RejectionReason,
} from "./graphql-endpoint";
import { encodeLabelledPng } from "./png";
import { SHOPIFY_COST_LIMITS, type CostLimits } from "./query-cost";
import { createShopState, runDueJobs, type ShopState } from "./shop-state";

export const SUPPORTED_API_VERSIONS: readonly string[] = [DEFAULT_ADMIN_API_VERSION, "2026-07"];

/** Shopify's own 401 body for a bad or missing access token. */
export const INVALID_TOKEN_BODY = { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" };

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface FakeAdminApiOptions {
  /** Default 0: any free port. */
  port?: number;
  shops?: FakeShopSeed[];
  /** Default SHOPIFY_COST_LIMITS (2000 points, 100/s, 1000 per query). */
  costLimits?: Partial<CostLimits>;
}

export interface RecordedRequest {
  shop: string;
  version: string;
  operationName: string | null;
  query: string | null;
  variables: Record<string, unknown> | null;
  /** HTTP status answered; 0 when the socket was destroyed (`network` failure). */
  status: number;
  failure: FailureKind | null;
}

export interface RejectedQuery {
  shop: string;
  version: string;
  operationName: string | null;
  query: string;
  variables: Record<string, unknown>;
  errors: RejectionReason[];
}

export interface RecordedImageRequest {
  shop: string;
  fileName: string;
  method: string;
  status: number;
  failure: FailureKind | null;
}

export interface FakeAdminApi {
  /** e.g. "http://127.0.0.1:51234"; the app rewrites `https://{shop}/…` to `${origin}/{shop}/…`. */
  readonly origin: string;
  readonly requests: readonly RecordedRequest[];
  /** Requests Shopify would refuse outright; a healthy app run leaves this empty. */
  readonly rejectedQueries: readonly RejectedQuery[];
  readonly imageRequests: readonly RecordedImageRequest[];
  graphqlUrl(shopDomain: string, version?: string): string;
  addShop(seed: FakeShopSeed): ShopState;
  /** The live, mutable state; throws for an unknown shop. */
  getShop(shopDomain: string): ShopState;
  injectFailures(injection: FailureInjection): void;
  reset(): void;
  close(): Promise<void>;
}

type Responder = http.ServerResponse;

function sendJson(res: Responder, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(payload), ...headers });
  res.end(payload);
}

async function readBody(req: http.IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

interface ImageEntry {
  image: FakeImage;
  product: FakeProduct;
  position: number;
}

// Images by file name per shop: an export asks for tens of thousands of them, and scanning a large
// catalog for each made the fake the bottleneck. A test may edit products in place between requests,
// so a hit is checked against the live catalog and a miss or stale hit rebuilds the index once.
const imageIndexes = new WeakMap<ShopState, Map<string, ImageEntry>>();

function indexImages(shop: ShopState): Map<string, ImageEntry> {
  const index = new Map<string, ImageEntry>();
  shop.products.forEach((product, position) => {
    for (const image of product.media) if (!index.has(image.fileName)) index.set(image.fileName, { image, product, position });
  });
  imageIndexes.set(shop, index);
  return index;
}

function findImage(shop: ShopState, fileName: string): FakeImage | undefined {
  const isCurrent = (entry: ImageEntry | undefined): entry is ImageEntry =>
    entry !== undefined && shop.products[entry.position] === entry.product && entry.product.media.includes(entry.image) && entry.image.fileName === fileName;
  const cached = imageIndexes.get(shop)?.get(fileName);
  if (isCurrent(cached)) return cached.image;
  const rebuilt = indexImages(shop).get(fileName);
  return isCurrent(rebuilt) ? rebuilt.image : undefined;
}

export async function startFakeAdminApi(options: FakeAdminApiOptions = {}): Promise<FakeAdminApi> {
  const limits: CostLimits = { ...SHOPIFY_COST_LIMITS, ...options.costLimits };
  const seeds = new Map<string, FakeShopSeed>();
  const shops = new Map<string, ShopState>();
  const failures = new FailureQueue();
  const requests: RecordedRequest[] = [];
  const rejectedQueries: RejectedQuery[] = [];
  const imageRequests: RecordedImageRequest[] = [];
  const pngCache = new Map<string, Buffer>();
  const shutdown = new AbortController();
  let origin = "";

  // Warm the default schema now rather than in the first request of a test.
  loadAdminSchema(DEFAULT_ADMIN_API_VERSION);

  const addShop = (seed: FakeShopSeed): ShopState => {
    if (seeds.has(seed.domain)) throw new Error(`fake-shopify: shop ${seed.domain} already exists`);
    seeds.set(seed.domain, structuredClone(seed));
    const state = createShopState(seed, seeds.size, limits);
    shops.set(seed.domain, state);
    return state;
  };

  const reset = (): void => {
    failures.clear();
    requests.length = 0;
    rejectedQueries.length = 0;
    imageRequests.length = 0;
    [...seeds.values()].forEach((seed, index) => shops.set(seed.domain, createShopState(seed, index + 1, limits)));
  };

  /** Answers with the failure, or returns false when the request should then proceed (`slow`). */
  async function answerWithFailure(req: http.IncomingMessage, res: Responder, failure: InjectedFailure, throttled: () => unknown): Promise<boolean> {
    switch (failure.kind) {
      case "network":
        req.socket.destroy();
        return true;
      case "slow":
        await delay(failure.delayMs, undefined, { signal: shutdown.signal });
        return false;
      case "http500":
        sendJson(res, 500, { errors: "Internal Server Error" });
        return true;
      case "http503":
        sendJson(res, 503, { errors: "Service Unavailable" });
        return true;
      case "http429":
        sendJson(
          res,
          429,
          { errors: "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service." },
          { "Retry-After": String(failure.retryAfterSeconds) },
        );
        return true;
      case "throttled":
        sendJson(res, 200, throttled());
        return true;
    }
  }

  async function handleGraphql(req: http.IncomingMessage, res: Responder, domain: string, version: string): Promise<void> {
    const shop = shops.get(domain);
    if (req.method !== "POST") return sendJson(res, 405, { errors: "Method Not Allowed" }, { Allow: "POST" });
    if (!shop || !SUPPORTED_API_VERSIONS.includes(version)) return sendJson(res, 404, { errors: "Not Found" });
    const raw = await readBody(req);
    if (raw === null) return sendJson(res, 413, { errors: "Request Entity Too Large" });
    const schema = loadAdminSchema(version);
    const body = parseRequestBody(raw);
    const described: DescribedRequest | null = body ? describeRequest(schema, body) : null;
    const record = (status: number, failure: FailureKind | null = null): void => {
      requests.push({
        shop: domain,
        version,
        operationName: described?.operationName ?? null,
        query: body?.query ?? null,
        variables: body?.variables ?? null,
        status,
        failure,
      });
    };

    const failure = failures.take(domain, "graphql");
    if (failure) {
      const throttled = () =>
        throttledBody(described ? requestedCostOf(schema, described) : 0, { ...shop.costBucket.status(), currentlyAvailable: 0 });
      if (await answerWithFailure(req, res, failure, throttled)) return record(failure.kind === "network" ? 0 : res.statusCode, failure.kind);
    }
    const failureKind = failure?.kind ?? null;
    if (req.headers["x-shopify-access-token"] !== shop.accessToken) {
      sendJson(res, 401, INVALID_TOKEN_BODY);
      return record(401, failureKind);
    }
    if (!described) {
      sendJson(res, 400, { errors: { query: "Required parameter missing or invalid" } });
      return record(400, failureKind);
    }
    runDueJobs(shop);
    buildCompletedBulkResults(shop, origin);
    const answer = await answerGraphqlRequest(schema, shop, origin, described, limits);
    if (answer.rejection) {
      const { operationName } = described;
      const { query, variables } = described.body;
      rejectedQueries.push({ shop: domain, version, operationName, query, variables, errors: answer.rejection });
    }
    sendJson(res, answer.status, answer.body);
    record(answer.status, failureKind);
  }

  async function handleImage(req: http.IncomingMessage, res: Responder, domain: string, fileName: string): Promise<void> {
    const record = (status: number, failure: FailureKind | null = null): void => {
      imageRequests.push({ shop: domain, fileName, method: req.method ?? "", status, failure });
    };
    if (req.method !== "GET" && req.method !== "HEAD") {
      sendJson(res, 405, { errors: "Method Not Allowed" }, { Allow: "GET, HEAD" });
      return record(405);
    }
    const shop = shops.get(domain);
    const failure = shop ? failures.take(domain, "images") : undefined;
    if (failure && (await answerWithFailure(req, res, failure, () => null))) {
      return record(failure.kind === "network" ? 0 : res.statusCode, failure.kind);
    }
    const image = shop && findImage(shop, fileName);
    if (!image) {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("Not Found");
      return record(404, failure?.kind ?? null);
    }
    const cacheKey = `${domain}/${fileName}/${image.width}x${image.height}`;
    let png = pngCache.get(cacheKey);
    if (!png) {
      png = encodeLabelledPng(`${domain}/${fileName}`, image.width, image.height);
      pngCache.set(cacheKey, png);
    }
    res.writeHead(200, { "Content-Type": "image/png", "Content-Length": png.length, "Cache-Control": "public, max-age=31536000" });
    res.end(req.method === "HEAD" ? undefined : png);
    record(200, failure?.kind ?? null);
  }

  // A completed bulk operation's JSONL (on Shopify a signed storage URL: no access token needed).
  function handleBulkResult(req: http.IncomingMessage, res: Responder, domain: string, pathname: string): void {
    const shop = shops.get(domain);
    if (shop) {
      runDueJobs(shop);
      buildCompletedBulkResults(shop, origin);
    }
    const operation = shop?.bulkOperations.find((candidate) => candidate.result && bulkResultPath(domain, candidate) === pathname);
    if (req.method !== "GET" || !operation?.result) {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("Not Found");
      return;
    }
    res.writeHead(200, { "Content-Type": "application/jsonl", "Content-Length": Buffer.byteLength(operation.result.jsonl) });
    res.end(operation.result.jsonl);
  }

  async function handleControl(req: http.IncomingMessage, res: Responder, route: string): Promise<void> {
    if (req.method === "POST" && route === "failures") {
      const raw = await readBody(req);
      let json: unknown;
      try {
        json = JSON.parse(raw ?? "");
      } catch {
        return sendJson(res, 400, { error: "body must be JSON" });
      }
      const injection = failureInjectionSchema.safeParse(json);
      if (!injection.success) return sendJson(res, 400, { error: injection.error.issues });
      failures.add(injection.data);
      return sendJson(res, 200, { ok: true });
    }
    if (req.method === "POST" && route === "reset") {
      reset();
      return sendJson(res, 200, { ok: true });
    }
    if (req.method === "GET" && route === "requests") return sendJson(res, 200, { requests, rejectedQueries, imageRequests });
    const shopRoute = /^shops\/([^/]+)$/.exec(route);
    const shop = shopRoute && req.method === "GET" ? shops.get(decodeURIComponent(shopRoute[1])) : undefined;
    if (shop) {
      const { domain, grantedScopes, pixel, metafields, products } = shop;
      return sendJson(res, 200, { domain, grantedScopes, pixel, metafields, productCount: products.length });
    }
    sendJson(res, 404, { error: `no control route ${req.method} /__fake/${route}` });
  }

  async function route(req: http.IncomingMessage, res: Responder): Promise<void> {
    const { pathname } = new URL(req.url ?? "/", "http://fake.invalid");
    if (pathname.startsWith("/__fake/")) return handleControl(req, res, pathname.slice("/__fake/".length));
    const image = /^\/cdn\/([^/]+)\/files\/([^/]+)\.png$/.exec(pathname);
    if (image) return handleImage(req, res, decodeURIComponent(image[1]), decodeURIComponent(image[2]));
    const bulk = /^\/bulk\/([^/]+)\/\d+\.jsonl$/.exec(pathname);
    if (bulk) return handleBulkResult(req, res, decodeURIComponent(bulk[1]), pathname);
    const graphql = /^\/([^/]+)\/admin\/api\/([^/]+)\/graphql\.json$/.exec(pathname);
    if (graphql) return handleGraphql(req, res, decodeURIComponent(graphql[1]), graphql[2]);
    sendJson(res, 404, { errors: "Not Found" });
  }

  const server = http.createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      // After shutdown or a half-written answer the only honest thing left is to drop the connection.
      if (res.headersSent || shutdown.signal.aborted) {
        req.socket.destroy();
        return;
      }
      sendJson(res, 500, { errors: `fake-shopify internal error: ${error instanceof Error ? error.stack : String(error)}` });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const seed of options.shops ?? []) addShop(seed);

  return {
    origin,
    requests,
    rejectedQueries,
    imageRequests,
    graphqlUrl: (shopDomain, version = DEFAULT_ADMIN_API_VERSION) => `${origin}/${shopDomain}/admin/api/${version}/graphql.json`,
    addShop,
    getShop(shopDomain) {
      const shop = shops.get(shopDomain);
      if (!shop) throw new Error(`fake-shopify: no shop ${shopDomain}`);
      runDueJobs(shop);
      return shop;
    },
    injectFailures: (injection) => failures.add(injection),
    reset,
    async close() {
      shutdown.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
