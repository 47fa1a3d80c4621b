import { openSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_FILE_MODE } from './fileModes.ts';

/**
 * The quota journal's files in the data folder: `quota-journal-<n>.jsonl`, one JSON entry a
 * line, numbered upwards across runs (a run never appends to a file an earlier run wrote, whose
 * last line may be torn).
 */
const NAME = /^quota-journal-(\d+)\.jsonl$/;

export const segmentName = (n: number): string => `quota-journal-${n}.jsonl`;

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
