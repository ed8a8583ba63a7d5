// Reads a /track request body defensively: content type first, then a hard size cap enforced while
// streaming (Content-Length can lie or be absent), strict UTF-8, then JSON.
export const MAX_BODY_BYTES = 64 * 1024;

export type BodyResult =
  | { ok: true; body: unknown }
  | { ok: false; status: 400 | 413 | 415; code: string; message: string };

const ACCEPTED_TYPES = new Set(["application/json", "text/plain"]);

export async function readTrackBody(request: Request, maxBytes = MAX_BODY_BYTES): Promise<BodyResult> {
  const mediaType = request.headers.get("content-type")?.split(";")[0].trim().toLowerCase() ?? "";
  if (!ACCEPTED_TYPES.has(mediaType)) {
    return { ok: false, status: 415, code: "unsupported_media_type", message: "Content-Type must be application/json or text/plain" };
  }
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) return tooLarge(maxBytes);

  const bytes = await readCapped(request, maxBytes);
  if (bytes === null) return tooLarge(maxBytes);
  if (bytes.length === 0) return { ok: false, status: 400, code: "empty_body", message: "body is empty" };

  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, status: 400, code: "invalid_encoding", message: "body is not valid UTF-8" };
  }
  try {
    return { ok: true, body: JSON.parse(text) };
  } catch {
    return { ok: false, status: 400, code: "invalid_json", message: "body is not valid JSON" };
  }
}

function tooLarge(maxBytes: number): BodyResult {
  return { ok: false, status: 413, code: "payload_too_large", message: `body exceeds ${maxBytes} bytes` };
}

async function readCapped(request: Request, maxBytes: number): Promise<Uint8Array | null> {
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
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
