import { describe, expect, it } from 'vitest';
import { attempt, request } from './records.ts';
import { requestLogPerTest } from './scratchStore.ts';

const NOW = Date.UTC(2026, 0, 15, 12, 7, 30);
const MINUTE = 60_000;

describe('the Overview’s live figures', () => {
  const store = requestLogPerTest('live', NOW);

  it('counts every request of the last 15 minutes, well past what a paged seed could read', () => {
    // 7,200 requests in the window (one every 125 ms): every 10th failed, every 7th failed over.
    const inWindow = 7200;
    let errors = 0;
    let failovers = 0;
    for (let i = 0; i < inWindow; i++) {
      const t = NOW - i * 125;
      const failed = i % 10 === 0;
      const movedOn = i % 7 === 0;
      if (failed) errors++;
      if (movedOn) failovers++;
      const tried = movedOn
        ? [attempt(t, { outcome: 'failed', provider: 'openai' }), attempt(t + 10, { index: 1 })]
        : [attempt(t)];
      store.log.record(request(`r${i}`, t, failed ? { status: 502 } : {}), tried);
    }
    // Older requests stay out of the window.
    for (let i = 0; i < 50; i++) {
      store.log.record(request(`old${i}`, NOW - 16 * MINUTE - i), [attempt(NOW - 16 * MINUTE - i)]);
    }

    const live = store.log.liveTraffic();
    const sum = (key: 'requests' | 'errors' | 'failovers') =>
      live.minutes.reduce((total, m) => total + m[key], 0);
    expect(live).toMatchObject({ from: NOW - 15 * MINUTE, to: NOW });
    expect(sum('requests')).toBe(inWindow);
    expect(sum('errors')).toBe(errors);
    expect(sum('failovers')).toBe(failovers);
    // Minute by minute, on minute boundaries: the current minute holds the 30 s since 12:07.
    expect(live.minutes).toHaveLength(16);
    expect(live.minutes.every((m) => m.t % MINUTE === 0)).toBe(true);
    expect(live.minutes.at(-1)).toMatchObject({ t: NOW - 30_000, requests: 241 });
  });

  it('answers an empty window with no minutes', () => {
    store.log.record(request('old', NOW - 20 * MINUTE), [attempt(NOW - 20 * MINUTE)]);
    expect(store.log.liveTraffic()).toEqual({ from: NOW - 15 * MINUTE, to: NOW, minutes: [] });
  });
});
