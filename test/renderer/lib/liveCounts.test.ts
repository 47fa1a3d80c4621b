import { describe, expect, it } from 'vitest';
import { LIVE_WINDOW_MS } from '../../../app/admin/contract.ts';
import { addLiveCount, liveStats, type LiveCount } from '../../../renderer/src/lib/liveCounts.ts';

const T = 1_700_000_000_000;
const count = (t: number, requests: number, errors = 0, failovers = 0): LiveCount => ({
  t,
  requests,
  errors,
  failovers,
});

describe('the live counts', () => {
  it('adds a second to its own span and starts a new span for the next', () => {
    let counts = addLiveCount([], count(T, 3, 1), T + 10);
    counts = addLiveCount(counts, count(T, 2, 0, 1), T + 900);
    counts = addLiveCount(counts, count(T + 1000, 1), T + 1000);
    expect(counts).toEqual([count(T, 5, 1, 1), count(T + 1000, 1)]);
  });

  it('keeps at most one window of seconds, however long it runs', () => {
    let counts: LiveCount[] = [];
    for (let s = 0; s < 2000; s++)
      counts = addLiveCount(counts, count(T + s * 1000, 7), T + s * 1000);
    expect(counts.length).toBeLessThanOrEqual(LIVE_WINDOW_MS / 1000 + 1);
    expect(counts[0]?.t).toBe(T + 1999 * 1000 - LIVE_WINDOW_MS);
  });

  it('counts a request met after the clock was set back instead of losing it', () => {
    const counts = addLiveCount([count(T + 5000, 1)], count(T, 1, 1), T);
    expect(counts).toEqual([count(T + 5000, 2, 1)]);
  });

  it('sums the engine’s minutes and the dashboard’s seconds over the last minute and window', () => {
    const now = T + 30_500;
    const seeded = [
      count(T - 20 * 60_000, 99, 9, 9),
      count(T - 10 * 60_000, 10, 2, 1),
      count(T, 4, 1),
    ];
    const recent = [count(T + 20_000, 3, 1, 1), count(T + 30_000, 2)];
    expect(liveStats(seeded, recent, now)).toEqual({
      lastMinute: 4 + 3 + 2,
      total: 10 + 4 + 3 + 2,
      errors: 2 + 1 + 1,
      failovers: 1 + 1,
    });
  });
});
