// npm run bench -- proxy: added latency, throughput, time to first token and RSS of the proxy,
// against a local upstream, three ways in one run: direct, a bare forwarder, Switchyard.
// Each server runs in its own process; this process only generates load.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { runBench, startChild } from './benchProcess.ts';
import { benchUpstreamConfig } from './configFixture.ts';
import {
  cpuMs,
  LONG_STREAM_ROUTE,
  longStreamPaths,
  longStreamTable,
  measureLongStreams,
} from './longStream.ts';
import { buildEngine, SERVE_ENV, serveArgs } from './engineCommand.ts';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

/** A path to measure, and what it is sent: a chat body unless it speaks another format. */
type Target = {
  name: string;
  /** The process serving it, whose CPU time the 50-connection phase measures. */
  pid: number;
  origin: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  streamBody?: string;
  /** Text in the stream that marks the first token. */
  firstToken?: string;
};

const BODY = JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: 'ping' }] });
const STREAM_BODY = JSON.stringify({
  model: 'bench',
  stream: true,
  messages: [{ role: 'user', content: 'ping' }],
});
const FIRST_TOKEN = '"content":"po"';

async function once(pool: Pool, target: Target, body: string, firstByte: boolean): Promise<number> {
  const started = process.hrtime.bigint();
  const res = await pool.request({
    path: target.path,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...target.headers },
    body,
  });
  let elapsed = 0;
  if (firstByte) {
    for await (const chunk of res.body) {
      if (
        elapsed === 0 &&
        (chunk as Buffer).toString('utf8').includes(target.firstToken ?? FIRST_TOKEN)
      )
        elapsed = Number(process.hrtime.bigint() - started) / 1e6;
    }
  } else {
    await res.body.arrayBuffer();
    elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  }
  if (res.statusCode !== 200) throw new Error(`${target.name}: HTTP ${res.statusCode}`);
  return elapsed;
}

async function sequential(
  target: Target,
  count: number,
  body: string,
  firstByte: boolean,
): Promise<number[]> {
  const pool = new Pool(target.origin, { connections: 1 });
  for (let i = 0; i < 300; i++) await once(pool, target, body, firstByte);
  const samples: number[] = [];
  for (let i = 0; i < count; i++) samples.push(await once(pool, target, body, firstByte));
  await pool.close();
  return samples.sort((a, b) => a - b);
}

/** Seconds of unmeasured 50-connection load per path before the measured rounds. */
const WARM_SECONDS = Number(process.env.BENCH_WARM_SECONDS ?? 5);
/** Turns the measured 50-connection phase is cut into, each path taking one per turn. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

/** A path's 50-connection load: its target, and an event stream held open during it (or none). */
type Load = { name: string; target: Target; dashboard?: () => Promise<() => void> };

/** One slice of the 50-connection phase on one path. */
type Slice = { done: number; ms: number; cpuAll: number; cpuMain: number };

/** `ms` of load at `connections` on one path, its event stream (if any) open meanwhile. */
async function slice(
  load: Load,
  connections: number,
  ms: number,
  onTick?: () => Promise<void>,
): Promise<Slice> {
  const { target } = load;
  const close = await load.dashboard?.();
  const pool = new Pool(target.origin, { connections });
  const deadline = Date.now() + ms;
  let done = 0;
  const cpuBefore = await cpuMs(target.pid);
  const ticker = onTick ? setInterval(() => void onTick(), 500) : undefined;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < deadline) {
        await once(pool, target, target.body ?? BODY, false);
        done++;
      }
    }),
  );
  clearInterval(ticker);
  const cpuAfter = await cpuMs(target.pid);
  await pool.close();
  close?.();
  return {
    done,
    ms,
    cpuAll: cpuAfter.all - cpuBefore.all,
    cpuMain: cpuAfter.main - cpuBefore.main,
  };
}

/**
 * The 50-connection phase: each path first under the load for WARM_SECONDS unmeasured (V8
 * compiles what it serves meanwhile: the engine made ~400 compilations in its first 5 s at 50
 * connections after thousands of sequential requests, its compiler's threads 17-20 CPU µs per
 * request against 8 after them, a cost a proxy pays once), then `seconds` each cut into ROUNDS
 * turns, the paths taking one each per round. Each path's ratio to the bare forwarder is the
 * median of its rounds' (adjacent slices share what else the machine runs; one slice each ran
 * minutes apart and swung the ratio by half on a busy machine).
 */
