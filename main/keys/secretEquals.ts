import { timingSafeEqual } from 'node:crypto';

/**
 * The bytes of the secret last compared against, made again only when it changes: the proxy key
 * is the expected side of a comparison on every proxied request.
 */
let expectedText: string | undefined;
let expectedBytes = Buffer.alloc(0);

/** Constant-time string comparison, so a wrong key does not leak how much of it was right. */
export function secretEquals(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  if (expected !== expectedText) {
    expectedBytes = Buffer.from(expected);
    expectedText = expected;
  }
  const a = Buffer.from(given);
  return a.length === expectedBytes.length && timingSafeEqual(a, expectedBytes);
}
