// Test-only servers for the S3 driver: s3rver in a child process, and a proxy in front of it
// that records requests and can answer 500 to chosen ones, to prove retries and error surfacing.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import http, { type IncomingHttpHeaders } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import type { S3ObjectStoreConfig } from "../../app/services/storage/s3-object-store";

export interface S3TestServer {
  endpoint: string;
  /** Creates an empty bucket, so each test starts from nothing without a server restart. */
  createBucket(): Promise<S3ObjectStoreConfig>;
  close(): Promise<void>;
}

// s3rver's fixed credentials.
const CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

// s3rver encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 (Node >= 17) only
// offers through its legacy provider, so in a plain test worker every truncated listing is a
// 500. It therefore runs in its own Node process started with --openssl-legacy-provider.
const CHILD_SOURCE = `
const S3rver = require(process.env.S3RVER_MODULE);
const server = new S3rver({
  port: 0,
  address: "127.0.0.1",
  silent: true,
  directory: process.env.S3RVER_DIRECTORY,
});
server.run().then(
  ({ port }) => process.send({ port }),
  (error) => { console.error(error); process.exit(1); },
);
process.on("disconnect", () => server.close().finally(() => process.exit(0)));
`;

export async function startS3rver(): Promise<S3TestServer> {
  const directory = await mkdtemp(path.join(os.tmpdir(), "s3rver-"));
  const child = spawn(process.execPath, ["--openssl-legacy-provider", "-e", CHILD_SOURCE], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    env: {
      ...process.env,
      S3RVER_MODULE: createRequire(import.meta.url).resolve("s3rver"),
      S3RVER_DIRECTORY: directory,
    },
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once("message", (message) => resolve((message as { port: number }).port));
    child.once("exit", (code) => reject(new Error(`s3rver exited with code ${code} before listening`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const admin = new S3Client({ endpoint, region: "auto", forcePathStyle: true, credentials: CREDENTIALS });

  return {
    endpoint,
    async createBucket() {
      const bucket = `test-${randomBytes(6).toString("hex")}`;
      await admin.send(new CreateBucketCommand({ Bucket: bucket }));
      return { endpoint, bucket, ...CREDENTIALS };
    },
    async close() {
      admin.destroy();
      child.disconnect();
      await exited;
      await rm(directory, { recursive: true, force: true });
    },
  };
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** True when the proxy answered 500 instead of forwarding. */
  failed: boolean;
}

export interface FaultInjectingProxy {
  endpoint: string;
  requests: RecordedRequest[];
  /** Decides per request whether to answer 500 (InternalError) instead of forwarding. */
  setFailurePolicy(shouldFail: (request: RecordedRequest) => boolean): void;
  close(): Promise<void>;
}

const INTERNAL_ERROR_XML =
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  "<Error><Code>InternalError</Code><Message>Injected by the test proxy</Message></Error>";

export async function startFaultInjectingProxy(targetEndpoint: string): Promise<FaultInjectingProxy> {
  const target = new URL(targetEndpoint);
  const upstreamAgent = new http.Agent({ keepAlive: true });
  const requests: RecordedRequest[] = [];
  let shouldFail: (request: RecordedRequest) => boolean = () => false;

  const server = http.createServer((req, res) => {
    const record: RecordedRequest = {
      method: req.method ?? "GET",
      url: req.url ?? "/",
      headers: req.headers,
      failed: false,
    };
    requests.push(record);
    if (shouldFail(record)) {
      record.failed = true;
      // Drain the body first so the client is never cut off mid-upload: only the status fails.
      req.resume();
      req.on("end", () => {
        res.writeHead(500, { "content-type": "application/xml" });
        res.end(INTERNAL_ERROR_XML);
      });
      return;
    }
    // Host is forwarded untouched: it is part of the SigV4 signature s3rver verifies.
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent: upstreamAgent,
      },
      (upstreamResponse) => {
        res.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
        upstreamResponse.pipe(res);
      }
    );
    upstream.on("error", (error) => res.destroy(error));
    req.pipe(upstream);
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    setFailurePolicy(policy) {
      shouldFail = policy;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      upstreamAgent.destroy();
    },
  };
}
