import { timingSafeEqual } from 'node:crypto';

/** Constant-time string comparison, so a wrong key does not leak how much of it was right. */
export function secretEquals(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
