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
  machineTicks,
  longStreamPaths,
  longStreamTable,
  measureLongStreams,
} from './longStream.ts';
import { buildEngine, SERVE_ENV, serveArgs } from './engineCommand.ts';
import { median, percentile } from './stats.ts';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

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
const BARE = 'bare forwarder';
const DASHBOARD_OPEN = 'switchyard, dashboard open';

const percent = (ratio: number) => `${(100 * ratio).toFixed(0)}%`;

/** The median over rounds of a path's median less the forwarder's in the same round. */
function medianGap(turns: number[][], bareTurns: number[][]): number {
  return median(turns.map((turn, round) => median(turn) - median(bareTurns[round]!)));
}

async function once(pool: Pool, target: Target, body: string, firstByte: boolean): Promise<number> {
  const started = process.hrtime.bigint();
  const res = await pool.request({
    path: target.path,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...target.headers },
    body,
  });
  let elapsed = 0;
  if (res.statusCode !== 200)
    throw new Error(`${target.name}: HTTP ${res.statusCode} ${await res.body.text()}`);
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
  return elapsed;
}

/** The paths in the order of one round: each round starts one further on, so none is always first. */
const inTurn = <T>(paths: T[], round: number): T[] => [
  ...paths.slice(round % paths.length),
  ...paths.slice(0, round % paths.length),
];

/**
 * `count` sequential requests to each target over one connection, in `rounds` turns (every target
 * a slice per turn) so a noisy spell on the shared machine falls on all of them alike. Per target:
 * the samples of each turn.
 */
async function sequentialRounds(
  targets: Target[],
  count: number,
  rounds: number,
  streamed: boolean,
): Promise<Map<string, number[][]>> {
  const bodyOf = (target: Target) =>
    streamed ? (target.streamBody ?? STREAM_BODY) : (target.body ?? BODY);
  const pools = new Map(targets.map((t) => [t.name, new Pool(t.origin, { connections: 1 })]));
  for (const target of targets)
    for (let i = 0; i < 300; i++)
      await once(pools.get(target.name)!, target, bodyOf(target), streamed);
  const turns = new Map<string, number[][]>(targets.map((t) => [t.name, []]));
  const perRound = Math.ceil(count / rounds);
  for (let round = 0; round < rounds; round++)
    for (const target of inTurn(targets, round)) {
      const samples: number[] = [];
      for (let i = 0; i < perRound; i++)
        samples.push(await once(pools.get(target.name)!, target, bodyOf(target), streamed));
      turns.get(target.name)!.push(samples);
    }
  await Promise.all([...pools.values()].map((pool) => pool.close()));
  return turns;
}

/**
 * One 50-connection phase: what it served, and where the machine's CPU went per request (the
 * serving process, its main thread on and waiting for a CPU, this load generator, the upstream)
 * and how much of it nothing used.
 */
type Load = {
  rps: number;
  cpuPerRequest: number;
  mainPerRequest: number;
  mainWaitingPerRequest: number;
  loadGeneratorPerRequest: number;
  upstreamPerRequest: number;
  idlePercent: number;
};

