import { beforeEach, describe, expect, it } from 'vitest';
import { MetricsQuerySchema, RequestLogQuerySchema } from '../../../app/admin/contract.ts';
import { RequestLogQueryError } from '../../../main/store/requestLogQueries.ts';
import { listItem } from '../../../main/store/requestLogWriter.ts';
import {
  RequestLogThread,
  type RequestLogThreadOptions,
} from '../../../main/store/requestLogThread.ts';
import { attempt, request } from './records.ts';
import { databasePerTest, heldLogOptions, LOG_SETTINGS } from './scratchStore.ts';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const scratch = databasePerTest('thread');
let logs: string[];

function start(options: Partial<RequestLogThreadOptions> = {}): RequestLogThread {
  const thread = new RequestLogThread({
    path: scratch.path,
    settings: () => ({ ...LOG_SETTINGS, logBodies: true }),
    ...heldLogOptions(NOW, logs),
    ...options,
  });
  return scratch.closeAfter(thread);
}

const count = () =>
  (scratch.db.prepare('SELECT count(*) AS n FROM requests').get() as { n: number }).n;

beforeEach(() => {
  logs = [];
});

describe('RequestLogThread', () => {
  it('keeps rule and affinity, and counts only tried attempts, live and stored alike', async () => {
    const log = start();
    const skip = attempt(NOW, { index: 1, outcome: 'skipped', status: 0, provider: 'gemini' });
    const record = request('r1', NOW, {
      rule: 'background',
      affinity: 'kept on groq key "g2": same session',
    });
    log.record(record, [attempt(NOW), skip]);
    // What the event stream sends of it (eventHub.test.ts).
    const live = listItem(record, [attempt(NOW), skip]);
    const [stored] = (await log.list(RequestLogQuerySchema.parse({}))).items;
    expect(stored).toMatchObject({
      rule: 'background',
      affinity: 'kept on groq key "g2": same session',
      attempts: 1,
    });
    // The plan's skip is logged with its reason, but the live row says what the stored one does.
    expect((await log.get('r1'))?.attempts.map((a) => a.outcome)).toEqual(['ok', 'skipped']);
    expect(live).toMatchObject({ rule: 'background', attempts: 1 });
  });

  it('writes in its own thread: record returns at once, the batch is committed by the worker', async () => {
    const log = start({ flushIntervalMs: 10 });
    log.record(request('r1', NOW, { requestBody: 'hello' }), [attempt(NOW)]);
    expect(count()).toBe(0);
    expect(log.stats()).toEqual({ pending: 1, written: 0, dropped: 0 });
    await expect.poll(() => log.stats().written).toBe(1);
    expect(count()).toBe(1);
    expect(log.stats()).toEqual({ pending: 0, written: 1, dropped: 0 });
  });

  it('answers queries after the records sent before them, with bodies, metrics and errors', async () => {
    const log = start();
    for (let i = 0; i < 30; i++)
      log.record(request(`r${i}`, NOW - i * 1000, { requestBody: `b${i}` }), [
        attempt(NOW - i * 1000),
      ]);
    const page = await log.list(RequestLogQuerySchema.parse({ limit: '10' }));
    expect(page.items.map((r) => r.id)).toEqual(Array.from({ length: 10 }, (_, i) => `r${i}`));
    const next = await log.list(
      RequestLogQuerySchema.parse({ limit: '25', cursor: page.nextCursor }),
    );
    expect(next.items.map((r) => r.id)).toEqual(Array.from({ length: 20 }, (_, i) => `r${i + 10}`));
    expect((await log.get('r3'))?.request.requestBody).toBe('b3');
    expect(await log.get('nope')).toBeUndefined();
    const metrics = await log.metrics(MetricsQuerySchema.parse({ range: '1h' }));
    expect(metrics.series[0]?.total.count).toBe(30);
    await expect(
      log.list(RequestLogQuerySchema.parse({ cursor: 'bm90LWEtY3Vyc29y' })),
    ).rejects.toBeInstanceOf(RequestLogQueryError);
  });

  it('drops records beyond maxPending without blocking, counts them, and says so', async () => {
    const log = start({ maxPending: 3 });
    const accepted = Array.from({ length: 5 }, (_, i) => log.record(request(`r${i}`, NOW), []));
    expect(accepted).toEqual([true, true, true, false, false]);
    expect((await log.list(RequestLogQuerySchema.parse({}))).droppedRows).toBe(2);
    expect(logs.join('\n')).toMatch(/dropped 1 request/);
  });

  it('runs retention in the thread', async () => {
    const log = start();
    log.record(request('old', NOW - 40 * 86_400_000), [attempt(NOW - 40 * 86_400_000)]);
    log.record(request('new', NOW), [attempt(NOW)]);
    expect(await log.prune()).toBe(1);
    expect((await log.list(RequestLogQuerySchema.parse({}))).items.map((r) => r.id)).toEqual([
      'new',
    ]);
  });

  it('starts its query thread with the first query and ends it when idle, losing nothing', async () => {
    const log = start({ queryThreadIdleMs: 20 });
    log.record(request('r1', NOW), [attempt(NOW)]);
    expect(log.queryThreadRunning).toBe(false);
    const ids = async () =>
      (await log.list(RequestLogQuerySchema.parse({}))).items.map((item) => item.id);
    expect(await ids()).toEqual(['r1']);
    expect(log.queryThreadRunning).toBe(true);
    await expect.poll(() => log.queryThreadRunning).toBe(false);
    log.record(request('r2', NOW + 1), [attempt(NOW + 1)]);
    expect(await ids()).toEqual(['r2', 'r1']);
    expect(log.stats().dropped).toBe(0);
    expect(logs).toEqual([]);
  });

  it('commits a log several times larger than the writer’s page cache, every row and body intact', async () => {
    // 2,000 requests with 2 KB bodies: about 5 MB of pages against the writer's 1 MB cache
    // (requestLogWorker.ts), so pages leave the cache between and within the batches.
    const log = start();
    const total = 2000;
    const body = (i: number) => `body ${i} ${'x'.repeat(2000)}`;
    for (let i = 0; i < total; i++)
      log.record(request(`r${i}`, NOW - i, { requestBody: body(i) }), [attempt(NOW - i)]);
    await log.close();
    expect(log.stats()).toEqual({ pending: 0, written: total, dropped: 0 });
    const rows = scratch.db
      .prepare(
        'SELECT r.request_id AS id, b.request_body AS body FROM bodies b JOIN requests r ON r.id = b.request',
      )
      .all() as { id: string; body: string }[];
    expect(rows).toHaveLength(total);
    for (const row of rows) expect(row.body).toBe(body(Number(row.id.slice(1))));
    expect(count()).toBe(total);
    const attempts = scratch.db.prepare('SELECT count(*) AS n FROM attempts').get() as {
      n: number;
    };
    expect(attempts.n).toBe(total);
  });

  it('writes what is queued when it closes', async () => {
    const log = start();
    log.record(request('last', NOW), [attempt(NOW)]);
    await log.close();
    expect(count()).toBe(1);
    expect(log.record(request('late', NOW), [])).toBe(false);
  });
});
