/** Loaded at the first code drawn: only sheets and verification pages draw one. */
const qrcode = async () => (await import('qrcode')).default;

/**
 * QR codes as SVG and PNG without Node built-ins: `qrcode` gives the module matrix and the SVG in
 * both its Node and browser builds, but its PNG writer needs `fs`/`zlib`, which a Worker lacks. The
 * PNG is therefore written here, compressed with the web-standard CompressionStream.
 */
const OPTIONS = { errorCorrectionLevel: 'M' as const };
/** The quiet zone the QR standard asks for, in modules; scanners struggle with less. */
const MARGIN = 4;

export async function qrSvg(text: string): Promise<string> {
  return (await qrcode()).toString(text, { ...OPTIONS, type: 'svg', margin: MARGIN });
}

export async function qrPng(text: string, scale = 10): Promise<Uint8Array<ArrayBuffer>> {
  const { size, data } = (await qrcode()).create(text, OPTIONS).modules;
  const side = (size + 2 * MARGIN) * scale;
  // 8-bit greyscale, one filter byte (0, none) before each row; dark modules black, the rest white.
  const raw = new Uint8Array(side * (side + 1)).fill(0xff);
  for (let y = 0; y < side; y++) {
    const row = y * (side + 1);
    raw[row] = 0;
    const my = Math.floor(y / scale) - MARGIN;
    for (let x = 0; x < side; x++) {
      const mx = Math.floor(x / scale) - MARGIN;
      if (my >= 0 && my < size && mx >= 0 && mx < size && data[my * size + mx]) raw[row + 1 + x] = 0;
    }
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, side);
  view.setUint32(4, side);
  header.set([8, 0, 0, 0, 0], 8); // bit depth 8, greyscale, deflate, adaptive filtering, no interlace
  return concat([
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', await deflate(raw)),
    chunk('IEND', new Uint8Array()),
  ]);
}

async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  // 'deflate' is the zlib-wrapped stream PNG's IDAT expects.
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(body, 8);
  view.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
  return out;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
