// npm run bench -- requestLog: fills a request log with BENCH_ROWS requests (1,000,000 by default)
// spread over the last 24 h, then times the dashboard's chart queries (15 min, 1 h, 24 h per
// provider, model and key), request-log pages (filters that match and that match nothing, the
// Overview's seed: `from` plus a cursor) and what writing costs; then starts a real engine on
// that log (engineOnLog.ts) for start-up time and proxied latency during retention and Overview
// loads. BENCH_ROWS=100000 makes a quick run.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MetricsQuerySchema, RequestLogQuerySchema } from '../../app/admin/contract.ts';
import type { AttemptRecord, RequestRecord } from '../../app/admin/types.ts';
import { openDatabase } from '../../main/store/database.ts';
import { RequestLog } from '../../main/store/requestLog.ts';
import { spendSince } from '../../main/store/spendToday.ts';
import { engineOnLog } from './engineOnLog.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const BATCH = 500;
const DAY = 86_400_000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
// Now, not a fixed date: the engine started on this log reads "the last 15 min" and "today" by
// its own clock.
const NOW = Date.now();

const PROVIDERS = [
  'groq',
  'gemini',
  'mistral',
  'openrouter',
  'cerebras',
  'openai',
  'anthropic',
  'ollama',
];
const MODELS = ['small', 'medium', 'large'];

/** A small deterministic generator, so every run writes the same log. */
let seed = 42;
function random(): number {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
}

function latency(): number {
  // Roughly log-normal around 700 ms, with a long tail.
  return Math.round(Math.exp(6.5 + 0.8 * (random() + random() + random() - 1.5)));
}

function makeRow(i: number): { request: RequestRecord; attempts: AttemptRecord[] } {
  const startedAt = NOW - DAY + Math.floor((i * DAY) / ROWS);
  const provider = PROVIDERS[Math.floor(random() * PROVIDERS.length)]!;
  const model = MODELS[Math.floor(random() * MODELS.length)]!;
  const keyId = provider === 'ollama' ? null : `${provider}-${1 + Math.floor(random() * 2)}`;
  const attempts: AttemptRecord[] = [];
  if (random() < 0.15) {
    attempts.push({
      index: 0,
      startedAt,
      provider: 'groq',
      model: 'small',
      keyId: 'groq-1',
      status: 429,
      outcome: 'failed',
      failureClass: 'transient',
      reason: 'groq is rate-limited for 2 s',
      headersMs: 40,
      firstTokenMs: null,
      totalMs: 45,
      tokensIn: null,
      tokensOut: null,
      costUsd: null,
      hedged: false,
      holdUntil: null,
    });
  }
  const total = latency();
  const firstToken = Math.round(total * 0.3);
  attempts.push({
    index: attempts.length,
    startedAt: startedAt + (attempts.length > 0 ? 45 : 0),
    provider,
    model,
    keyId,
    status: 200,
    outcome: 'ok',
    failureClass: null,
    reason: null,
    headersMs: Math.round(firstToken * 0.8),
    firstTokenMs: firstToken,
    totalMs: total,
    tokensIn: 800,
    tokensOut: 200,
    costUsd: provider === 'openai' || provider === 'anthropic' ? 0.0012 : 0,
    hedged: false,
    holdUntil: null,
  });
  const last = attempts.at(-1)!;
  return {
    request: {
      id: `req-${i.toString(36)}`,
      startedAt,
      kind: 'chat',
      inboundFormat: 'openai',
      requestedModel: 'fast',
      route: 'fast',
      provider,
      keyId,
      model,
      status: 200,
      failureClass: null,
      error: null,
      headersMs: last.headersMs,
      firstTokenMs: last.firstTokenMs,
      totalMs: total + (attempts.length > 1 ? 45 : 0),
      tokensIn: 800,
      tokensOut: 200,
      costUsd: last.costUsd,
      streamed: true,
      hedged: false,
      clientAborted: false,
    },
    attempts,
  };
}

function summarize(samples: number[]): { p50: number; p95: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p95: at(0.95), max: sorted.at(-1)! };
}

