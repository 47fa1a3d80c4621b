import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MetricsQuerySchema } from '../../../app/admin/contract.ts';
import {
  bucketOf,
  encodedPercentiles,
  encodeHistogram,
  HISTOGRAM_BUCKETS,
  mergeEncoded,
  newHistogram,
  percentiles,
} from '../../../main/store/histogram.ts';
import { rebuildRollups } from '../../../main/store/rollupWriter.ts';
import { attempt, request } from './records.ts';
import { requestLogPerTest } from './scratchStore.ts';

describe('log-scale histograms', () => {
  it('puts larger latencies in the same or a later bucket, within range', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e9, noNaN: true }),
        fc.double({ min: 0, max: 1e9, noNaN: true }),
        (a, b) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          expect(bucketOf(lo)).toBeLessThanOrEqual(bucketOf(hi));
          expect(bucketOf(hi)).toBeLessThan(HISTOGRAM_BUCKETS);
        },
      ),
    );
  });

  it('reads percentiles within 4.5 % of the exact ones (plus the 0.05 ms of rounding)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 600_000 }), { minLength: 1, maxLength: 400 }),
        (samples) => {
          const h = newHistogram();
          for (const s of samples) h[bucketOf(s)]! += 1;
          const sorted = [...samples].sort((x, y) => x - y);
          const qs = [0.5, 0.95, 0.99];
          const got = percentiles(h, qs);
          qs.forEach((q, i) => {
            const exact = sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
            expect(Math.abs(got[i]! - exact)).toBeLessThanOrEqual(0.045 * exact + 0.05);
          });
        },
      ),
    );
  });

  it('reads the same percentiles from the stored form as from the expanded one', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2_000_000 }), { minLength: 0, maxLength: 200 }),
        (samples) => {
          const h = newHistogram();
          for (const s of samples) h[bucketOf(s)]! += 1;
          const qs = [0.01, 0.5, 0.95, 0.99, 1];
          expect(encodedPercentiles(encodeHistogram(h), qs)).toEqual(percentiles(h, qs));
        },
      ),
    );
  });

  it('survives the stored form, and merges stored histograms by adding counts', () => {
    const h = newHistogram();
    for (const ms of [3, 3, 40, 900, 2_000_000]) h[bucketOf(ms)]! += 1;
    const blob = encodeHistogram(h)!;
    expect(blob.byteLength).toBe(4 * 8);
    const merged = newHistogram();
    mergeEncoded(merged, blob);
    mergeEncoded(merged, blob);
    expect([...merged]).toEqual([...h].map((n) => n * 2));
    expect(encodeHistogram(newHistogram())).toBeNull();
    expect(percentiles(newHistogram(), [0.5])).toEqual([null]);
  });
});

