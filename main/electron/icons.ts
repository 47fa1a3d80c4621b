// The app and tray icons, drawn in code so they can be regenerated without an image editor or a
// dependency: `node_modules/.bin/node main/electron/makeIcons.ts` writes them to resources/icons/.
import { crc32, deflateSync } from 'node:zlib';
import type { TrayLevel } from './trayState.ts';

type Rgb = readonly [number, number, number];

export const LEVEL_COLOURS: Record<TrayLevel, Rgb> = {
  ready: [47, 179, 68],
  degraded: [240, 160, 32],
  limited: [224, 49, 49],
};

const BACKGROUND: Rgb = [27, 29, 34];
const RAIL: Rgb = [94, 214, 160];

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An 8-bit RGBA PNG from `rgba` (width × height × 4 bytes, rows top to bottom). */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  if (rgba.length !== width * height * 4) throw new Error('encodePng: rgba has the wrong length');
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8);
  const rows = Buffer.alloc(height * (width * 4 + 1));
  for (let y = 0; y < height; y++) {
    // Filter byte 0 (none) per row: simple, and zlib still packs flat colour well.
    rows.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * (width * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Coverage of a shape (0..1) at a pixel, from a signed distance in pixels (negative inside). */
function coverage(distance: number): number {
  return Math.min(1, Math.max(0, 0.5 - distance));
}

/** A square PNG of `size`² pixels, each from a function of its centre returning a colour and an alpha. */
function paint(size: number, shade: (x: number, y: number) => [Rgb, number]): Buffer {
  const out = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const [rgb, alpha] = shade(x + 0.5, y + 0.5);
      const at = (y * size + x) * 4;
      out.set([rgb[0], rgb[1], rgb[2], Math.round(alpha * 255)], at);
    }
  }
  return encodePng(size, size, out);
}

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [
    Math.round(a[0] + (b[0] - a[0]) * t),
    Math.round(a[1] + (b[1] - a[1]) * t),
    Math.round(a[2] + (b[2] - a[2]) * t),
  ];
}

/** A tray dot: the level's colour with a darker rim, so it reads on light and dark panels. */
export function trayIcon(level: TrayLevel, size: number): Buffer {
  const colour = LEVEL_COLOURS[level];
  const rim = mix(colour, [0, 0, 0], 0.45);
  const centre = size / 2;
  const radius = size * 0.42;
  const rimWidth = Math.max(1, size / 16);
  return paint(size, (x, y) => {
    const d = Math.hypot(x - centre, y - centre) - radius;
    const inner = coverage(d + rimWidth);
    return [mix(rim, colour, inner), coverage(d)];
  });
}

function segmentDistance(
  px: number,
  py: number,
  ax: number,
  ay: number,
  bx: number,
  by: number,
): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** The app icon: a rail switch (one track forking in two) on a rounded dark square. */
export function appIcon(size: number): Buffer {
  const s = size / 512;
  const corner = 96 * s;
  const half = size / 2;
  const rails: [number, number, number, number][] = [
    [256, 420, 256, 260],
    [256, 260, 150, 110],
    [256, 260, 362, 110],
  ];
  const railWidth = 44 * s;
  return paint(size, (x, y) => {
    // Rounded square: distance to a box shrunk by the corner radius, minus that radius.
    const qx = Math.abs(x - half) - (half - 16 * s - corner);
    const qy = Math.abs(y - half) - (half - 16 * s - corner);
    const box =
      Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - corner;
    const rail = Math.min(
      ...rails.map(([ax, ay, bx, by]) => segmentDistance(x, y, ax * s, ay * s, bx * s, by * s)),
    );
    const onRail = coverage(rail - railWidth / 2);
    return [mix(BACKGROUND, RAIL, onRail), coverage(box)];
  });
}

/** Every icon file in resources/icons/, by file name. */
export function renderIcons(): Map<string, Buffer> {
  const files = new Map<string, Buffer>([['icon.png', appIcon(512)]]);
  for (const level of ['ready', 'degraded', 'limited'] as const) {
    files.set(`tray-${level}.png`, trayIcon(level, 16));
    files.set(`tray-${level}@2x.png`, trayIcon(level, 32));
  }
  return files;
}