function time(fn: () => unknown): number {
  const started = performance.now();
  fn();
  return performance.now() - started;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-bench-log-'));
  const path = join(dir, 'switchyard.db');
  const db = openDatabase(path);
  const log = new RequestLog({
    db,
    settings: () => ({ logBodies: false, retentionDays: 30, retentionMaxMb: 100_000 }),
    now: () => NOW,
    pruneIntervalMs: 0,
    flushIntervalMs: 3_600_000,
    maxBatch: BATCH,
    maxPending: BATCH * 2,
  });

  // The proxy's side: what record() costs per call, on a scratch log, after a warm-up round. It
  // encodes the record into the next batch (logBatch.ts), as the engine's RequestLogThread does
  // on the proxy's thread.
  const scratchDb = openDatabase(':memory:');
  const scratch = new RequestLog({
    db: scratchDb,
    settings: () => ({ logBodies: false, retentionDays: 30, retentionMaxMb: 100_000 }),
    pruneIntervalMs: 0,
    maxBatch: BATCH,
  });
  let recordMs = 0;
  for (let round = 0; round < 11; round++) {
    const probe = Array.from({ length: BATCH }, (_, i) => makeRow(round * BATCH + i));
    const ms = time(() => probe.forEach((r) => scratch.record(r.request, r.attempts)));
    if (round > 0) recordMs += ms;
    scratch.flush();
  }
  const recordNs = (recordMs * 1e6) / (10 * BATCH);
  await scratch.close();
  scratchDb.close();
  seed = 42;

  const commits: number[] = [];
  let attemptRows = 0;
  const fillStarted = performance.now();
  for (let i = 0; i < ROWS; i++) {
    const row = makeRow(i);
    attemptRows += row.attempts.length;
    log.record(row.request, row.attempts);
    if ((i + 1) % BATCH === 0 || i === ROWS - 1) commits.push(time(() => log.flush()));
  }
  const fillSeconds = (performance.now() - fillStarted) / 1000;
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  const sizeMb = (await stat(path)).size / 1024 / 1024;
  const commit = summarize(commits);
  const rollupRows = (db.prepare('SELECT count(*) AS n FROM rollups').get() as { n: number }).n;

  const rows: string[][] = [];
  const measure = (what: string, fn: () => unknown) => {
    fn();
    fn();
    const s = summarize(Array.from({ length: RUNS }, () => time(fn)));
    rows.push([what, s.p50.toFixed(2), s.p95.toFixed(2), s.max.toFixed(2)]);
  };
  for (const range of ['24h', '1h', '15m'] as const) {
    for (const groupBy of ['provider', 'model', 'key'] as const) {
      const query = MetricsQuerySchema.parse({ range, groupBy });
      measure(`chart ${range} by ${groupBy}`, () => log.metrics(query));
    }
  }
  measure('chart 24h by model, one provider', () =>
    log.metrics(MetricsQuerySchema.parse({ range: '24h', groupBy: 'model', provider: 'groq' })),
  );
  measure('log: newest 50', () => log.list(RequestLogQuerySchema.parse({})));
  measure('log: 50 of provider=mistral', () =>
    log.list(RequestLogQuerySchema.parse({ provider: 'mistral' })),
  );
  measure('log: 50 of status=ok', () => log.list(RequestLogQuerySchema.parse({ status: 'ok' })));
  measure('log: 50 of status=ok, provider=mistral', () =>
    log.list(RequestLogQuerySchema.parse({ status: 'ok', provider: 'mistral' })),
  );
  measure('log: 50 in a 1 h window 12 h ago', () =>
    log.list(
      RequestLogQuerySchema.parse({
        from: String(NOW - 13 * 3_600_000),
        to: String(NOW - 12 * 3_600_000),
      }),
    ),
  );
  for (const [what, filter] of [
    ['provider=nobody', { provider: 'nobody' }],
    ['route=nowhere', { route: 'nowhere' }],
    ['status=error', { status: 'error' }],
    ['status=404', { status: '404' }],
  ] as const)
    measure(`log: 50 of ${what} (matches none)`, () =>
      log.list(RequestLogQuerySchema.parse(filter)),
    );
  const seedFrom = String(NOW - 15 * 60_000);
  const firstSeedPage = log.list(RequestLogQuerySchema.parse({ from: seedFrom, limit: '500' }));
  measure('Overview seed: a page of 500, from 15 min ago, after a cursor', () =>
    log.list(
      RequestLogQuerySchema.parse({
        from: seedFrom,
        limit: '500',
        cursor: firstSeedPage.nextCursor,
      }),
    ),
  );
  let seedRows = 0;
  measure('Overview seed: every page of the last 15 min (500 a page)', () => {
    seedRows = 0;
    let cursor: string | undefined;
    do {
      const seedPage = log.list(
        RequestLogQuerySchema.parse({
          from: seedFrom,
          limit: '500',
          ...(cursor ? { cursor } : {}),
        }),
      );
      seedRows += seedPage.items.length;
      cursor = seedPage.nextCursor;
    } while (cursor !== undefined);
  });
  let liveRows = 0;
  measure('Overview live figures: the last 15 min counted per minute', () => {
    liveRows = log.liveTraffic().minutes.reduce((n, m) => n + m.requests, 0);
  });
  const page = log.list(RequestLogQuerySchema.parse({}));
  measure('log: one request with attempts', () => log.get(page.items[0]!.id));

  // Live traffic at 10,000 requests/s: each transaction covers BATCH / 10,000 s, as the engine's
  // would, on top of the full log.
  const live: number[] = [];
  for (let batch = 0; batch < 40; batch++) {
    for (let i = 0; i < BATCH; i++) {
      const n = ROWS + BATCH + batch * BATCH + i;
      const row = makeRow(n);
      row.request.id = `live-${n}`;
      const t = NOW + Math.floor(((batch * BATCH + i) * 1000) / 10_000);
      row.request.startedAt = t;
      for (const a of row.attempts) a.startedAt = t;
      log.record(row.request, row.attempts);
    }
    live.push(time(() => log.flush()));
  }
  const liveCommit = summarize(live);

  console.log(
    `\nRequest log benchmark: ${ROWS.toLocaleString('en')} requests (${attemptRows.toLocaleString('en')} attempts) over 24 h, 8 providers x 3 models x 2 keys; ${RUNS} timed runs per query after 2 warm-ups.`,
  );
  console.log(
    'Reproduce: npm run bench -- requestLog   (BENCH_ROWS, BENCH_RUNS to change the size)\n',
  );
  console.log('| query | p50 ms | p95 ms | max ms |\n|---|---|---|---|');
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  console.log(
    `\nFilling: ${(ROWS / fillSeconds).toFixed(0)} requests/s (${fillSeconds.toFixed(1)} s, row generation included; each ${BATCH}-request transaction spans ${((BATCH * DAY) / ROWS / 60_000).toFixed(1)} min of the day: ${commit.p50.toFixed(1)} ms p50, ${commit.max.toFixed(1)} ms max).`,
  );
  console.log(
    `Live traffic at 10,000 requests/s (${BATCH} requests per transaction, ${BATCH / 10_000} s each): ${liveCommit.p50.toFixed(1)} ms p50, ${liveCommit.p95.toFixed(1)} ms p95, ${liveCommit.max.toFixed(1)} ms max per commit, so ${((10_000 / BATCH) * liveCommit.p50).toFixed(0)} ms of writing per second (${(((10_000 / BATCH) * liveCommit.p50) / 10).toFixed(1)} % of one core, in the log's own thread since SQLite moved off the proxy's); record() itself costs ${recordNs.toFixed(0)} ns per request.`,
  );
  console.log(
    `Database: ${sizeMb.toFixed(0)} MB on disk, ${rollupRows.toLocaleString('en')} rollup rows; the Overview's last 15 min hold ${seedRows.toLocaleString('en')} requests (its live figures count ${liveRows.toLocaleString('en')}).`,
  );

  await log.close();
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  db.close();
  // The store's part of start-up: open (schema check), then today's spend.
  const midnight = new Date(NOW);
  midnight.setHours(0, 0, 0, 0);
  const opened = time(() => {
    const again = openDatabase(path);
    spendSince(again, midnight.getTime());
    again.close();
  });
  console.log(`Store start-up on this log (open, today's spend): ${opened.toFixed(0)} ms.\n`);
  for (const line of await engineOnLog(dir, SECONDS)) console.log(line);
  await rm(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
