// Arm assignment (DESIGN §4), the single implementation: imported by /track and bundled into the web
// pixel and the theme app embed, so the storefront and the server always agree on a visitor's arm.
// No I/O and no Node or DOM APIs: it must run in the pixel's worker sandbox and in old browsers.

export type Arm = "CONTROL" | "TREATMENT";

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** 32-bit FNV-1a over the UTF-8 bytes of `input`. */
export function fnv1a32(input: string): number {
  let hash = FNV_OFFSET_BASIS;
  for (const byte of utf8Bytes(input)) {
    hash ^= byte;
    hash = Math.imul(hash, FNV_PRIME) >>> 0;
  }
  return hash >>> 0;
}

function utf8Bytes(input: string): number[] {
  const bytes: number[] = [];
  for (const char of input) {
    const code = char.codePointAt(0)!;
    if (code < 0x80) bytes.push(code);
    else if (code < 0x800) bytes.push(0xc0 | (code >> 6), 0x80 | (code & 0x3f));
    else if (code < 0x10000) bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
    else bytes.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 0x3f), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
  }
  return bytes;
}

/** The visitor's position in [0, 1) for a test; independent across tests for the same visitor. */
export function bucket(testId: string, visitorId: string): number {
  return fnv1a32(`${testId}:${visitorId}`) / 2 ** 32;
}

/** `trafficSplit` is the percentage (0–100) of visitors who see the treatment. */
export function assignArm(testId: string, visitorId: string, trafficSplit: number): Arm {
  return bucket(testId, visitorId) < trafficSplit / 100 ? "TREATMENT" : "CONTROL";
}
