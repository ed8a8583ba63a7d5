// /track is served through two transports: the Remix route (Fetch Request, e.g. on Vercel) and, on the
// app's own node server, a direct node:http handler that skips Express and Remix routing (bench/track.ts
// measured Remix's per-request overhead at most of the endpoint's CPU). Both adapt to this input.
import type { IncomingMessage } from "node:http";

export interface TrackInput {
  method: string;
  /** The TCP peer's address, or null when the transport does not expose one (a bare Fetch Request). */
  remoteAddress: string | null;
  /** Header value by lower-case name, or null. */
  header(name: string): string | null;
  /** The body's bytes, or null as soon as it exceeds `maxBytes`. */
  readBody(maxBytes: number): Promise<Uint8Array | null>;
}

/** `remoteAddress`: what the hosting adapter knows of the peer (Remix's Fetch Request carries none). */
export function trackInputFromRequest(request: Request, remoteAddress: string | null = null): TrackInput {
  return {
    method: request.method,
    remoteAddress,
    header: (name) => request.headers.get(name),
    // Node's web ReadableStream is async-iterable at run time; the DOM typings do not say so.
    readBody: (maxBytes) => readCapped((request.body ?? undefined) as AsyncIterable<Uint8Array> | undefined, maxBytes),
  };
}

export function trackInputFromNode(request: IncomingMessage): TrackInput {
  return {
    method: request.method ?? "GET",
    remoteAddress: request.socket.remoteAddress ?? null,
    header: (name) => {
      const value = request.headers[name];
      return Array.isArray(value) ? value.join(", ") : (value ?? null);
    },
    readBody: (maxBytes) => readNodeCapped(request, maxBytes),
  };
}

// Unlike readCapped, never destroys the request: that would reset the socket before the 413 reaches
// the client. An oversize remainder is drained and dropped (the adapter answers with Connection: close).
function readNodeCapped(request: IncomingMessage, maxBytes: number): Promise<Uint8Array | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    request.on("data", (chunk: Buffer) => {
      if (total > maxBytes) return;
      total += chunk.byteLength;
      if (total > maxBytes) resolve(null);
      else chunks.push(chunk);
    });
    request.once("end", () => resolve(total > maxBytes ? null : Buffer.concat(chunks, total)));
    request.once("error", reject);
  });
}

async function readCapped(body: AsyncIterable<Uint8Array> | undefined, maxBytes: number): Promise<Uint8Array | null> {
  if (!body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.byteLength;
    // Leaving the loop early cancels the stream, so an oversize body is never buffered whole.
    if (total > maxBytes) return null;
    chunks.push(chunk);
  }
  if (chunks.length === 1) return chunks[0];
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
