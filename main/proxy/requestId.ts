import { randomFillSync } from 'node:crypto';

/** Where each random hex digit goes in `xxxxxxxx-xxxx-7rrr-vrrr-rrrrrrrrrrrr` (v: the variant's). */
const RANDOM_DIGITS = [15, 16, 17, 19, 20, 21, 22, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35];
/** Where the time's 12 hex digits go, most significant first. */
const TIME_DIGITS = [0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12];
/** 74 random bits per id, drawn 10 bytes at a time from a pool refilled in bulk (as node's randomUUID does). */
const RANDOM_BYTES = 10;
const HEX = Buffer.from('0123456789abcdef', 'latin1');

const text = Buffer.from('00000000-0000-7000-8000-000000000000', 'latin1');
const pool = Buffer.alloc(RANDOM_BYTES * 256);
let used = pool.length;

/**
 * A request's id: an RFC 9562 version 7 UUID, its first 48 bits the time it arrived (ms since the
 * epoch), the rest random. The log's unique index on it then grows at its end, as the rows do: a
 * random (v4) id landed each of a batch's rows on its own page of that index, so every commit
 * rewrote most of the index's leaves into the WAL and the checkpointer copied them again (the
 * log's threads: 18 → 12 CPU µs per request at 50 connections, `npx node
 * test/bench/profileEngine.ts 5`). Its digits are written into one buffer and read out as one
 * string: built from node's v4 by slicing and joining, it made ten strings per request (0.65 KB).
 */
export function requestId(receivedAt: number): string {
  let time = Math.max(0, Math.floor(receivedAt)) % 2 ** 48;
  for (let i = TIME_DIGITS.length - 1; i >= 0; i--) {
    text[TIME_DIGITS[i]!] = HEX[time % 16]!;
    time = Math.floor(time / 16);
  }
  if (used + RANDOM_BYTES > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  for (let k = 0; k < RANDOM_DIGITS.length; k++) {
    const byte = pool[used + (k >> 1)]!;
    const digit = k & 1 ? byte & 15 : byte >> 4;
    // The fourth group's first digit carries the variant (binary 10xx): two random bits.
    text[RANDOM_DIGITS[k]!] = HEX[k === 3 ? 8 | (digit & 3) : digit]!;
  }
  used += RANDOM_BYTES;
  return text.toString('latin1');
}
