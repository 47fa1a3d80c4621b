import { getHeapSpaceStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { QuietHeapRelease, releaseHeap } from '../../../main/engine/quietHeapRelease.ts';
import { manualTimers } from '../manualTimers.ts';

const START = 500;
const TRAFFIC = 10_000;

function quiet() {
  const timers = manualTimers();
  let releases = 0;
  const heap = new QuietHeapRelease({
    release: () => releases++,
    afterStartMs: START,
    afterTrafficMs: TRAFFIC,
    timers,
  });
  return { heap, timers, releases: () => releases };
}

describe('QuietHeapRelease', () => {
  it('releases once after start-up, then sets no timer until traffic comes', () => {
    const { heap, timers, releases } = quiet();
    expect(timers.delays()).toEqual([]);
    heap.ready();
    timers.fire(START);
    expect(releases()).toBe(1);
    expect(timers.delays()).toEqual([]);
  });

  it('waits for a quiet spell after traffic, counted from the last request', () => {
    const { heap, timers, releases } = quiet();
    heap.ready();
    timers.fire(START);
    heap.started();
    heap.settled();
    heap.started(); // a second request before the quiet is over
    heap.settled();
    expect(timers.delays()).toEqual([TRAFFIC]);
    timers.fire(TRAFFIC);
    expect(releases()).toBe(1);
    timers.fire(TRAFFIC);
    expect(releases()).toBe(2);
    expect(timers.delays()).toEqual([]);
  });

  it('never releases while a request is in flight; its end starts the quiet', () => {
    const { heap, timers, releases } = quiet();
    heap.ready();
    heap.started(); // a long stream, begun during start-up
    timers.fire(START);
    expect(releases()).toBe(0);
    expect(timers.delays()).toEqual([]);
    heap.settled();
    timers.fire(TRAFFIC);
    expect(releases()).toBe(1);
  });

  it('sets nothing more once stopped', () => {
    const { heap, timers, releases } = quiet();
    heap.ready();
    heap.stop();
    expect(timers.delays()).toEqual([]);
    expect(releases()).toBe(0);
  });
});

describe('QuietHeapRelease with a trim', () => {
  const EVERY = 5_000;
  function trimming() {
    const timers = manualTimers();
    const calls: string[] = [];
    const heap = new QuietHeapRelease({
      release: () => calls.push('release'),
      trim: () => calls.push('trim'),
      afterStartMs: START,
      afterTrafficMs: TRAFFIC,
      trimEveryMs: EVERY,
      timers,
    });
    return { heap, timers, calls };
  }

  it('trims every period while requests come, and after each release', () => {
    const { heap, timers, calls } = trimming();
    heap.ready();
    timers.fire(START);
    expect(calls).toEqual(['release', 'trim']);
    heap.started(); // a steady load: a request always in flight, the quiet never comes
    heap.started();
    expect(timers.delays()).toEqual([EVERY]);
    timers.fire(EVERY);
    expect(calls).toEqual(['release', 'trim', 'trim']);
    heap.started();
    timers.fire(EVERY);
    expect(calls).toEqual(['release', 'trim', 'trim', 'trim']);
    heap.settled();
    timers.fire(TRAFFIC);
    expect(calls).toEqual(['release', 'trim', 'trim', 'trim', 'release', 'trim']);
  });

  it('sets no timer on an idle engine: the next request after a trim sets the next one', () => {
    const { heap, timers, calls } = trimming();
    heap.started();
    heap.settled();
    timers.fire(EVERY);
    timers.fire(TRAFFIC);
    expect(calls).toEqual(['trim', 'release', 'trim']);
    expect(timers.delays()).toEqual([]);
    heap.started();
    expect(timers.delays()).toEqual([EVERY]);
    heap.stop();
    expect(timers.delays()).toEqual([]);
  });
});

describe('releaseHeap', () => {
  it("gives back the young generation's grown semi-spaces", () => {
    const newSpace = () =>
      getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
    // Survivors of young collections make V8 grow the young generation, as start-up does.
    let kept: number[][] = [];
    for (let i = 0; i < 200_000; i++) {
      kept.push([i, i + 1]);
      if (kept.length > 50_000) kept = [];
    }
    const grown = newSpace();
    releaseHeap();
    expect(kept.length).toBeGreaterThan(0);
    expect(newSpace()).toBeLessThan(grown);
    expect(newSpace()).toBeLessThanOrEqual(2 * 1024 * 1024);
  });
});