async function concurrent(
  target: Target,
  upstreamPid: number,
  connections: number,
  seconds: number,
  onTick?: () => Promise<void>,
): Promise<Load> {
  const pool = new Pool(target.origin, { connections });
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  const cpuBefore = await cpuMs(target.pid);
  const upstreamBefore = await cpuMs(upstreamPid);
  const machineBefore = await machineTicks();
  const loadGeneratorBefore = process.cpuUsage();
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
  const loadGenerator = process.cpuUsage(loadGeneratorBefore);
  const machineAfter = await machineTicks();
  const cpuAfter = await cpuMs(target.pid);
  const upstreamAfter = await cpuMs(upstreamPid);
  await pool.close();
  const perRequest = (ms: number) => (1000 * ms) / done;
  return {
    rps: done / seconds,
    cpuPerRequest: perRequest(cpuAfter.all - cpuBefore.all),
    mainPerRequest: perRequest(cpuAfter.main - cpuBefore.main),
    mainWaitingPerRequest: perRequest(cpuAfter.mainWaiting - cpuBefore.mainWaiting),
    loadGeneratorPerRequest: (loadGenerator.user + loadGenerator.system) / done,
    upstreamPerRequest: perRequest(upstreamAfter.all - upstreamBefore.all),
    idlePercent:
      (100 * (machineAfter.idle - machineBefore.idle)) / (machineAfter.all - machineBefore.all),
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
  const seconds = Number(process.env.BENCH_SECONDS ?? 2);
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
      name: BARE,
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

  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  const warmSeconds = Number(process.env.BENCH_WARM_SECONDS ?? 5);
  const seq = await sequentialRounds(targets, count, rounds, false);
  const ttft = await sequentialRounds(targets, Math.min(count, 2000), rounds, true);

  // Each path first takes the load unmeasured: in its first seconds at 50 connections V8 compiles
  // what it serves (~400 compilations in the engine's first 5 s: its compiler threads took 17-20
  // CPU µs per request, 8 after), the upstream pools open and the heaps grow, as a steady load
  // has long done.
  const upstreamPid = upstream.child.pid!;
  for (const target of targets) await concurrent(target, upstreamPid, 50, warmSeconds);
  let loadRss = 0;
  const watchRss = async () => void (loadRss = Math.max(loadRss, await rssMb(pid)));
  const switchyard = targets.find((t) => t.name === 'switchyard')!;
  const loads: Array<{ name: string; run: () => Promise<Load> }> = [
    ...targets.map((target) => ({
      name: target.name,
      run: () =>
        concurrent(target, upstreamPid, 50, seconds, target.pid === pid ? watchRss : undefined),
    })),
    {
      name: DASHBOARD_OPEN,
      run: async () => {
        const closeStream = await openEventStream(ready.url, adminToken);
        try {
          return await concurrent(switchyard, upstreamPid, 50, seconds, watchRss);
        } finally {
          closeStream();
        }
      },
    },
  ];
  const loadTurns = new Map<string, Load[]>(loads.map((load) => [load.name, []]));
  for (let round = 0; round < rounds; round++)
    for (const load of inTurn(loads, round)) loadTurns.get(load.name)!.push(await load.run());
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

  const pooled = (turns: number[][]) => turns.flat().sort((a, b) => a - b);
  const directSeq = median(seq.get('direct')!.flat());
  const directTtft = median(ttft.get('direct')!.flat());
  const bareLoads = loadTurns.get(BARE)!;
  const rows = loads.map(({ name }) => {
    const load = loadTurns.get(name)!;
    const ratios = load.map((turn, round) => turn.rps / bareLoads[round]!.rps);
    const latency = seq.get(name);
    const firstToken = ttft.get(name);
    const compared = name !== 'direct' && name !== BARE;
    return [
      name,
      latency ? median(latency.flat()).toFixed(3) : '–',
      latency ? percentile(pooled(latency), 99).toFixed(3) : '–',
      latency && name !== 'direct' ? (median(latency.flat()) - directSeq).toFixed(3) : '–',
      latency && compared ? medianGap(latency, seq.get(BARE)!).toFixed(3) : '–',
      firstToken ? median(firstToken.flat()).toFixed(3) : '–',
      firstToken && name !== 'direct' ? (median(firstToken.flat()) - directTtft).toFixed(3) : '–',
      median(load.map((turn) => turn.rps)).toFixed(0),
      compared
        ? `${percent(median(ratios))} (${percent(Math.min(...ratios))}–${percent(Math.max(...ratios))})`
        : '–',
      median(load.map((turn) => turn.cpuPerRequest)).toFixed(0),
      median(load.map((turn) => turn.mainPerRequest)).toFixed(0),
      median(load.map((turn) => turn.mainWaitingPerRequest)).toFixed(1),
      median(load.map((turn) => turn.loadGeneratorPerRequest)).toFixed(0),
      name === 'direct' ? '–' : median(load.map((turn) => turn.upstreamPerRequest)).toFixed(0),
      median(load.map((turn) => turn.idlePercent)).toFixed(0),
    ];
  });
  const header = [
    'path',
    'seq p50 ms',
    'seq p99 ms',
    'added p50 ms',
    'p50 over bare ms',
    'stream TTFT p50 ms',
    'added TTFT ms',
    'req/s @50 conns',
    'vs bare',
    'CPU µs/req',
    'main thread µs/req',
    'main thread waiting µs/req',
    'load gen µs/req',
    'upstream µs/req',
    'machine idle %',
  ];
  console.log(
    `\nProxy benchmark: ${count} sequential requests per path (after 300 warm-up) and ${seconds} s at 50 connections per path (after ${warmSeconds} s unmeasured), in ${rounds} rounds: the paths take turns, each round starting one further on.`,
  );
  console.log(
    'Reproduce: npm run bench -- proxy   (BENCH_COUNT, BENCH_SECONDS, BENCH_ROUNDS, BENCH_WARM_SECONDS, BENCH_RSS_REQUESTS to change the size)\n',
  );
  console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  console.log(
    `${longStreamTable(longStreams, streams)}\n\nSwitchyard RSS: idle ${idleRss.toFixed(1)} MB, peak under load ${loadRss.toFixed(1)} MB, after the run ${afterRss.toFixed(1)} MB, after ${rssRequests.toLocaleString('en')} more requests ${longRunRss.toFixed(1)} MB, ${restSeconds} s later ${restedRss.toFixed(1)} MB. "dashboard open": the same 50-connection load with one event-stream client reading. "p50 over bare": the median over rounds of the path's median less the forwarder's in the same round. req/s, CPU: medians over rounds; "vs bare": the median of each round's ratio to the forwarder's req/s in that round (lowest–highest). CPU µs/req: the serving process's time on the CPU (all its threads; then its main thread alone, the one that serves requests) over the 50-connection phase, per request completed, from /proc/PID/task/*/schedstat; steadier than req/s on a shared machine. "main thread waiting": its time runnable but waiting for a CPU (schedstat's second field). "load gen" (this process, which sends the load, and reads the event stream in the "dashboard open" row) and "upstream" (the mock provider): their CPU µs per request in the same phase; "machine idle": the share of both cores nothing used (/proc/stat). Load generator, upstream and server share this machine's cores: a server's req/s is bounded by its main thread's time on and waiting for a CPU per request, and by the sum of everyone's CPU per request over the cores.`,
  );
}

runBench(main);
