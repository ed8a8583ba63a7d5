// Reads a /track request body defensively: content type first, then a hard size cap enforced while
// streaming (Content-Length can lie or be absent), strict UTF-8, then JSON. Transport-neutral: the
// Fetch (Remix route) and node:http adapters both hand it a TrackInput.
import type { TrackInput } from "./track-input";

export const MAX_BODY_BYTES = 64 * 1024;

export type BodyResult =
  | { ok: true; body: unknown }
  | { ok: false; status: 400 | 413 | 415; code: string; message: string };

const ACCEPTED_TYPES = new Set(["application/json", "text/plain"]);

export async function readTrackBody(input: TrackInput, maxBytes = MAX_BODY_BYTES): Promise<BodyResult> {
  const mediaType = input.header("content-type")?.split(";")[0].trim().toLowerCase() ?? "";
  if (!ACCEPTED_TYPES.has(mediaType)) {
    return { ok: false, status: 415, code: "unsupported_media_type", message: "Content-Type must be application/json or text/plain" };
  }
  const declared = Number(input.header("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) return tooLarge(maxBytes);

  const bytes = await input.readBody(maxBytes);
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
