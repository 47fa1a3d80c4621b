import { createServer, get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestListItem } from '../../../app/admin/types.ts';
import { EventHub } from '../../../main/engine/eventHub.ts';
import { listItem } from '../../../main/store/requestLogWriter.ts';
import { attempt, request } from '../store/records.ts';
import { readEvents } from './sse.ts';

const NOW = Date.parse('2026-03-01T12:00:00Z');

let server: Server | undefined;
let hub: EventHub | undefined;

async function serve(options: ConstructorParameters<typeof EventHub>[0] = {}): Promise<string> {
  const events = new EventHub(options);
  hub = events;
  const created = createServer((req, res) => events.attach(req, res));
  server = created;
  await new Promise<void>((resolve) => created.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(created.address() as AddressInfo).port}/`;
}

afterEach(async () => {
  hub?.close();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
  hub = undefined;
});

function open(url: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => get(url, resolve).once('error', reject));
}

const bulky = (i: number): RequestListItem => ({
  id: `r${i}`,
  startedAt: i,
  kind: 'chat',
  inboundFormat: 'openai',
  requestedModel: 'fast',
  route: 'fast',
  provider: 'groq',
  keyId: null,
  model: 'm',
  status: 502,
  failureClass: 'transient',
  error: 'x'.repeat(64 * 1024),
  headersMs: null,
  firstTokenMs: null,
  totalMs: 1,
  tokensIn: null,
  tokensOut: null,
  costUsd: null,
  streamed: false,
  hedged: false,
  clientAborted: false,
  attempts: 0,
});

describe('EventHub', () => {
  it('streams typed events as SSE frames with ids', async () => {
    const url = await serve();
    const res = await open(url);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const events = readEvents(res);
    await expect.poll(() => hub!.clientCount).toBe(1);
    hub!.publish('config.changed', { at: 1 });
    hub!.publish('key.status', {
      id: 'groq-1',
      provider: 'groq',
      status: 'invalid',
      previous: 'ok',
    });
    expect(await events.next()).toEqual({ id: '1', event: 'config.changed', data: { at: 1 } });
    expect(await events.next()).toEqual({
      id: '2',
      event: 'key.status',
      data: { id: 'groq-1', provider: 'groq', status: 'invalid', previous: 'ok' },
    });
    res.destroy();
    await expect.poll(() => hub!.clientCount).toBe(0);
  });

  it('never waits on a client that stops reading: drops its oldest events and then says how many', async () => {
    const url = await serve({ maxBuffer: 8, flushIntervalMs: 1 });
    const slow = await open(url);
    slow.pause();
    const fast = await open(url);
    const fastEvents = readEvents(fast);
    await expect.poll(() => hub!.clientCount).toBe(2);

    // 400 events of 64 KiB, far more than the paused socket can take; the reading client keeps up.
    let publishing = 0;
    const fastSeen: string[] = [];
    for (let i = 0; i < 400; i++) {
      const started = performance.now();
      hub!.publish('request.finished', { request: bulky(i) });
      publishing += performance.now() - started;
      const event = await fastEvents.next();
      fastSeen.push(
        event.event === 'events.dropped'
          ? 'dropped'
          : (event.data as { request: { id: string } }).request.id,
      );
    }
    expect(fastSeen).toEqual(Array.from({ length: 400 }, (_, i) => `r${i}`));
    expect(publishing).toBeLessThan(1000);

    const slowEvents = readEvents(slow);
    slow.resume();
    const received: { event: string; data: unknown }[] = [];
    let dropped: number | undefined;
    while (
      received.length === 0 ||
      (received.at(-1)!.data as { request: { id: string } }).request?.id !== 'r399'
    ) {
      const event = await slowEvents.next();
      if (event.event === 'events.dropped') dropped = (event.data as { count: number }).count;
      else received.push(event);
    }
    expect(dropped).toBeGreaterThan(0);
    // What arrived is what the socket held before it filled, then the newest `maxBuffer` events.
    expect(received.length + dropped!).toBe(400);
    const lastIds = received
      .slice(-8)
      .map((e) => (e.data as { request: { id: string } }).request.id);
    expect(lastIds).toEqual(Array.from({ length: 8 }, (_, i) => `r${392 + i}`));
  });

  it('batches: the events of one interval reach a client in one write, in order', async () => {
    const events = new EventHub({ flushIntervalMs: 20 });
    hub = events;
    let writes = 0;
    const created = createServer((req, res) => {
      const write = res.write.bind(res) as (chunk: string) => boolean;
      res.write = ((chunk: string) => {
        writes++;
        return write(chunk);
      }) as typeof res.write;
      events.attach(req, res);
    });
    server = created;
    await new Promise<void>((resolve) => created.listen(0, '127.0.0.1', resolve));
    const res = await open(`http://127.0.0.1:${(created.address() as AddressInfo).port}/`);
    const stream = readEvents(res);
    await expect.poll(() => events.clientCount).toBe(1);
    const before = writes;
    for (let i = 0; i < 30; i++) events.publish('config.changed', { at: i });
    const seen: unknown[] = [];
    for (let i = 0; i < 30; i++) seen.push((await stream.next()).data);
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => ({ at: i })));
    expect(writes - before).toBe(1);
  });

  it('sends a request that started and finished within one interval as its finished event only', async () => {
    const url = await serve({ flushIntervalMs: 20 });
    const res = await open(url);
    const stream = readEvents(res);
    await expect.poll(() => hub!.clientCount).toBe(1);
    const started = (i: number) => {
      const { id, startedAt, kind, inboundFormat, requestedModel, route, streamed } = bulky(i);
      return { id, startedAt, kind, inboundFormat, requestedModel, route, streamed };
    };
    hub!.publish('request.started', started(1));
    hub!.publish('request.started', started(2));
    hub!.publish('request.finished', { request: bulky(1) });
    hub!.publish('config.changed', { at: 7 });
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      const event = await stream.next();
      const data = event.data as { id?: string; request?: { id: string } };
      seen.push(`${event.event} ${data.request?.id ?? data.id ?? ''}`.trim());
    }
    // r2 is still running at the flush, so the dashboard counts it in flight.
    expect(seen).toEqual(['request.started r2', 'request.finished r1', 'config.changed']);
    // A request whose start went out in an earlier interval still gets its finished event.
    hub!.publish('request.finished', { request: bulky(2) });
    const finished = await stream.next();
    expect(finished.event).toBe('request.finished');
    expect((finished.data as { request: { id: string } }).request.id).toBe('r2');
  });

  it('numbers the frames it sends without gaps, a start made moot taking none', async () => {
    const url = await serve({ flushIntervalMs: 20 });
    const res = await open(url);
    const stream = readEvents(res);
    await expect.poll(() => hub!.clientCount).toBe(1);
    const { id, startedAt, kind, inboundFormat, requestedModel, route, streamed } = bulky(1);
    hub!.publish('request.started', {
      id,
      startedAt,
      kind,
      inboundFormat,
      requestedModel,
      route,
      streamed,
    });
    hub!.publish('config.changed', { at: 1 });
    hub!.publish('request.finished', { request: bulky(1) });
    hub!.publish('config.changed', { at: 2 });
    const ids: (string | undefined)[] = [];
    for (let i = 0; i < 3; i++) ids.push((await stream.next()).id);
    expect(ids).toEqual(['1', '2', '3']);
  });

  it('sends text outside ASCII as it was published, masked', async () => {
    const url = await serve({
      flushIntervalMs: 20,
      mask: (text) => text.replaceAll('sk-secret-value', '[key …alue]'),
    });
    const res = await open(url);
    const stream = readEvents(res);
    await expect.poll(() => hub!.clientCount).toBe(1);
    const errors = ['café, naïve — ✓ 😀 \u2028', 'sk-secret-value über 🚀', '\u0000"quoted"'];
    for (const [i, error] of errors.entries())
      hub!.publish('request.finished', { request: { ...bulky(i), error } });
    const seen: string[] = [];
    for (let i = 0; i < errors.length; i++)
      seen.push(((await stream.next()).data as { request: { error: string } }).request.error);
    expect(seen).toEqual([errors[0], '[key …alue] über 🚀', errors[2]]);
  });

  it.each([
    ['without rule or affinity', request('r1', NOW), [attempt(NOW)]],
    [
      'with rule, affinity, a skip and text to escape',
      request('r2', NOW, {
        rule: 'background',
        affinity: 'kept on groq key "g2": same session',
        error: 'said “no”\n\\ 😀',
      }),
      [attempt(NOW), attempt(NOW, { index: 1, outcome: 'skipped', status: 0 })],
    ],
    ['without attempts', request('r3', NOW, { provider: null, costUsd: null }), []],
    [
      'with bodies, which it leaves out',
      request('r4', NOW, { requestBody: '{"a":1}', responseBody: 'ok' }),
      [attempt(NOW)],
    ],
  ])('sends a finished request as its list row, %s', async (_, record, attempts) => {
    const url = await serve({ flushIntervalMs: 5 });
    const res = await open(url);
    res.setEncoding('utf8');
    let text = '';
    res.on('data', (chunk: string) => (text += chunk));
    await expect.poll(() => hub!.clientCount).toBe(1);
    hub!.publishFinished(record, attempts);
    const data = JSON.stringify({ request: listItem(record, attempts) });
    await expect.poll(() => text).toContain(`event: request.finished\ndata: ${data}\n\n`);
  });

  it('keeps nothing published while no client listens', async () => {
    const url = await serve({ flushIntervalMs: 5 });
    hub!.publishFinished(request('r1', NOW), [attempt(NOW)]);
    hub!.publish('config.changed', { at: 1 });
    const res = await open(url);
    const stream = readEvents(res);
    await expect.poll(() => hub!.clientCount).toBe(1);
    hub!.publish('config.changed', { at: 2 });
    expect(await stream.next()).toEqual({ id: '1', event: 'config.changed', data: { at: 2 } });
  });

  it('masks what it sends once per write, not once per event', async () => {
    let calls = 0;
    const url = await serve({
      flushIntervalMs: 20,
      mask: (text) => {
        calls++;
        return text.replaceAll('sk-secret-value', '[key …alue]');
      },
    });
    const res = await open(url);
    const stream = readEvents(res);
    await expect.poll(() => hub!.clientCount).toBe(1);
    for (let i = 0; i < 10; i++)
      hub!.publish('request.finished', {
        request: { ...bulky(i), error: `upstream said sk-secret-value (${i})` },
      });
    const errors: string[] = [];
    for (let i = 0; i < 10; i++)
      errors.push(((await stream.next()).data as { request: { error: string } }).request.error);
    expect(errors).toEqual(
      Array.from({ length: 10 }, (_, i) => `upstream said [key …alue] (${i})`),
    );
    expect(calls).toBe(1);
  });

  it('refuses anything but GET', async () => {
    const url = await serve();
    const res = await fetch(url, { method: 'POST', body: '{}' });
    expect(res.status).toBe(405);
  });
});
