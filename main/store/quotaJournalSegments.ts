import {
  chmodSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './fileModes.ts';

/**
 * The quota journal's files in its folder ({@link JOURNAL_FOLDER}): `quota-journal-<n>.jsonl`, one JSON entry a
 * line, numbered upwards across runs (a run never appends to a file an earlier run wrote, whose
 * last line may be torn).
 */
const NAME = /^quota-journal-(\d+)\.jsonl$/;

export const segmentName = (n: number): string => `quota-journal-${n}.jsonl`;

/**
 * The journal's folder, inside the data folder. Not the data folder itself: config.json's watcher
 * watches that (an editor's save replaces the file), and every journal write there woke it, 2.3 µs
 * of the proxy's thread per write (`node` with a folder watcher against none, 50,000 writes): one
 * per request when requests come one at a time.
 */
export const JOURNAL_FOLDER = 'quota-journal';

/**
 * The journal's folder in `dataDir`, made private (0700) if it was not; segments an earlier
 * version wrote beside config.json are moved into it, so none is lost or replayed twice.
 */
export function journalFolder(dataDir: string): string {
  const dir = join(dataDir, JOURNAL_FOLDER);
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (process.platform !== 'win32' && (statSync(dir).mode & 0o077) !== 0)
    chmodSync(dir, PRIVATE_DIR_MODE);
  for (const n of listSegments(dataDir))
    renameSync(join(dataDir, segmentName(n)), join(dir, segmentName(n)));
  return dir;
}

/** The segment numbers in `dir`, ascending (none when the folder cannot be read). */
export function listSegments(dir: string): number[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .flatMap((name) => {
      const match = NAME.exec(name);
      return match === null ? [] : [Number(match[1])];
    })
    .sort((a, b) => a - b);
}

/**
 * The entries of a segment, as stored. A line that does not parse costs only itself, and text
 * after the last newline is a write the process died in the middle of: its admission never
 * returned (it waits for the whole write), so it is not counted.
 */
export function readSegment(dir: string, n: number): unknown[] {
  const text = readFileSync(join(dir, segmentName(n)), 'utf8');
  const lines = text.split('\n');
  lines.pop();
  return lines.flatMap((line) => {
    try {
      return [JSON.parse(line) as unknown];
    } catch {
      return [];
    }
  });
}

/** Opens a segment to append to, private to the user whatever the umask. */
export function openSegment(dir: string, n: number): number {
  return openSync(join(dir, segmentName(n)), 'a', PRIVATE_FILE_MODE);
}

/** Writes all of `bytes`: once `writeSync` returns, the kernel has them (a kill -9 keeps them). */
export function writeAll(fd: number, bytes: Buffer): void {
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}

/** Deletes a segment; one already gone is no error. */
export function removeSegment(dir: string, n: number): void {
  try {
    unlinkSync(join(dir, segmentName(n)));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
