import { timingSafeEqual } from 'node:crypto';

/**
 * The bytes of the secret last compared against, made again only when it changes: the proxy key
 * is the expected side of a comparison on every proxied request. `given` is written into
 * `scratch`, a buffer of the same size, rather than into a new Buffer per call.
 */
let expectedText: string | undefined;
let expectedBytes = Buffer.alloc(0);
let scratch = Buffer.alloc(0);

/** Constant-time string comparison, so a wrong key does not leak how much of it was right. */
export function secretEquals(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  if (expected !== expectedText) {
    expectedBytes = Buffer.from(expected);
    scratch = Buffer.alloc(expectedBytes.length);
    expectedText = expected;
  }
  // Only the length tells a wrong key early, as it did when the sides were compared as Buffers.
  if (Buffer.byteLength(given) !== expectedBytes.length) return false;
  scratch.write(given);
  return timingSafeEqual(scratch, expectedBytes);
}
