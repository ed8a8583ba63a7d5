import { PassThrough } from "node:stream";
import type { EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { addDocumentResponseHeaders } from "./shopify.server";
// Puts Prisma's wasm query compiler into every traced function (Vercel); see the module.
import "./services/database/prisma-runtime-files";

export const streamTimeout = 5000;

// Shopify's helper sets frame-ancestors only for a request naming a valid ?shop= (that shop and the
// admin). Every other document (/auth/login, the landing page, 404s, error pages) would be frameable
// by any site; it may be framed by the Shopify admin only, where an embedded app without a shop lands.
const SHOPLESS_FRAME_ANCESTORS = "frame-ancestors https://admin.shopify.com https://*.myshopify.com";

function ensureFrameAncestors(headers: Headers) {
  const policy = headers.get("Content-Security-Policy");
  if (!policy) headers.set("Content-Security-Policy", `${SHOPLESS_FRAME_ANCESTORS};`);
  else if (!/(^|;)\s*frame-ancestors\s/i.test(policy)) headers.set("Content-Security-Policy", `${policy.replace(/;?\s*$/, "")}; ${SHOPLESS_FRAME_ANCESTORS};`);
}

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  await addDocumentResponseHeaders(request, responseHeaders);
  ensureFrameAncestors(responseHeaders);
  const callbackName = isbot(request.headers.get("user-agent") ?? "") ? "onAllReady" : "onShellReady";

  return new Promise((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(<RemixServer context={remixContext} url={request.url} />, {
      [callbackName]: () => {
        const body = new PassThrough();
        const stream = createReadableStreamFromReadable(body);
        responseHeaders.set("Content-Type", "text/html");
        resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
        pipe(body);
      },
      onShellError(error) {
        reject(error);
      },
      onError(error) {
        responseStatusCode = 500;
        console.error(error);
      },
    });
    setTimeout(abort, streamTimeout + 1000);
  });
}
