import { describe, expect, it } from 'vitest';
import { LogBatchEncoder, LogBatchReader, type LogBatch } from '../../../main/store/logBatch.ts';
import type { LogRow } from '../../../main/store/logRows.ts';
import { attempt, logRow, request } from './records.ts';

const NOW = Date.parse('2026-03-01T12:00:00Z');

/** Every kind of value a column holds: nulls, zeros, text outside ASCII, bodies, skipped attempts. */
const RECORDS = [
  { request: request('r1', NOW), attempts: [attempt(NOW)] },
  {
    request: request('0193a1b2-c3d4-7e5f-8a9b-000000000002', NOW + 1, {
      route: null,
      provider: null,
      keyId: null,
      model: null,
      status: 502,
      failureClass: 'transient',
      error: 'upstream said “no” — 😀',
      headersMs: null,
      firstTokenMs: null,
      tokensIn: null,
      tokensOut: null,
      costUsd: null,
      streamed: false,
      hedged: true,
      clientAborted: true,
      rule: 'background',
      affinity: 'kept on groq key "g2": same session',
      requestBody: '{"model":"fast"}',
      responseBody: '',
    }),
    attempts: [
      attempt(NOW + 1, {
        status: 502,
        outcome: 'failed',
        failureClass: 'transient',
        reason: 'bad gateway',
        costUsd: 0.000125,
        hedged: true,
        holdUntil: NOW + 60_000,
      }),
      attempt(NOW + 2, {
        index: 1,
        provider: 'gemini',
        keyId: null,
        status: 0,
        outcome: 'skipped',
        reason: 'cooling down',
        headersMs: null,
        firstTokenMs: null,
        totalMs: null,
        tokensIn: null,
        tokensOut: null,
        costUsd: null,
      }),
    ],
  },
  { request: request('ünïcode-id-✓', NOW + 2, { totalMs: 0, tokensIn: 0 }), attempts: [] },
];

/** Every row of a batch, read one at a time as the writer reads them. */
function decodeLogBatch(batch: LogBatch): LogRow[] {
  const reader = new LogBatchReader(batch);
  const rows: LogRow[] = [];
  while (reader.left > 0) rows.push(reader.next());
  return rows;
}

describe('LogBatchEncoder', () => {
  it('gives the writer the rows the records make, whatever their values', () => {
    const encoder = new LogBatchEncoder();
    for (const { request: r, attempts } of RECORDS) encoder.add(r, attempts);
    expect(encoder.rows).toBe(RECORDS.length);
    const batch = encoder.take();
    expect(decodeLogBatch(batch)).toEqual(RECORDS.map((r) => logRow(r.request, r.attempts)));
    // Each repeated name goes once.
    expect(batch.names.filter((name) => name === 'groq')).toHaveLength(1);
    expect(encoder.rows).toBe(0);
  });

  it('grows past its first buffers and starts each batch empty', () => {
    const encoder = new LogBatchEncoder();
    const many = Array.from({ length: 1200 }, (_, i) => ({
      request: request(`${'x'.repeat(40)}-${i}`, NOW + i, { route: `route-${i % 7}` }),
      attempts: [attempt(NOW + i), attempt(NOW + i, { index: 1, model: `m-${i % 3}` })],
    }));
    for (const { request: r, attempts } of many) encoder.add(r, attempts);
    const expected = many.map((r) => logRow(r.request, r.attempts));
    expect(decodeLogBatch(encoder.take())).toEqual(expected);
    encoder.add(RECORDS[0]!.request, RECORDS[0]!.attempts);
    expect(decodeLogBatch(encoder.take())).toEqual([
      logRow(RECORDS[0]!.request, RECORDS[0]!.attempts),
    ]);
  });
});

describe('LogBatchReader', () => {
  it('passes over rows unread and reads on from the row after them', () => {
    const encoder = new LogBatchEncoder();
    for (const { request: r, attempts } of RECORDS) encoder.add(r, attempts);
    const reader = new LogBatchReader(encoder.take());
    reader.skip(2);
    expect(reader.left).toBe(1);
    expect(reader.next()).toEqual(logRow(RECORDS[2]!.request, RECORDS[2]!.attempts));
    expect(reader.left).toBe(0);
  });
});
