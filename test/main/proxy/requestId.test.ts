import { describe, expect, it } from 'vitest';
import { requestId } from '../../../main/proxy/requestId.ts';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requestId', () => {
  it('is an RFC 9562 version 7 UUID whose first 48 bits are the time it was made', () => {
    const at = Date.UTC(2026, 11, 5, 7, 0, 0, 123);
    const id = requestId(at);
    expect(id).toMatch(V7);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(at);
  });

  it('sorts as the times sort, so the log index on it grows at its end', () => {
    const start = Date.UTC(2026, 11, 5);
    const times = Array.from({ length: 200 }, (_, i) => start + i * 997);
    const ids = times.map(requestId);
    expect([...ids].sort()).toEqual(ids);
  });

  it('differs between two requests of the same millisecond', () => {
    const at = Date.UTC(2026, 11, 5);
    const ids = new Set(Array.from({ length: 1000 }, () => requestId(at)));
    expect(ids.size).toBe(1000);
  });
});
