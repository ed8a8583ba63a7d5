// Real, decodable PNGs for the fake CDN, so code that downloads, hashes or inspects product images
// works on the fake as on Shopify's CDN.
import { createHash } from "node:crypto";
import zlib from "node:zlib";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function encodeChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/**
 * A solid-colour RGB PNG whose colour is derived from `label`. The label is also stored in a tEXt
 * chunk, so two labels never give the same bytes even when their colours happen to collide.
 */
export function encodeLabelledPng(label: string, width: number, height: number): Buffer {
  const [red, green, blue] = createHash("sha256").update(label).digest();
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: truecolour RGB
  // bytes 10–12 (compression, filter, interlace) stay 0: the only values PNG defines.
  const row = Buffer.alloc(1 + width * 3); // leading 0 = filter type None
  for (let x = 0; x < width; x++) row.set([red, green, blue], 1 + x * 3);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    PNG_SIGNATURE,
    encodeChunk("IHDR", header),
    encodeChunk("tEXt", Buffer.from(`Comment\0${label}`, "latin1")),
    encodeChunk("IDAT", zlib.deflateSync(pixels)),
    encodeChunk("IEND", Buffer.alloc(0)),
  ]);
}
