import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectEvents, type StreamState } from '../../../renderer/src/api/events.ts';

/** Just enough of EventSource to drive the wrapper by hand. */
class FakeSource {
  readyState = 0;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;
  readonly listeners = new Map<string, (e: MessageEvent<string>) => void>();
  readonly url: string;
  constructor(url: string) {
    this.url = url;
  }
  addEventListener(name: string, fn: (e: MessageEvent<string>) => void) {
    this.listeners.set(name, fn);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  emit(name: string, data: string) {
    this.listeners.get(name)?.({ data } as MessageEvent<string>);
  }
  fail(readyState: 0 | 2) {
    this.readyState = readyState;
    this.onerror?.();
  }
}

describe('connectEvents', () => {
  let sources: FakeSource[];
  let states: StreamState[];
  let resyncs: number;
  const create = (url: string) => {
    const s = new FakeSource(url);
    sources.push(s);
    return s as unknown as EventSource;
  };

  beforeEach(() => {
    vi.useFakeTimers();
    sources = [];
    states = [];
    resyncs = 0;
  });
  afterEach(() => vi.useRealTimers());

  it('hands each named event’s parsed data to its handler and drops malformed frames', () => {
    const finished = vi.fn();
    const quota = vi.fn();
    const stop = connectEvents({
      handlers: { 'request.finished': finished, 'quota.changed': quota },
      onState: (s) => states.push(s),
      onResync: () => resyncs++,
      createSource: create,
    });
    expect(sources[0]?.url).toBe('/admin/events');
    sources[0]?.open();
    sources[0]?.emit('quota.changed', '{"provider":"groq","window":"minute"}');
    sources[0]?.emit('request.finished', '{not json');
    expect(quota).toHaveBeenCalledWith({ provider: 'groq', window: 'minute' });
    expect(finished).not.toHaveBeenCalled();
    expect(states).toEqual(['connecting', 'open']);
    stop();
    expect(sources[0]?.closed).toBe(true);
  });

  it('lets the browser retry a dropped stream, and asks for a resync once it is back', () => {
    connectEvents({
      handlers: {},
      onState: (s) => states.push(s),
      onResync: () => resyncs++,
      createSource: create,
    });
    sources[0]?.open();
    expect(resyncs).toBe(0);
    sources[0]?.fail(0);
    expect(states.at(-1)).toBe('reconnecting');
    expect(sources).toHaveLength(1);
    sources[0]?.open();
    expect(resyncs).toBe(1);
    expect(states.at(-1)).toBe('open');
  });

  it('starts a new stream with growing pauses when the browser gives up (an HTTP error)', () => {
    connectEvents({
      handlers: {},
      onState: (s) => states.push(s),
      onResync: () => resyncs++,
      createSource: create,
      backoffMs: [100, 1000],
    });
    sources[0]?.open();
    sources[0]?.fail(2);
    vi.advanceTimersByTime(99);
    expect(sources).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sources).toHaveLength(2);
    sources[1]?.fail(2);
    vi.advanceTimersByTime(999);
    expect(sources).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sources).toHaveLength(3);
    sources[2]?.open();
    expect(resyncs).toBe(1);
  });

  it('stops retrying once stopped', () => {
    const stop = connectEvents({
      handlers: {},
      onState: (s) => states.push(s),
      onResync: () => resyncs++,
      createSource: create,
      backoffMs: [100],
    });
    sources[0]?.fail(2);
    stop();
    vi.advanceTimersByTime(10_000);
    expect(sources).toHaveLength(1);
  });
});