async function interleaved(
  loads: Load[],
  seconds: number,
  onTick: (load: Load) => (() => Promise<void>) | undefined,
): Promise<Map<string, Slice[]>> {
  for (const load of loads) await slice(load, 50, WARM_SECONDS * 1000);
  const slices = new Map(loads.map((load): [string, Slice[]] => [load.name, []]));
  for (let round = 0; round < ROUNDS; round++)
    for (const load of loads)
      slices.get(load.name)!.push(await slice(load, 50, (1000 * seconds) / ROUNDS, onTick(load)));
  return slices;
}

/** Requests per second, CPU µs per request (all threads, main) over all of a path's slices. */
function totals(slices: Slice[]): { rps: number; cpuAll: number; cpuMain: number } {
  const sum = (of: (s: Slice) => number) => slices.reduce((total, s) => total + of(s), 0);
  const done = sum((s) => s.done);
  return {
    rps: (1000 * done) / sum((s) => s.ms),
    cpuAll: (1000 * sum((s) => s.cpuAll)) / done,
    cpuMain: (1000 * sum((s) => s.cpuMain)) / done,
  };
}

/** The median over rounds of a path's requests per second divided by the bare forwarder's. */
function ratioToBare(own: Slice[], bare: Slice[]): number {
  return median(own.map((s, round) => s.done / s.ms / (bare[round]!.done / bare[round]!.ms)));
}

/** `count` requests over 50 connections, as fast as they go (for RSS after a long run). */
async function many(target: Target, count: number): Promise<void> {
  const pool = new Pool(target.origin, { connections: 50 });
  let left = count;
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (left-- > 0) await once(pool, target, BODY, false);
    }),
  );
  await pool.close();
}

/** An open dashboard's event stream: read and thrown away, as a browser tab would take it. */
async function openEventStream(url: string, token: string): Promise<() => void> {
  const controller = new AbortController();
  const res = await fetch(`${url}/admin/events`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: controller.signal,
  });
  const reader = res.body!.getReader();
  void (async () => {
    for (;;) if ((await reader.read()).done) return;
  })().catch(() => undefined);
  return () => controller.abort();
}

