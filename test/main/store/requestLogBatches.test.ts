import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { AttemptRecord, RequestRecord } from '../../../app/admin/types.ts';
import { openDatabase } from '../../../main/store/database.ts';
import { LogBatchEncoder } from '../../../main/store/logBatch.ts';
import { RequestLog } from '../../../main/store/requestLog.ts';
import { attempt, request } from './records.ts';
import { databasePerTest, heldLogOptions, LOG_SETTINGS } from './scratchStore.ts';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const scratch = databasePerTest('log-batches');
const SETTINGS = { ...LOG_SETTINGS, logBodies: true };

type Recorded = { request: RequestRecord; attempts: AttemptRecord[] };

/**
 * 150 requests over 25 minutes (two quarter hours), every third one from 21 on repeating an
 * earlier id (in the same 32 rows, or rows before), with 0 to 3 attempts each (skipped, failed,
 * paid or free, keyless), bodies or not, on two routes or none. Costs are exact in binary, so a
 * sum is the same in any order.
 */
function mixed(): Recorded[] {
  return Array.from({ length: 150 }, (_, i) => {
    const at = NOW + i * 10_000;
    const id = i > 20 && i % 3 === 2 ? `r${i - (i % 2 === 0 ? 4 : 40)}` : `r${i}`;
    const attempts = Array.from({ length: i % 4 }, (_, k) => {
      const provider = (i + k) % 2 === 0 ? 'groq' : 'openai';
      return attempt(at + k, {
        index: k,
        provider,
        model: `m${k}`,
        keyId: k === 2 ? null : `${provider}-${i % 2}`,
        outcome: k === 1 && i % 5 === 0 ? 'skipped' : i % 7 === 0 ? 'failed' : 'ok',
        status: i % 7 === 0 ? 502 : 200,
        costUsd: i % 3 === 0 ? null : 0.125 * (k + 1),
        tokensIn: i,
        tokensOut: i % 5,
        firstTokenMs: 10 + k,
        totalMs: 100 + i,
      });
    });
    return {
      request: request(id, at, {
        route: i % 4 === 3 ? null : i % 2 === 0 ? 'fast' : 'smart',
        streamed: i % 2 === 0,
        tokensIn: i,
        requestBody: i % 3 === 2 ? undefined : `{"i":${i}}`,
        responseBody: i % 3 === 0 ? `answer ${i}` : undefined,
        error: i % 7 === 0 ? 'bad gateway' : null,
      }),
      attempts,
    };
  });
}

/** Everything the writer lands, with rows named by their request id (row ids may differ). */
function contents(db: DatabaseSync) {
  const all = (sql: string) => db.prepare(sql).all();
  return {
    requests: all(
      `SELECT request_id, started_at, kind, inbound, requested_model, route, provider, key_id, model, status,
              failure_class, error, headers_ms, first_token_ms, total_ms, tokens_in, tokens_out, cost,
              streamed, hedged, client_aborted, attempts, rule, affinity
         FROM requests ORDER BY request_id`,
    ),
    attempts: all(
      `SELECT r.request_id, a.idx, a.started_at, a.provider, a.model, a.key_id, a.status, a.outcome,
              a.failure_class, a.reason, a.headers_ms, a.first_token_ms, a.total_ms, a.tokens_in,
              a.tokens_out, a.cost, a.hedged, a.hold_until
         FROM attempts a JOIN requests r ON r.id = a.request ORDER BY r.request_id, a.idx`,
    ),
    bodies: all(
      `SELECT r.request_id, b.request_body, b.response_body
         FROM bodies b JOIN requests r ON r.id = b.request ORDER BY r.request_id`,
    ),
    rollups: all('SELECT * FROM rollups ORDER BY res, level, bucket, provider, model, key_id'),
    spend: all('SELECT * FROM spend ORDER BY bucket, route, key_id'),
  };
}

function logOn(db: DatabaseSync, maxBatch: number): RequestLog {
  return new RequestLog({ db, settings: () => SETTINGS, ...heldLogOptions(NOW, []), maxBatch });
}

