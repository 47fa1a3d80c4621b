import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

/**
 * The encodings the dashboard is stored in beside each text file, best first: `app.js.br` and
 * `app.js.gz` next to `app.js`. The build writes them (vite.config.ts), the server picks one by
 * Accept-Encoding (staticFiles.ts), so nothing is compressed per request.
 */
export const PRECOMPRESSED = [
  { encoding: 'br', suffix: '.br' },
  { encoding: 'gzip', suffix: '.gz' },
] as const;

/** Text formats worth compressing; images and fonts are compressed already. */
export const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.map', '.ico']);

/** Smaller files gain less than the header and the extra file cost. */
const MIN_BYTES = 1024;

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

const encoders: Record<
  (typeof PRECOMPRESSED)[number]['encoding'],
  (data: Buffer) => Promise<Buffer>
> = {
  br: (data) =>
    brotli(data, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    }),
  gzip: (data) => gzipAsync(data, { level: constants.Z_BEST_COMPRESSION }),
};

/**
 * Writes the compressed copies of every compressible file under `dir` (recursively) that is at
 * least 1 KiB, keeping a copy only when it is smaller than the original. Returns the files written.
 */
export async function precompressDir(dir: string): Promise<string[]> {
  const written: string[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !COMPRESSIBLE.has(extname(entry.name))) continue;
    const file = join(entry.parentPath, entry.name);
    if ((await stat(file)).size < MIN_BYTES) continue;
    const data = await readFile(file);
    for (const { encoding, suffix } of PRECOMPRESSED) {
      const packed = await encoders[encoding](data);
      if (packed.length >= data.length) continue;
      await writeFile(file + suffix, packed);
      written.push(file + suffix);
    }
  }
  return written;
}

/** The content codings an Accept-Encoding header accepts (`q=0` refuses one; `*` stands for any). */
export function acceptedEncodings(header: string | undefined): Set<string> {
  const accepted = new Set<string>();
  for (const part of (header ?? '').split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (name === '' || (q !== undefined && Number(q.slice(2)) === 0)) continue;
    accepted.add(name);
  }
  return accepted;
}