async function main(): Promise<void> {
  const count = Number(process.env.BENCH_COUNT ?? 3000);
  const rssRequests = Number(process.env.BENCH_RSS_REQUESTS ?? 200_000);
  const seconds = Number(process.env.BENCH_SECONDS ?? 5);
  const upstream = await startChild([here('./upstreamServer.ts')]);
  const upstreamUrl = `http://127.0.0.1:${upstream.line}`;
  const bare = await startChild([here('./bareForwarder.ts'), `${upstreamUrl}/v1`]);

  const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-bench-'));
  const config = benchUpstreamConfig(upstreamUrl);
  config.routes = [...(config.routes as unknown[]), LONG_STREAM_ROUTE];
  await writeFile(join(dataDir, 'config.json'), JSON.stringify(config));
  const proxyKey = 'sy-bench-proxy-key';
  buildEngine();
  const engine = await startChild(serveArgs(['--port', '0', '--json', '--data-dir', dataDir]), {
    ...SERVE_ENV,
    SWITCHYARD_PROXY_KEY: proxyKey,
    BENCH_UPSTREAM_KEY: 'bench-upstream-key',
  });
  const ready = JSON.parse(engine.line) as { url: string; dashboard: string };
  const adminToken = new URLSearchParams(new URL(ready.dashboard).hash.slice(1)).get('token')!;
  const pid = engine.child.pid!;
  await new Promise((r) => setTimeout(r, 1000));
  const idleRss = await rssMb(pid);

  const targets: Target[] = [
    {
      name: 'direct',
      pid: upstream.child.pid!,
      origin: upstreamUrl,
      path: '/v1/chat/completions',
      headers: {},
    },
    {
      name: 'bare forwarder',
      pid: bare.child.pid!,
      origin: `http://127.0.0.1:${bare.line}`,
      path: '/v1/chat/completions',
      headers: {},
    },
    {
      name: 'switchyard',
      pid,
      origin: ready.url,
      path: '/v1/chat/completions',
      headers: { authorization: `Bearer ${proxyKey}` },
    },
    {
      // A Responses API caller (Codex, the AI SDK's default): translated to chat and back.
      name: 'switchyard, Responses in',
      pid,
      origin: ready.url,
      path: '/v1/responses',
      headers: { authorization: `Bearer ${proxyKey}` },
      body: JSON.stringify({ model: 'bench', input: 'ping' }),
      streamBody: JSON.stringify({ model: 'bench', input: 'ping', stream: true }),
      firstToken: '"delta":"po"',
    },
  ];

  const rows: string[][] = [];
  const seq = new Map<string, number[]>();
  const ttft = new Map<string, number[]>();
  for (const target of targets)
    seq.set(target.name, await sequential(target, count, target.body ?? BODY, false));
  for (const target of targets)
    ttft.set(
      target.name,
      await sequential(target, Math.min(count, 2000), target.streamBody ?? STREAM_BODY, true),
    );
  let loadRss = 0;
  const switchyard = targets.find((t) => t.name === 'switchyard')!;
  const loads: Load[] = [
    ...targets.map((target) => ({ name: target.name, target })),
    {
      name: 'switchyard, dashboard open',
      target: switchyard,
      dashboard: () => openEventStream(ready.url, adminToken),
    },
  ];
  const slices = await interleaved(loads, seconds, (load) =>
    load.target.origin === ready.url
      ? async () => void (loadRss = Math.max(loadRss, await rssMb(pid)))
      : undefined,
  );
  const afterRss = await rssMb(pid);
  const streams = Number(process.env.BENCH_STREAMS ?? 30);
  const longStreams = await measureLongStreams(
    longStreamPaths({
      bareOrigin: `http://127.0.0.1:${bare.line}`,
      barePid: bare.child.pid!,
      engineOrigin: ready.url,
      enginePid: pid,
      proxyKey,
    }),
    streams,
  );
  await many(switchyard, rssRequests);
  const longRunRss = await rssMb(pid);
  // What a quiet engine gives back: the log's writing thread stops a minute after its last work
  // (retention's pass 30 s after the last write included).
  const restSeconds = Number(process.env.BENCH_REST_SECONDS ?? 100);
  await new Promise((r) => setTimeout(r, restSeconds * 1000));
  const restedRss = await rssMb(pid);

  const directSeq = median(seq.get('direct')!);
  const directTtft = median(ttft.get('direct')!);
  const bareSlices = slices.get('bare forwarder')!;
  /** A path's 50-connection columns: req/s, its ratio to the bare forwarder's, CPU µs/req. */
  const loadColumns = (name: string): string[] => {
    const own = totals(slices.get(name)!);
    return [
      own.rps.toFixed(0),
      name === 'direct' ? '–' : `${(100 * ratioToBare(slices.get(name)!, bareSlices)).toFixed(0)}%`,
      own.cpuAll.toFixed(0),
      own.cpuMain.toFixed(0),
    ];
  };
  for (const target of targets) {
    const s = seq.get(target.name)!;
    const t = ttft.get(target.name)!;
    rows.push([
      target.name,
      percentile(s, 50).toFixed(3),
      percentile(s, 99).toFixed(3),
      target.name === 'direct' ? '–' : (percentile(s, 50) - directSeq).toFixed(3),
      percentile(t, 50).toFixed(3),
      target.name === 'direct' ? '–' : (percentile(t, 50) - directTtft).toFixed(3),
      ...loadColumns(target.name),
    ]);
  }
  rows.push([
    'switchyard, dashboard open',
    '–',
    '–',
    '–',
    '–',
    '–',
    ...loadColumns('switchyard, dashboard open'),
  ]);
  const header = [
    'path',
    'seq p50 ms',
    'seq p99 ms',
    'added p50 ms',
    'stream TTFT p50 ms',
    'added TTFT ms',
    'req/s @50 conns',
    'vs bare',
    'CPU µs/req',
    'main thread µs/req',
  ];
  console.log(
    `\nProxy benchmark: ${count} sequential requests per path (after 300 warm-up), ${seconds} s at 50 connections per path in ${ROUNDS} rounds taking turns (after ${WARM_SECONDS} s each unmeasured); "vs bare": the median of the rounds' ratios.`,
  );
  console.log(
    'Reproduce: npm run bench -- proxy   (BENCH_COUNT, BENCH_SECONDS, BENCH_ROUNDS, BENCH_WARM_SECONDS, BENCH_RSS_REQUESTS to change the size)\n',
  );
  console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  console.log(
    `${longStreamTable(longStreams, streams)}\n\nSwitchyard RSS: idle ${idleRss.toFixed(1)} MB, peak under load ${loadRss.toFixed(1)} MB, after the run ${afterRss.toFixed(1)} MB, after ${rssRequests.toLocaleString('en')} more requests ${longRunRss.toFixed(1)} MB, ${restSeconds} s later ${restedRss.toFixed(1)} MB. "dashboard open": the same 50-connection load with one event-stream client reading. CPU µs/req: the serving process's time on the CPU (all its threads; then its main thread alone, the one that serves requests) over the 50-connection phase, per request completed, from /proc/PID/task/*/schedstat; steadier than req/s on a shared machine.`,
  );
}

runBench(main);