describe('chart metrics from the rollups', () => {
  const NOW = Date.parse('2026-03-01T12:30:30Z');
  const store = requestLogPerTest('metrics', NOW);
  const metrics = (q: Record<string, string>) => store.log.metrics(MetricsQuerySchema.parse(q));

  it('aggregates attempts per provider and minute: counts, errors, percentiles, tokens per second, cost', () => {
    // Two minutes ago: 20 groq attempts of 100..1050 ms, one failed; now: 5 gemini attempts.
    for (let i = 0; i < 20; i++) {
      const t = NOW - 120_000 + i;
      const failed = i === 19;
      store.log.record(request(`g${i}`, t), [
        attempt(t, {
          totalMs: 100 + i * 50,
          firstTokenMs: 50,
          tokensOut: 100,
          costUsd: 0.001,
          outcome: failed ? 'failed' : 'ok',
          status: failed ? 503 : 200,
          failureClass: failed ? 'transient' : null,
        }),
      ]);
    }
    for (let i = 0; i < 5; i++) {
      store.log.record(request(`m${i}`, NOW - i), [
        attempt(NOW - i, { provider: 'gemini', model: 'flash', keyId: null, totalMs: 2000 }),
      ]);
    }
    const result = metrics({ range: '15m' });
    expect(result).toMatchObject({ range: '15m', groupBy: 'provider', stepMs: 60_000 });
    expect(result.to - result.from).toBe(15 * 60_000);
    expect(result.to).toBe(Date.parse('2026-03-01T12:31:00Z'));
    expect(result.series.map((s) => s.group)).toEqual(['groq', 'gemini']);
    const groq = result.series[0]!;
    expect(groq.points).toHaveLength(15);
    const busy = groq.points.filter((p) => p.count > 0);
    expect(busy).toHaveLength(1);
    expect(busy[0]!.t).toBe(Date.parse('2026-03-01T12:28:00Z'));
    expect(groq.total).toMatchObject({ count: 20, errors: 1, tokensOut: 2000, costUsd: 0.02 });
    // 19 successful attempts of 100..1000 ms: the median is 550 ms.
    expect(groq.total.latencyP50! / 550).toBeGreaterThan(0.95);
    expect(groq.total.latencyP50! / 550).toBeLessThan(1.05);
    expect(groq.total.latencyP99! / 1000).toBeGreaterThan(0.95);
    expect(groq.total.firstTokenP50! / 50).toBeGreaterThan(0.95);
    // 1900 tokens over sum(total - 50 ms) = 19 * 550 - 19 * 50 = 9500 ms → 200 tokens/s.
    expect(groq.total.tokensPerSecond).toBe(200);
    const empty = groq.points[0]!;
    expect(empty).toMatchObject({ count: 0, latencyP50: null, tokensPerSecond: null });
  });

  it('groups by model or key, and filters by provider', () => {
    store.log.record(request('a', NOW), [attempt(NOW, { model: 'small' })]);
    store.log.record(request('b', NOW), [attempt(NOW, { model: 'large', keyId: 'groq-2' })]);
    store.log.record(request('c', NOW), [
      attempt(NOW, { provider: 'ollama', model: 'qwen', keyId: null }),
    ]);
    expect(
      metrics({ range: '1h', groupBy: 'model' })
        .series.map((s) => s.group)
        .sort(),
    ).toEqual(['groq/large', 'groq/small', 'ollama/qwen']);
    expect(
      metrics({ range: '1h', groupBy: 'key' })
        .series.map((s) => s.group)
        .sort(),
    ).toEqual(['(no key)', 'groq-1', 'groq-2']);
    expect(
      metrics({ range: '1h', groupBy: 'key', provider: 'groq' })
        .series.map((s) => s.group)
        .sort(),
    ).toEqual(['groq-1', 'groq-2']);
    expect(
      metrics({ range: '1h', groupBy: 'model', key: 'groq-2' }).series.map((s) => s.group),
    ).toEqual(['groq/large']);
  });

  it('serves 24 h from quarter-hour rows: 96 points', () => {
    store.log.record(request('old', NOW - 20 * 3_600_000), [attempt(NOW - 20 * 3_600_000)]);
    store.log.record(request('new', NOW), [attempt(NOW)]);
    const day = metrics({ range: '24h' });
    expect(day.stepMs).toBe(900_000);
    expect(day.series[0]!.points).toHaveLength(96);
    expect(day.series[0]!.total.count).toBe(2);
    expect(metrics({ range: '1h' }).series[0]!.total.count).toBe(1);
  });

  it('keeps counting into a bucket written before a restart', async () => {
    store.log.record(request('a', NOW), [attempt(NOW, { totalMs: 100 })]);
    store.log.flush();
    await store.restartLog();
    store.log.record(request('b', NOW + 1), [attempt(NOW + 1, { totalMs: 100 })]);
    const total = metrics({ range: '15m' }).series[0]!.total;
    expect(total.count).toBe(2);
    expect(total.latencyP50! / 100).toBeCloseTo(1, 1);
  });

  it('writes the rows a rebuild from the attempts would: targets interleaved, runs of one, bucket edges', () => {
    const rows = () =>
      store.db
        .prepare('SELECT * FROM rollups ORDER BY res, level, bucket, provider, model, key_id')
        .all();
    const targets = [
      { provider: 'groq', model: 'llama', keyId: 'groq-1' },
      { provider: 'groq', model: 'llama', keyId: 'groq-2' },
      { provider: 'groq', model: 'qwen', keyId: 'groq-1' },
      { provider: 'ollama', model: 'llama', keyId: null },
    ];
    // Runs of the same target (where the writer reuses its last row) broken by others, across
    // minute and quarter-hour edges, in batches that split runs.
    const start = Date.parse('2026-03-01T12:14:50Z');
    for (let i = 0; i < 120; i++) {
      const at = start + i * 500;
      const target = targets[Math.floor(i / 3) % 4 === 3 ? i % 4 : Math.floor(i / 7) % 4]!;
      store.log.record(request(`m${i}`, at, target), [
        attempt(at, { ...target, totalMs: 100 + i, outcome: i % 11 === 0 ? 'failed' : 'ok' }),
      ]);
      if (i % 25 === 24) store.log.flush();
    }
    store.log.flush();
    const written = rows();
    rebuildRollups(store.db);
    expect(rows()).toEqual(written);
    expect(written.length).toBeGreaterThan(40);
  });

  it('counts lost races and client aborts as attempts, but not as errors or latency samples', () => {
    store.log.record(request('h', NOW, { hedged: true }), [
      attempt(NOW, { outcome: 'lost-race', status: 0, totalMs: 5000 }),
      attempt(NOW, { index: 1, totalMs: 300, hedged: true }),
      attempt(NOW, { index: 2, outcome: 'skipped', status: 0 }),
    ]);
    const total = metrics({ range: '15m' }).series[0]!.total;
    expect(total).toMatchObject({ count: 2, errors: 0 });
    expect(total.latencyP99! / 300).toBeCloseTo(1, 1);
  });
});
