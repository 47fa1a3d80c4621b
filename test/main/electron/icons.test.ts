import { readFile } from 'node:fs/promises';
import { inflateSync, crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodePng, LEVEL_COLOURS, renderIcons } from '../../../main/electron/icons.ts';

/** A minimal PNG reader for 8-bit RGBA, filter 0 (what encodePng writes): checks every CRC. */
function decodePng(png: Buffer): {
  width: number;
  height: number;
  pixel: (x: number, y: number) => number[];
} {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let at = 8;
  let width = 0;
  let height = 0;
  const data: Buffer[] = [];
  const types: string[] = [];
  while (at < png.length) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const body = png.subarray(at + 8, at + 8 + length);
    expect(png.readUInt32BE(at + 8 + length), `${type} CRC`).toBe(
      crc32(png.subarray(at + 4, at + 8 + length)),
    );
    types.push(type);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      expect([...body.subarray(8)]).toEqual([8, 6, 0, 0, 0]);
    }
    if (type === 'IDAT') data.push(body);
    at += 12 + length;
  }
  expect(types[0]).toBe('IHDR');
  expect(types.at(-1)).toBe('IEND');
  const raw = inflateSync(Buffer.concat(data));
  expect(raw.length).toBe(height * (width * 4 + 1));
  return {
    width,
    height,
    pixel: (x, y) => {
      const start = y * (width * 4 + 1) + 1 + x * 4;
      return [...raw.subarray(start, start + 4)];
    },
  };
}

describe('encodePng', () => {
  it('writes pixels a reader gets back exactly', () => {
    const rgba = new Uint8Array([255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0, 1, 2, 3, 4]);
    const png = decodePng(encodePng(2, 2, rgba));
    expect([png.width, png.height]).toEqual([2, 2]);
    expect([png.pixel(0, 0), png.pixel(1, 0), png.pixel(0, 1), png.pixel(1, 1)]).toEqual([
      [255, 0, 0, 255],
      [0, 255, 0, 128],
      [0, 0, 255, 0],
      [1, 2, 3, 4],
    ]);
  });

  it('refuses a buffer of the wrong size', () => {
    expect(() => encodePng(2, 2, new Uint8Array(15))).toThrow(/wrong length/);
  });
});

describe('icons', () => {
  const icons = renderIcons();

  it('has a 512×512 app icon, opaque inside and transparent at its rounded corners', () => {
    const icon = decodePng(icons.get('icon.png') as Buffer);
    expect([icon.width, icon.height]).toEqual([512, 512]);
    expect(icon.pixel(0, 0)[3]).toBe(0);
    expect(icon.pixel(256, 470)[3]).toBe(255);
  });

  it('colours each tray dot by its level, at 1× and 2×', () => {
    for (const [level, colour] of Object.entries(LEVEL_COLOURS)) {
      for (const [suffix, size] of [
        ['', 16],
        ['@2x', 32],
      ] as const) {
        const dot = decodePng(icons.get(`tray-${level}${suffix}.png`) as Buffer);
        expect([dot.width, dot.height]).toEqual([size, size]);
        expect(dot.pixel(size / 2, size / 2)).toEqual([...colour, 255]);
        expect(dot.pixel(0, 0)[3]).toBe(0);
      }
    }
  });

  it('matches the files committed in resources/icons/ (regenerate with makeIcons.ts)', async () => {
    for (const [name, png] of icons) {
      const committed = await readFile(
        new URL(`../../../resources/icons/${name}`, import.meta.url),
      );
      expect(
        committed.equals(png),
        `${name} drifted: run node_modules/.bin/node main/electron/makeIcons.ts`,
      ).toBe(true);
    }
  });
});
