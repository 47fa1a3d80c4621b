import { beforeEach, describe, expect, it } from 'vitest';
import { RequestLogQuerySchema } from '../../../app/admin/contract.ts';
import { RequestLog, type RequestLogOptions } from '../../../main/store/requestLog.ts';
import {
  filterStatuses,
  listQuery,
  RequestLogQueryError,
} from '../../../main/store/requestLogQueries.ts';
import type { LogSettings } from '../../../main/store/requestLogWriter.ts';
import { spendSince, spendSinceQuery } from '../../../main/store/spendToday.ts';
import { attempt, request } from './records.ts';
import { databasePerTest, heldLogOptions, LOG_SETTINGS } from './scratchStore.ts';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const scratch = databasePerTest('log');
let settings: LogSettings;
let logs: string[];

function makeLog(options: Partial<RequestLogOptions> = {}): RequestLog {
  const log = new RequestLog({
    db: scratch.db,
    settings: () => settings,
    ...heldLogOptions(NOW, logs),
    ...options,
  });
  return scratch.closeAfter(log);
}

const query = (q: Record<string, unknown> = {}) => RequestLogQuerySchema.parse(q);

beforeEach(() => {
  settings = { ...LOG_SETTINGS };
  logs = [];
});

describe('RequestLog writing', () => {
  it('queues without writing, commits on flush, and reports what it wrote', () => {
    const log = makeLog();
    expect(log.record(request('r1', NOW - 1000), [attempt(NOW - 1000)])).toBe(true);
    expect(log.stats()).toEqual({ pending: 1, written: 0, dropped: 0 });
    expect(
      (scratch.db.prepare('SELECT count(*) AS n FROM requests').get() as { n: number }).n,
    ).toBe(0);
    expect(log.flush()).toBe(1);
    expect(log.stats()).toEqual({ pending: 0, written: 1, dropped: 0 });
    expect(
      (scratch.db.prepare('SELECT count(*) AS n FROM requests').get() as { n: number }).n,
    ).toBe(1);
  });

  it('commits on its own shortly after a record', async () => {
    const log = makeLog({ flushIntervalMs: 20 });
    log.record(request('r1', NOW), [attempt(NOW)]);
    await expect
      .poll(
        () => (scratch.db.prepare('SELECT count(*) AS n FROM requests').get() as { n: number }).n,
      )
      .toBe(1);
  });

  it('splits a large backlog into transactions of maxBatch and yields between them', async () => {
    const log = makeLog({ maxBatch: 100, flushIntervalMs: 30 });
    for (let i = 0; i < 350; i++) log.record(request(`r${i}`, NOW - i), [attempt(NOW - i)]);
    expect(log.stats()).toMatchObject({ pending: 350, written: 0 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(log.stats()).toMatchObject({ pending: 250, written: 100 });
    await expect.poll(() => log.stats().written).toBe(350);
  });

  it('drops records beyond maxPending, never blocking, and says how many', async () => {
    const log = makeLog({ maxPending: 5, maxBatch: 1000 });
    const accepted = Array.from({ length: 8 }, (_, i) => log.record(request(`r${i}`, NOW), []));
    expect(accepted).toEqual([true, true, true, true, true, false, false, false]);
    expect(log.stats()).toMatchObject({ pending: 5, dropped: 3 });
    expect(logs.join('\n')).toMatch(/dropped 1 request .*requests themselves were not slowed/);
    await log.close();
    expect(logs.at(-1)).toMatch(/dropped 2 requests \(3 since start\)/);
    expect(log.list(query()).droppedRows).toBe(3);
  });

  it('ignores a repeated request id without losing the rest of its batch', () => {
    const log = makeLog();
    log.record(request('dup', NOW - 2), [attempt(NOW - 2)]);
    log.record(request('dup', NOW - 1), [attempt(NOW - 1), attempt(NOW - 1, { index: 1 })]);
    log.record(request('other', NOW), [attempt(NOW)]);
    log.flush();
    expect(log.list(query()).items.map((r) => r.id)).toEqual(['other', 'dup']);
    expect(log.get('dup')?.attempts).toHaveLength(1);
    expect(log.get('other')?.attempts.map((a) => a.startedAt)).toEqual([NOW]);
    // A later batch: the repeat is ignored there too, the new row gets its own attempts.
    log.record(request('dup', NOW + 1), [attempt(NOW + 1)]);
    log.record(request('later', NOW + 2), [attempt(NOW + 2), attempt(NOW + 2, { index: 1 })]);
    log.flush();
    expect(log.list(query()).items.map((r) => r.id)).toEqual(['later', 'other', 'dup']);
    expect(log.get('dup')?.request.startedAt).toBe(NOW - 2);
    expect(log.get('later')?.attempts.map((a) => a.index)).toEqual([0, 1]);
  });

  it('writes a batch of any size whole, each request with its own attempts', () => {
    // 75 = 32 + 32 + 8 + 2 + 1: rows go in several at a time (multiRowInsert.ts).
    const log = makeLog({ maxBatch: 100 });
    for (let i = 0; i < 75; i++)
      log.record(
        request(`r${i}`, NOW + i, { tokensIn: i }),
        Array.from({ length: 1 + (i % 3) }, (_, index) => attempt(NOW + i, { index, tokensIn: i })),
      );
    expect(log.flush()).toBe(75);
    const page = log.list(query({ limit: '100' }));
    expect(page.items.map((r) => r.tokensIn)).toEqual(Array.from({ length: 75 }, (_, i) => 74 - i));
    for (const i of [0, 31, 32, 64, 72, 74]) {
      const detail = log.get(`r${i}`)!;
      expect(detail.request.tokensIn).toBe(i);
      expect(detail.attempts.map((a) => [a.index, a.tokensIn])).toEqual(
        Array.from({ length: 1 + (i % 3) }, (_, index) => [index, i]),
      );
    }
  });
});

describe('RequestLog queries', () => {
  function fill(log: RequestLog): void {
    for (let i = 0; i < 25; i++) {
      const t = NOW - i * 1000;
      const failed = i % 5 === 0;
      log.record(
        request(`r${i}`, t, {
          route: i % 2 === 0 ? 'fast' : 'smart',
          provider: i % 3 === 0 ? 'gemini' : 'groq',
          status: failed ? 429 : 200,
          failureClass: failed ? 'transient' : null,
        }),
        [attempt(t)],
      );
    }
    log.flush();
  }

  it('pages newest first with a cursor, without gaps or repeats', () => {
    const log = makeLog();
    fill(log);
    const ids: string[] = [];
    let cursor: string | undefined;
    const sizes: number[] = [];
    do {
      const page = log.list(query({ limit: '10', ...(cursor ? { cursor } : {}) }));
      sizes.push(page.items.length);
      ids.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(sizes).toEqual([10, 10, 5]);
    expect(ids).toEqual(Array.from({ length: 25 }, (_, i) => `r${i}`));
  });

  it('filters by route, provider, status and time range', () => {
    const log = makeLog();
    fill(log);
    const ids = (q: Record<string, string>) =>
      log.list(query({ limit: '100', ...q })).items.map((r) => r.id);
    expect(ids({ route: 'fast' })).toHaveLength(13);
    expect(ids({ provider: 'gemini' })).toEqual([
      'r0',
      'r3',
      'r6',
      'r9',
      'r12',
      'r15',
      'r18',
      'r21',
      'r24',
    ]);
    expect(ids({ status: 'error' })).toEqual(['r0', 'r5', 'r10', 'r15', 'r20']);
    expect(ids({ status: '429' })).toEqual(['r0', 'r5', 'r10', 'r15', 'r20']);
    expect(ids({ status: 'ok' })).toHaveLength(20);
    expect(ids({ from: String(NOW - 3000), to: String(NOW) })).toEqual(['r1', 'r2', 'r3']);
    expect(ids({ route: 'fast', provider: 'gemini', status: 'error' })).toEqual(['r0']);
  });

  it.each([
    {},
    { route: 'fast' },
    { provider: 'nobody' },
    { status: 'ok' },
    { status: 'error' },
    { status: '404' },
    { from: String(NOW - 900_000) },
    { route: 'fast', from: String(NOW - 900_000), to: String(NOW) },
  ])(
    'reads %j through an index in time order, matching rows or none, with a cursor too',
    (filter) => {
      const log = makeLog();
      fill(log);
      const first = log.list(query({ limit: '2' })).nextCursor!;
      for (const q of [query(filter), query({ ...filter, cursor: first })]) {
        const { sql, params } = listQuery(q, filterStatuses(scratch.db, q.status));
        const reads = (
          scratch.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]
        )
          .map((r) => r.detail)
          // A status class merges one read per status: MERGE (UNION ALL), LEFT, RIGHT.
          .filter((detail) => !/^(MERGE \(UNION ALL\)|LEFT|RIGHT)$/.test(detail));
        // A SEARCH through an index, no sort of the matches: cost is the page, not the log.
        for (const read of reads)
          expect(read).toMatch(
            /^SEARCH requests USING (COVERING )?INDEX|^SCAN requests USING INDEX requests_by_time$/,
          );
        expect(reads.join('; ')).not.toMatch(/TEMP B-TREE/);
        if (Object.keys(filter).length > 0) expect(reads.join('; ')).toMatch(/^SEARCH/);
      }
    },
  );

  it('merges the statuses ok and error stand for, newest first across them, page by page', () => {
    const log = makeLog();
    const statuses = [200, 429, 201, 500, 200, 404, 502, 204, 429, 200, 503, 500];
    statuses.forEach((status, i) =>
      log.record(request(`s${i}`, NOW - i * 1000, { status }), [attempt(NOW - i * 1000)]),
    );
    // Two rows in the same millisecond: the row id orders them, as without a filter.
    log.record(request('same-ms', NOW - 3000, { status: 500 }), [attempt(NOW - 3000)]);
    log.flush();
    const all = (status: string) => {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = log.list(query({ status, limit: '2', ...(cursor ? { cursor } : {}) }));
        ids.push(...page.items.map((r) => r.id));
        cursor = page.nextCursor;
      } while (cursor);
      return ids;
    };
    expect(all('error')).toEqual(['s1', 'same-ms', 's3', 's5', 's6', 's8', 's10', 's11']);
    expect(all('ok')).toEqual(['s0', 's2', 's4', 's7', 's9']);
    expect(all('500')).toEqual(['same-ms', 's3', 's11']);
    expect(all('418')).toEqual([]);
    expect(log.list(query({ status: 'error', route: 'nowhere' })).items).toEqual([]);
  });

  it('answers ok and error on a log that holds none of them without a query', () => {
    const log = makeLog();
    log.record(request('a', NOW, { status: 200 }), [attempt(NOW)]);
    log.flush();
    expect(filterStatuses(scratch.db, 'error')).toEqual([]);
    expect(log.list(query({ status: 'error' })).items).toEqual([]);
    expect(() => log.list(query({ status: 'error', cursor: 'nope' }))).toThrow(
      RequestLogQueryError,
    );
  });

  it("keeps today's spend as running totals per quarter hour, so start-up reads no attempts", () => {
    const log = makeLog();
    const midnight = NOW - (NOW % 86_400_000);
    const paid = (at: number, cost: number, keyId = 'openai-1', index = 0) =>
      attempt(at, { provider: 'openai', keyId, costUsd: cost, index });
    log.record(request('yesterday', midnight - 1000, { route: 'smart' }), [
      paid(midnight - 1000, 5),
    ]);
    log.record(request('a', midnight + 1000, { route: 'smart' }), [
      paid(midnight + 1000, 0.25),
      paid(midnight + 1100, 0.5, 'openai-2', 1),
    ]);
    log.record(request('b', NOW - 10, { route: 'smart' }), [paid(NOW - 10, 1)]);
    log.record(request('c', NOW - 5, { route: 'fast' }), [paid(NOW - 5, 2)]);
    log.record(request('b', NOW - 1, { route: 'smart' }), [paid(NOW - 1, 100)]);
    log.flush();
    expect(spendSince(scratch.db, midnight).sort((x, y) => x.usd - y.usd)).toEqual([
      { route: 'smart', keyId: 'openai-2', usd: 0.5 },
      { route: 'smart', keyId: 'openai-1', usd: 1.25 },
      { route: 'fast', keyId: 'openai-1', usd: 2 },
    ]);
    const plan = (
      scratch.db.prepare(`EXPLAIN QUERY PLAN ${spendSinceQuery(midnight).sql}`).all(midnight) as {
        detail: string;
      }[]
    )
      .map((r) => r.detail)
      .join('; ');
    expect(plan).not.toMatch(/attempts|requests/);
  });

  it('refuses a cursor it did not give out', () => {
    const log = makeLog();
    expect(() => log.list(query({ cursor: 'bm9wZQ' }))).toThrow(RequestLogQueryError);
  });

  it('returns one request with its attempts in order', () => {
    const log = makeLog();
    log.record(request('r1', NOW, { hedged: true }), [
      attempt(NOW, { index: 0, outcome: 'lost-race', status: 0 }),
      attempt(NOW + 500, { index: 1, provider: 'gemini', hedged: true }),
    ]);
    log.flush();
    const detail = log.get('r1');
    expect(detail?.request).toMatchObject({
      id: 'r1',
      hedged: true,
      streamed: true,
      clientAborted: false,
    });
    expect(detail?.attempts.map((a) => [a.index, a.provider, a.outcome, a.hedged])).toEqual([
      [0, 'groq', 'lost-race', false],
      [1, 'gemini', 'ok', true],
    ]);
    expect(log.get('nope')).toBeUndefined();
  });
});

describe('bodies', () => {
  const prompt =
    'my key is sk-proj-abcdefghijklmnopqrstuvwx1234 and gsk_AAAAbbbbCCCCdddd1234 please';

  it('are not stored unless settings.logBodies is on', () => {
    const log = makeLog();
    log.record(request('r1', NOW, { requestBody: prompt, responseBody: 'hi' }), []);
    log.flush();
    expect(log.get('r1')?.request).not.toHaveProperty('requestBody');
    expect((scratch.db.prepare('SELECT count(*) AS n FROM bodies').get() as { n: number }).n).toBe(
      0,
    );
  });

  it('are stored as handed over when it is on (the recorder redacts them first)', () => {
    settings.logBodies = true;
    const log = makeLog();
    log.record(request('r1', NOW, { requestBody: 'my key is [redacted]', responseBody: 'ok' }), []);
    log.flush();
    const { request: stored } = log.get('r1')!;
    expect([stored.requestBody, stored.responseBody]).toEqual(['my key is [redacted]', 'ok']);
  });
});

describe('retention', () => {
  it('deletes requests, attempts and bodies older than retentionDays', async () => {
    settings = { logBodies: true, retentionDays: 7, retentionMaxMb: 512 };
    const log = makeLog();
    const day = 86_400_000;
    log.record(request('old', NOW - 8 * day, { requestBody: 'x' }), [attempt(NOW - 8 * day)]);
    log.record(request('recent', NOW - 6 * day), [attempt(NOW - 6 * day)]);
    log.flush();
    expect(await log.prune()).toBe(1);
    expect(log.list(query()).items.map((r) => r.id)).toEqual(['recent']);
    const counts = scratch.db
      .prepare(
        'SELECT (SELECT count(*) FROM attempts) AS a, (SELECT count(*) FROM bodies) AS b, (SELECT count(*) FROM rollups WHERE bucket < ?) AS r',
      )
      .get(NOW - 7 * day) as { a: number; b: number; r: number };
    expect(counts).toEqual({ a: 1, b: 0, r: 0 });
  });

  it('deletes the oldest requests until the database fits retentionMaxMb', async () => {
    settings = { logBodies: true, retentionDays: 30, retentionMaxMb: 1 };
    const log = makeLog();
    const body = 'lorem ipsum '.repeat(200);
    for (let i = 0; i < 1500; i++)
      log.record(request(`r${i}`, NOW - (1500 - i) * 1000, { requestBody: body }), []);
    log.flush();
    const used = () => {
      const p = scratch.db.prepare('PRAGMA page_count').get() as { page_count: number };
      const f = scratch.db.prepare('PRAGMA freelist_count').get() as { freelist_count: number };
      const s = scratch.db.prepare('PRAGMA page_size').get() as { page_size: number };
      return (p.page_count - f.freelist_count) * s.page_size;
    };
    expect(used()).toBeGreaterThan(2 * 1024 * 1024);
    const deleted = await log.prune();
    expect(deleted).toBeGreaterThan(0);
    expect(used()).toBeLessThanOrEqual(1024 * 1024);
    const left = log.list(query({ limit: '500' })).items.map((r) => r.id);
    expect(left[0]).toBe('r1499');
    expect(left).not.toContain('r0');
    const oldest = (
      scratch.db.prepare('SELECT min(started_at) AS t FROM requests').get() as { t: number }
    ).t;
    const kept = (scratch.db.prepare('SELECT count(*) AS n FROM requests').get() as { n: number })
      .n;
    expect(oldest).toBe(NOW - kept * 1000);
  });
});
