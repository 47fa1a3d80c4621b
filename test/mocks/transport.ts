import type { ServerResponse } from 'node:http';
import { findFault } from './faults.ts';
import type { Fault } from './types.ts';
import { sleep } from './util.ts';

/** How stream bytes go out: line ends, interleaved comments, and where TCP writes are cut. */
export interface StreamStyle {
  crlf: boolean;
  comments: boolean;
  split?: { at: 'mid-line' | 'mid-crlf' | 'bytes'; everyBytes: number };
}

/** Pause between the pieces of a split event, long enough for separate TCP segments. */
const SPLIT_PAUSE_MS = 3;

export function styleFor(faults: readonly Fault[]): StreamStyle {
  const split = findFault(faults, 'split-writes');
  return {
    crlf: findFault(faults, 'crlf') !== undefined || split?.at === 'mid-crlf',
    comments: findFault(faults, 'comments') !== undefined,
    split: split ? { at: split.at, everyBytes: split.everyBytes ?? 7 } : undefined,
  };
}

function cutPoints(text: string, style: StreamStyle): number[] {
  const split = style.split;
  if (!split) return [];
  if (split.at === 'mid-crlf') {
    const points: number[] = [];
    for (let i = 0; i < text.length - 1; i++)
      if (text[i] === '\r' && text[i + 1] === '\n') points.push(i + 1);
    return points;
  }
  // Inside the field name, in the middle of the payload, and between the two line ends.
  const points = [3, Math.floor(text.length / 2), text.length - 1];
  return [...new Set(points)].filter((p) => p > 0 && p < text.length).sort((a, b) => a - b);
}

/** Writes one event (or comment) with the style's line ends and cuts. */
export async function writeStyled(
  res: ServerResponse,
  text: string,
  style: StreamStyle,
  signal: AbortSignal,
): Promise<void> {
  const out = style.crlf ? text.replace(/\r?\n/g, '\r\n') : text;
  if (style.split?.at === 'bytes') {
    // Byte cuts land inside multi-byte UTF-8 characters too, as real TCP segments do.
    const bytes = Buffer.from(out, 'utf8');
    for (let i = 0; i < bytes.length; i += style.split.everyBytes) {
      if (signal.aborted) return;
      res.write(bytes.subarray(i, i + style.split.everyBytes));
      await sleep(SPLIT_PAUSE_MS, signal);
    }
    return;
  }
  const points = cutPoints(out, style);
  let from = 0;
  for (const point of [...points, out.length]) {
    if (signal.aborted) return;
    res.write(out.slice(from, point));
    from = point;
    if (point < out.length) await sleep(SPLIT_PAUSE_MS, signal);
  }
}
