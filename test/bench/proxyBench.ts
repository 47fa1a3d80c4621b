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

async function concurrent(
  target: Target,
  connections: number,
  seconds: number,
  onTick?: () => Promise<void>,
): Promise<{ rps: number; cpuPerRequest: number; mainPerRequest: number }> {
  const pool = new Pool(target.origin, { connections });
  const deadline = Date.now() + seconds * 1000;
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
  return {
    rps: done / seconds,
    cpuPerRequest: (1000 * (cpuAfter.all - cpuBefore.all)) / done,
    mainPerRequest: (1000 * (cpuAfter.main - cpuBefore.main)) / done,
  };
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
  const rps = new Map<string, number>();
  const cpu = new Map<string, { all: number; main: number }>();
  for (const target of targets) {
    const measured = await concurrent(
      target,
      50,
      seconds,
      target.origin === ready.url
        ? async () => void (loadRss = Math.max(loadRss, await rssMb(pid)))
        : undefined,
    );
    rps.set(target.name, measured.rps);
    cpu.set(target.name, { all: measured.cpuPerRequest, main: measured.mainPerRequest });
  }
  const switchyard = targets.find((t) => t.name === 'switchyard')!;
  const closeStream = await openEventStream(ready.url, adminToken);
  const dashboard = await concurrent(switchyard, 50, seconds);
  closeStream();
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
      rps.get(target.name)!.toFixed(0),
      target.name === 'direct'
        ? '–'
        : `${((100 * rps.get(target.name)!) / rps.get('bare forwarder')!).toFixed(0)}%`,
      cpu.get(target.name)!.all.toFixed(0),
      cpu.get(target.name)!.main.toFixed(0),
    ]);
  }
  rows.push([
    'switchyard, dashboard open',
    '–',
    '–',
    '–',
    '–',
    '–',
    dashboard.rps.toFixed(0),
    `${((100 * dashboard.rps) / rps.get('bare forwarder')!).toFixed(0)}%`,
    dashboard.cpuPerRequest.toFixed(0),
    dashboard.mainPerRequest.toFixed(0),
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
    `\nProxy benchmark: ${count} sequential requests per path (after 300 warm-up), ${seconds} s at 50 connections.`,
  );
  console.log(
    'Reproduce: npm run bench -- proxy   (BENCH_COUNT, BENCH_SECONDS, BENCH_RSS_REQUESTS to change the size)\n',
  );
  console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  console.log(
    `${longStreamTable(longStreams, streams)}\n\nSwitchyard RSS: idle ${idleRss.toFixed(1)} MB, peak under load ${loadRss.toFixed(1)} MB, after the run ${afterRss.toFixed(1)} MB, after ${rssRequests.toLocaleString('en')} more requests ${longRunRss.toFixed(1)} MB, ${restSeconds} s later ${restedRss.toFixed(1)} MB. "dashboard open": the same 50-connection load with one event-stream client reading. CPU µs/req: the serving process's time on the CPU (all its threads; then its main thread alone, the one that serves requests) over the 50-connection phase, per request completed, from /proc/PID/task/*/schedstat; steadier than req/s on a shared machine.`,
  );
}

runBench(main);
