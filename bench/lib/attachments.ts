/**
 * Attachments directors send: a screenshot (a real PNG of a few tens of KB) and a small PDF.
 * Their bytes only need to look like the real thing to MIME parsers and base64 encoders, so
 * they are generated here rather than shipped in the repository.
 */
import { deflateSync } from 'node:zlib';
import type { Random } from './random.ts';

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/**
 * A screenshot-like PNG: a window with a title bar, flat panels and rows of "text" (noise),
 * which compresses the way real screenshots do. `noisyRows` sets the size: about 6 KB plus 0.45 KB a row.
 */
export function screenshotPng(random: Random, noisyRows: number): Buffer {
  const width = 640;
  const height = 400;
  const raw = Buffer.alloc((width * 3 + 1) * height);
  const textRows = new Set<number>();
  while (textRows.size < Math.min(noisyRows, height - 40)) textRows.add(random.int(40, height - 1));
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const at = row + 1 + x * 3;
      let [r, g, b] = y < 32 ? [0, 84, 147] : x < 160 ? [236, 240, 244] : [255, 255, 255];
      // Anti-aliased "text": grey levels, which is what keeps real screenshots from compressing to nothing.
      if (textRows.has(y) && x > 170 && x < 620 && random.chance(0.35)) {
        const grey = random.int(20, 200);
        [r, g, b] = [grey, grey, grey];
      }
      raw[at] = r;
      raw[at + 1] = g;
      raw[at + 2] = b;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A PDF-shaped file of about `bytes` bytes: a real header and trailer around a binary stream. */
export function pdfLike(random: Random, bytes: number): Buffer {
  const stream = Buffer.alloc(Math.max(0, bytes - 400));
  for (let i = 0; i < stream.length; i++) stream[i] = random.int(0, 255);
  return Buffer.concat([
    Buffer.from(
      '%PDF-1.4\n%âãÏÓ\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n' +
        '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n' +
        '3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R >> endobj\n' +
        `4 0 obj << /Length ${stream.length} /Filter /FlateDecode >>\nstream\n`,
      'latin1',
    ),
    stream,
    Buffer.from('\nendstream\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1'),
  ]);
}
