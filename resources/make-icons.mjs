// Generates the app and tray icons in this folder (no downloads, no image tools): `node resources/make-icons.mjs`.
// The mark is two linked rings (a "link") on a rounded indigo-to-sky square; the tray versions are the rings alone.
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
/** RGBA pixels (size*size*4) → PNG bytes (8-bit RGBA, filter 0 on every row). */
function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const inRoundedRect = (x, y, m, r) => {
  const lo = m + r;
  const hi = 1 - m - r;
  const dx = Math.max(lo - x, 0, x - hi);
  const dy = Math.max(lo - y, 0, y - hi);
  return x >= m && x <= 1 - m && y >= m && y <= 1 - m && dx * dx + dy * dy <= r * r;
};
const inRing = (x, y, cx, cy, r, t) => {
  const d = Math.hypot(x - cx, y - cy);
  return d <= r + t / 2 && d >= r - t / 2;
};
const lerp = (a, b, t) => Math.round(a + (b - a) * t);

/** Draws with 4×4 supersampling; `shade(x, y)` returns [r,g,b,a] or undefined for transparent. */
function render(size, shade) {
  const out = Buffer.alloc(size * size * 4);
  const S = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const c = shade((px + (sx + 0.5) / S) / size, (py + (sy + 0.5) / S) / size);
          if (!c) continue;
          const w = c[3] / 255;
          r += c[0] * w; g += c[1] * w; b += c[2] * w; a += w;
        }
      }
      const i = (py * size + px) * 4;
      if (a > 0) {
        out[i] = Math.round(r / a); out[i + 1] = Math.round(g / a); out[i + 2] = Math.round(b / a);
      }
      out[i + 3] = Math.round((a / (S * S)) * 255);
    }
  }
  return out;
}

function appIcon(x, y) {
  if (!inRoundedRect(x, y, 0.06, 0.2)) return undefined;
  const t = 0.17, ring = 0.07;
  if (inRing(x, y, 0.39, 0.5, t, ring) || inRing(x, y, 0.61, 0.5, t, ring)) return [255, 255, 255, 255];
  return [lerp(0x4f, 0x0e, y), lerp(0x46, 0xa5, y), lerp(0xe5, 0xe9, y), 255];
}
/** Tray: thicker rings that survive 16 px; black for the macOS template, white-on-indigo elsewhere. */
const trayRings = (x, y) => inRing(x, y, 0.36, 0.5, 0.2, 0.12) || inRing(x, y, 0.64, 0.5, 0.2, 0.12);
const trayTemplate = (x, y) => (trayRings(x, y) ? [0, 0, 0, 255] : undefined);
function trayColour(x, y) {
  if (!inRoundedRect(x, y, 0.02, 0.22)) return undefined;
  return trayRings(x, y) ? [255, 255, 255, 255] : [0x4f, 0x46, 0xe5, 255];
}

const outputs = [
  ['icon.png', 512, appIcon],
  ...[16, 32, 48, 64, 128, 256, 512].map((s) => [join('icons', `${s}x${s}.png`), s, appIcon]),
  ['tray.png', 32, trayColour],
  ['trayTemplate.png', 16, trayTemplate],
  ['trayTemplate@2x.png', 32, trayTemplate],
];
for (const [file, size, shade] of outputs) {
  const target = join(here, file);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, encodePng(size, render(size, shade)));
}
console.log(`wrote ${outputs.length} icons to ${here}`);
