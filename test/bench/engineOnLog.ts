// Part of `npm run bench -- requestLog`: a real `switchyard serve` (the bundled bin) on the benchmark's
// log, in front of a local upstream. Times its start-up, then proxied latency (sequential
// requests) while idle, during a retention pass (the cap is set below the file's size) and
// during Overview loads (the live counts of the last 15 min plus the three charts).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { benchUpstreamConfig } from './configFixture.ts';
import { buildEngine, SERVE_ENV, serveArgs } from './engineCommand.ts';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const MB = 1024 * 1024;

type Ready = { url: string; proxyUrl: string; proxyKey: string; dashboard: string };

function start(
  args: string[],
  children: ChildProcess[],
): Promise<{ line: string; ms: number; child: ChildProcess }> {
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
    // The upstream gets the engine's environment too: it changes nothing it is measured by.
    env: {
      ...process.env,
      ...SERVE_ENV,
      SWITCHYARD_PROXY_KEY: 'sy-bench-proxy-key',
      BENCH_UPSTREAM_KEY: 'k',
    },
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) =>
      resolve({ line, ms: performance.now() - started, child }),
    );
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}`)));
  });
}

async function writeConfig(dataDir: string, upstreamUrl: string, capMb: number): Promise<void> {
  await writeFile(
    join(dataDir, 'config.json'),
    JSON.stringify(benchUpstreamConfig(upstreamUrl, { retentionMaxMb: capMb })),
  );
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** Sequential proxied requests until `until()` says stop; the latencies, sorted. */
async function proxied(ready: Ready, until: () => boolean): Promise<number[]> {
  const pool = new Pool(new URL(ready.proxyUrl).origin, { connections: 1 });
  const samples: number[] = [];
  const body = JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: 'ping' }] });
  while (!until()) {
    const t = performance.now();
    const res = await pool.request({
      path: '/v1/chat/completions',
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ready.proxyKey}` },
      body,
    });
    await res.body.arrayBuffer();
    samples.push(performance.now() - t);
  }
  await pool.close();
  return samples.sort((a, b) => a - b);
}

/** What the Overview asks when it opens: the live counts of the last 15 min, then the charts. */
async function overviewLoad(ready: Ready): Promise<{ ms: number; rows: number }> {
  const token = new URLSearchParams(new URL(ready.dashboard).hash.slice(1)).get('token')!;
  const headers = { authorization: `Bearer ${token}` };
  const t = performance.now();
  const live = (await (await fetch(`${ready.url}/admin/live`, { headers })).json()) as {
    minutes: { requests: number }[];
  };
  const rows = live.minutes.reduce((n, m) => n + m.requests, 0);
  await Promise.all(
    ['15m', '1h', '24h'].map((range) =>
      fetch(`${ready.url}/admin/metrics?range=${range}&groupBy=provider`, { headers }).then((r) =>
        r.arrayBuffer(),
      ),
    ),
  );
  return { ms: performance.now() - t, rows };
}

const row = (what: string, s: number[]) =>
  `| ${what} | ${s.length} | ${pct(s, 50).toFixed(2)} | ${pct(s, 99).toFixed(2)} | ${(s.at(-1) ?? NaN).toFixed(2)} |`;

/** Runs the phases against the log in `dataDir` (switchyard.db); returns the lines to print. */
export async function engineOnLog(dataDir: string, seconds: number): Promise<string[]> {
  const children: ChildProcess[] = [];
  const cleanup: (() => Promise<void>)[] = [];
  try {
    const db = join(dataDir, 'switchyard.db');
    const fileBytes = async () =>
      (await stat(db)).size + ((await stat(`${db}-wal`).catch(() => undefined))?.size ?? 0);
    const before = await fileBytes();
    const capMb = Math.max(10, Math.floor((0.8 * before) / MB));
    const upstream = await start([here('./upstreamServer.ts')], children);
    const upstreamUrl = `http://127.0.0.1:${upstream.line}`;
    const empty = await mkdtemp(join(tmpdir(), 'switchyard-bench-empty-'));
    cleanup.push(() => rm(empty, { recursive: true, force: true }));
    await writeConfig(empty, upstreamUrl, capMb);
    await writeConfig(dataDir, upstreamUrl, capMb);
    buildEngine();
    const serve = (dir: string) =>
      start(serveArgs(['--port', '0', '--json', '--data-dir', dir]), children);
    const emptyStart = await serve(empty);
    emptyStart.child.kill('SIGTERM');
    const engine = await serve(dataDir);
    const ready = JSON.parse(engine.line) as Ready;
    const readyAt = performance.now();

    // Retention's first pass starts 5 s after start: the first 4 s are the idle baseline.
    const idle = await proxied(ready, () => performance.now() - readyAt > 4000);
    let peak = 0;
    let fitted = false;
    const watch = setInterval(
      () =>
        void fileBytes().then((bytes) => {
          peak = Math.max(peak, bytes);
        }),
      100,
    );
    // The main file shrinks to what is used as retention checkpoints; the WAL (at most 8 MB) is apart.
    const fits = setInterval(
      () =>
        void stat(db).then((info) => {
          if (performance.now() - readyAt > 6000 && info.size <= capMb * MB * 1.01) fitted = true;
        }),
      100,
    );
    while (performance.now() - readyAt < 5000) await new Promise((r) => setTimeout(r, 20));
    const retentionStarted = performance.now();
    const during = await proxied(
      ready,
      () => fitted || performance.now() - retentionStarted > seconds * 4000,
    );
    const retentionMs = performance.now() - retentionStarted;
    clearInterval(watch);
    clearInterval(fits);
    const after = await fileBytes();

    let loading = true;
    const loads: { ms: number; rows: number }[] = [];
    const loader = (async () => {
      while (loading) loads.push(await overviewLoad(ready));
    })();
    const overviewStarted = performance.now();
    const underOverview = await proxied(
      ready,
      () => performance.now() - overviewStarted > seconds * 1000,
    );
    loading = false;
    await loader;
    const loadMs = loads.map((l) => l.ms).sort((a, b) => a - b);

    return [
      `Start-up (spawn to ready, the bundled bin): ${engine.ms.toFixed(0)} ms on this log, ${emptyStart.ms.toFixed(0)} ms on an empty folder.`,
      '',
      '| proxied requests (sequential, one connection) | n | p50 ms | p99 ms | max ms |',
      '|---|---|---|---|---|',
      row('idle', idle),
      row(
        `during retention (cap ${capMb} MB, ${(retentionMs / 1000).toFixed(1)} s${fitted ? '' : ', did not fit in time'})`,
        during,
      ),
      row(`during Overview loads (${loads.length} loads)`, underOverview),
      '',
      `Overview load (live counts of the last 15 min: ${loads[0]?.rows ?? 0} requests, then 3 charts): p50 ${pct(loadMs, 50).toFixed(0)} ms, max ${(loadMs.at(-1) ?? NaN).toFixed(0)} ms.`,
      `File (db + WAL): ${(before / MB).toFixed(0)} MB before retention, cap ${capMb} MB; during the pass it peaked at ${(peak / MB).toFixed(0)} MB (${(peak / before).toFixed(2)}x its size before), after it ${(after / MB).toFixed(0)} MB (${((100 * after) / (capMb * MB)).toFixed(0)} % of the cap, WAL included).`,
    ];
  } finally {
    for (const child of children) child.kill('SIGTERM');
    for (const step of cleanup) await step();
  }
}
