import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AdminEvent } from '../../../app/admin/events.ts';
import { connectEvents, type StreamState } from '../../../renderer/src/api/events.ts';

/** One event stream response the test writes into by hand. */
class FakeStream {
  readonly url: string;
  readonly init: RequestInit;
  #controller!: ReadableStreamDefaultController<Uint8Array>;
  readonly response: Response;
  constructor(url: string, init: RequestInit, status: number) {
    this.url = url;
    this.init = init;
    const body = new ReadableStream<Uint8Array>({ start: (c) => (this.#controller = c) });
    this.response = new Response(status === 200 ? body : '{}', { status });
  }
  write(text: string) {
    this.#controller.enqueue(new TextEncoder().encode(text));
  }
  end() {
    this.#controller.close();
  }
  get aborted() {
    return this.init.signal?.aborted ?? false;
  }
}

const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
  await vi.advanceTimersByTimeAsync(0);
};

describe('connectEvents', () => {
  let streams: FakeStream[];
  let statuses: number[];
  let states: StreamState[];
  let resyncs: number;

  beforeEach(() => {
    vi.useFakeTimers();
    streams = [];
    statuses = [];
    states = [];
    resyncs = 0;
    sessionStorage.setItem('switchyard.adminToken', 'tok');
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit) => {
        const s = new FakeStream(url, init, statuses.shift() ?? 200);
        streams.push(s);
        return s.response;
      }),
    );
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
    sessionStorage.clear();
  });

  it('hands over the events of a write that carries several together, in order', async () => {
    const seen: AdminEvent[][] = [];
    const stop = connectEvents({
      onEvents: (events) => seen.push(events),
      onState: (s) => states.push(s),
      onResync: () => resyncs++,
    });
    await flush();
    streams[0]?.write(
      Array.from(
        { length: 5 },
        (_, i) => `id: ${i + 1}\nevent: config.changed\ndata: {"at":${i}}\n\n`,
      ).join(''),
    );
    await flush();
    expect(seen).toEqual([[0, 1, 2, 3, 4].map((at) => ({ name: 'config.changed', data: { at } }))]);
    stop();
  });

  it('reads the stream with the token in a header, and hands over each whole event with its data', async () => {
    const seen: AdminEvent[][] = [];
    const stop = connectEvents({
      onEvents: (events) => seen.push(events),
      onState: (s) => states.push(s),
      onResync: () => resyncs++,
    });
    await flush();
    expect(streams[0]?.url).toBe('/admin/events');
    expect((streams[0]?.init.headers as Record<string, string>).authorization).toBe('Bearer tok');
    expect(streams[0]?.init.credentials).toBe('omit');
    streams[0]?.write('retry: 2000\n: connected\n\nevent: quota.changed\ndata: {"provider":"gr');
    streams[0]?.write('oq","window":"minute"}\n\nevent: request.finished\ndata: {not json\n\n');
    await flush();
    // The event split across two reads comes whole with the second; the malformed one not at all.
    expect(seen).toEqual([
      [{ name: 'quota.changed', data: { provider: 'groq', window: 'minute' } }],
    ]);
    expect(states).toEqual(['connecting', 'open']);
    stop();
    expect(streams[0]?.aborted).toBe(true);
  });

  it('reconnects after a dropped stream and asks for a resync once it is back', async () => {
    connectEvents({
      onEvents: () => undefined,
      onState: (s) => states.push(s),
      onResync: () => resyncs++,
      backoffMs: [100],
    });
    await flush();
    streams[0]?.end();
    await flush();
    expect(states.at(-1)).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(100);
    await flush();
    expect(streams).toHaveLength(2);
    expect(resyncs).toBe(1);
    expect(states.at(-1)).toBe('open');
  });

  it('waits longer after each HTTP error (a restarting engine answers 503, a new one 401)', async () => {
    statuses = [200, 503, 401];
    connectEvents({
      onEvents: () => undefined,
      onState: (s) => states.push(s),
      onResync: () => resyncs++,
      backoffMs: [100, 1000],
    });
    await flush();
    streams[0]?.end();
    await flush();
    await vi.advanceTimersByTimeAsync(100);
    await flush();
    expect(streams).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(999);
    expect(streams).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    await flush();
    expect(streams).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1000);
    await flush();
    expect(streams).toHaveLength(4);
    expect(resyncs).toBe(1);
  });

  it('stops retrying once stopped', async () => {
    statuses = [503];
    const stop = connectEvents({
      onEvents: () => undefined,
      onState: (s) => states.push(s),
      onResync: () => resyncs++,
      backoffMs: [100],
    });
    await flush();
    stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(streams).toHaveLength(1);
  });
});