describe('RequestLog batches', () => {
  it('lands a batch of many statements as it lands the same requests one at a time', () => {
    const records = mixed();
    const earlier = records.slice(0, 5);
    const oneDb = openDatabase(join(scratch.dir, 'one-at-a-time.db'));
    const one = scratch.closeAfter(logOn(oneDb, 1));
    scratch.closeAfter(oneDb);
    const batched = scratch.closeAfter(logOn(scratch.db, 100));
    // Committed before, so the batch repeats ids the log already holds.
    for (const log of [one, batched]) {
      for (const r of earlier) log.record(r.request, r.attempts);
      log.flush();
    }
    for (const r of records) {
      one.record(r.request, r.attempts);
      one.flush();
    }
    for (const r of records) batched.record(r.request, r.attempts);
    // 150 requests in transactions of 100 and 50, each of several statements.
    expect(batched.flush()).toBe(150);
    const landed = contents(scratch.db);
    expect(landed).toEqual(contents(oneDb));

    // And what that is: each id once, as first recorded, with its attempts and bodies.
    const first = new Map<string, Recorded>();
    for (const r of records) if (!first.has(r.request.id)) first.set(r.request.id, r);
    expect(landed.requests).toHaveLength(first.size);
    expect(first.size).toBeLessThan(records.length - 20);
    for (const [id, r] of first) {
      const detail = batched.get(id)!;
      expect(detail.request).toMatchObject({
        startedAt: r.request.startedAt,
        route: r.request.route,
        ...(r.request.requestBody === undefined ? {} : { requestBody: r.request.requestBody }),
        ...(r.request.responseBody === undefined ? {} : { responseBody: r.request.responseBody }),
      });
      expect(detail.attempts).toEqual(r.attempts);
    }
    // Rollups count every attempt tried, a repeated request's too; spend only what was kept.
    const tried = [...earlier, ...records].flatMap((r) =>
      r.attempts.filter((a) => a.outcome !== 'skipped'),
    );
    const counted = scratch.db
      .prepare('SELECT sum(count) AS n FROM rollups WHERE res = 60000 AND level = 3')
      .get() as { n: number };
    expect(counted.n).toBe(tried.length);
    const paid = [...first.values()]
      .filter((r) => r.request.route !== null)
      .flatMap((r) => r.attempts)
      .filter((a) => a.keyId !== null && a.costUsd !== null)
      .reduce((sum, a) => sum + a.costUsd!, 0);
    const spent = scratch.db.prepare('SELECT sum(usd) AS usd FROM spend').get() as {
      usd: number;
    };
    expect(spent.usd).toBe(paid);
  });

  it('loses only the transaction that failed, whole, and writes the next from where it starts', () => {
    const lines: string[] = [];
    const log = scratch.closeAfter(
      new RequestLog({
        db: scratch.db,
        settings: () => SETTINGS,
        ...heldLogOptions(NOW, lines),
        maxBatch: 100,
      }),
    );
    // The 41st request fails its statement, half-way through the first transaction's rows.
    scratch.db.exec(`CREATE TRIGGER refuse BEFORE INSERT ON requests WHEN NEW.request_id = 'r40'
                     BEGIN SELECT RAISE(ABORT, 'refused'); END`);
    const records = mixed();
    for (const r of records) log.record(r.request, r.attempts);
    expect(log.flush()).toBe(records.length - 100);
    expect(log.stats()).toEqual({ pending: 0, written: records.length - 100, dropped: 100 });
    expect(lines.join('\n')).toMatch(/could not write 100 requests \(refused\)/);

    // What landed is exactly the second transaction's requests, as if the first were never sent.
    const otherDb = openDatabase(join(scratch.dir, 'second-only.db'));
    const secondOnly = scratch.closeAfter(logOn(otherDb, 100));
    scratch.closeAfter(otherDb);
    for (const r of records.slice(100)) secondOnly.record(r.request, r.attempts);
    secondOnly.flush();
    expect(contents(scratch.db)).toEqual(contents(otherDb));
  });
});

/** Writes a batch of 40 requests; the batch's texts, weakly held. */
function writeOne(log: RequestLog): WeakRef<string[]> {
  const encoder = new LogBatchEncoder();
  for (const r of mixed().slice(0, 40)) encoder.add(r.request, r.attempts);
  const batch = encoder.take();
  expect(log.writeBatch(batch)).toBe(40);
  return new WeakRef(batch.texts);
}

describe('RequestLog batches, once written', () => {
  it('holds nothing of a batch it wrote (its buffers and texts go with the next collection)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const texts = writeOne(scratch.closeAfter(logOn(scratch.db, 100)));
    // A WeakRef holds its target until the turn that made it ends.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(texts.deref()).toBeUndefined();
  });
});
