// npx node test/bench/sideBySide.ts SERVER…: servers side by side, one load taking turns.
// Each SERVER is `bare` (bareForwarder.ts) or the root of a checkout whose bundle is built
// (`npm run build:main` there), run as the bin runs (main/engineFlags.ts), optionally followed by
// `@flag,flag` (its Node flags instead of the bin's) and `#dashboard` (one admin event-stream
// client reading). All start at once against one upstream; then the proxy bench's 50-connection
// load goes to each in turn for SIDE_SLICE_MS (2000), for SIDE_WARM_ROUNDS (3) rounds unmeasured
// (V8 compiles what it serves) and SIDE_ROUNDS (8) measured. Each server's CPU per request comes
// from /proc per slice, and each slice's is divided by the first server's in the same round:
// adjacent slices share what else the machine runs, so their ratio is steadier than two runs'
// figures. Give one server twice as a control: an A/A pair's median of 10 rounds was within 1 %
// on a quiet 2-core machine, 9 % with two other benchmarks running.
// E.g. `npx node test/bench/sideBySide.ts ../base . bare` for a change against its base.
// SIDE_BODY=claudeCode:N (or chat:N, gemini:N) sends an agent's body of N messages instead of
// the one-line chat (agentBodies.ts: Claude Code's to /v1/messages, an agent's to
// /v1/chat/completions, Gemini CLI's to /v1beta/models/bench:generateContent), not streamed, to
// weigh what the request path does per byte of body.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { ENGINE_ENV, ENGINE_NODE_FLAGS } from '../../main/engineFlags.ts';
import { agentLoad } from './agentBodies.ts';
import { runBench, startChild } from './benchProcess.ts';
import { benchUpstreamConfig } from './configFixture.ts';
import { serveArgs } from './engineCommand.ts';
import { cpuMs } from './longStream.ts';
import { median } from './stats.ts';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
/** The path and body every request of the load sends (SIDE_BODY). */
const LOAD = agentLoad(process.env.SIDE_BODY) ?? {
  path: '/v1/chat/completions',
  body: JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: 'ping' }] }),
};
const PROXY_KEY = 'sy-side-proxy-key';

type Server = { name: string; pid: number; origin: string; headers: Record<string, string> };
type Slice = { all: number; main: number; rps: number; threads: Map<string, number> };

/** Reads an open event stream to its end and throws it away, as a dashboard's tab would. */
async function openDashboard(ready: { url: string; dashboard: string }): Promise<void> {
  const token = new URLSearchParams(new URL(ready.dashboard).hash.slice(1)).get('token')!;
  const res = await fetch(`${ready.url}/admin/events`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
  });
  const reader = res.body!.getReader();
  void (async () => {
    for (;;) if ((await reader.read()).done) return;
  })().catch(() => undefined);
}

async function start(spec: string, upstreamUrl: string): Promise<Server> {
  if (spec === 'bare') {
    const bare = await startChild([here('./bareForwarder.ts'), `${upstreamUrl}/v1`]);
    return {
      name: spec,
      pid: bare.child.pid!,
      origin: `http://127.0.0.1:${bare.line}`,
      headers: {},
    };
  }
  const match = /^([^@#]+)(?:@([^#]*))?(#dashboard)?$/.exec(spec);
  if (!match) throw new Error(`not a server: ${spec} (bare, or PATH[@flag,flag][#dashboard])`);
  const flags = match[2] === undefined ? ENGINE_NODE_FLAGS : match[2].split(',').filter(Boolean);
  const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-side-'));
  await writeFile(join(dataDir, 'config.json'), JSON.stringify(benchUpstreamConfig(upstreamUrl)));
  const engine = await startChild(
    serveArgs(['--port', '0', '--json', '--data-dir', dataDir], resolve(match[1]!), flags),
    { ...ENGINE_ENV, SWITCHYARD_PROXY_KEY: PROXY_KEY, BENCH_UPSTREAM_KEY: 'bench-upstream-key' },
  );
  const ready = JSON.parse(engine.line) as { url: string; dashboard: string };
  if (match[3]) await openDashboard(ready);
  return {
    name: spec,
    pid: engine.child.pid!,
    origin: ready.url,
    headers: { authorization: `Bearer ${PROXY_KEY}` },
  };
}

/** One slice of the 50-connection load on one server: its CPU µs per request, by thread too. */
async function slice(server: Server, ms: number): Promise<Slice> {
  const pool = new Pool(server.origin, { connections: 50 });
  const before = await cpuMs(server.pid);
  const end = Date.now() + ms;
  let done = 0;
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (Date.now() < end) {
        const res = await pool.request({
          path: LOAD.path,
          method: 'POST',
          headers: { 'content-type': 'application/json', ...server.headers },
          body: LOAD.body,
        });
        await res.body.arrayBuffer();
        if (res.statusCode !== 200) throw new Error(`${server.name}: HTTP ${res.statusCode}`);
        done++;
      }
    }),
  );
  const after = await cpuMs(server.pid);
  await pool.close();
  const per = (to: number, from: number) => (1000 * (to - from)) / done;
  return {
    all: per(after.all, before.all),
    main: per(after.main, before.main),
    rps: (1000 * done) / ms,
    threads: new Map(
      [...after.byName].map(([name, ms]) => [name, per(ms, before.byName.get(name) ?? 0)]),
    ),
  };
}

async function main(): Promise<void> {
  const specs = process.argv.slice(2);
  if (specs.length === 0) throw new Error('usage: sideBySide.ts SERVER… (bare or a checkout)');
  const sliceMs = Number(process.env.SIDE_SLICE_MS ?? 2000);
  const warmRounds = Number(process.env.SIDE_WARM_ROUNDS ?? 3);
  const rounds = Number(process.env.SIDE_ROUNDS ?? 8);
  const upstream = await startChild([here('./upstreamServer.ts')]);
  const upstreamUrl = `http://127.0.0.1:${upstream.line}`;
  const servers: Server[] = [];
  for (const spec of specs) servers.push(await start(spec, upstreamUrl));
  const slices = servers.map((): Slice[] => []);
  for (let round = 0; round < warmRounds + rounds; round++)
    for (const [i, server] of servers.entries()) {
      const measured = await slice(server, sliceMs);
      if (round >= warmRounds) slices[i]!.push(measured);
    }

  console.log(
    `\nSide by side: ${rounds} rounds of ${sliceMs} ms at 50 connections per server, after ${warmRounds} unmeasured; medians.`,
  );
  console.log(
    `Reproduce: SIDE_ROUNDS=${rounds}${process.env.SIDE_BODY ? ` SIDE_BODY=${process.env.SIDE_BODY}` : ''} npx node test/bench/sideBySide.ts ${specs.join(' ')}\n`,
  );
  console.log(
    `| server | CPU µs/req, all threads | main thread | req/s | all threads ÷ ${servers[0]!.name}'s, per round (median) | per round | other threads µs/req |\n|---|---|---|---|---|---|---|`,
  );
  for (const [i, server] of servers.entries()) {
    const own = slices[i]!;
    const ratios = own.map((s, round) => s.all / slices[0]![round]!.all);
    const threadNames = [...new Set(own.flatMap((s) => [...s.threads.keys()]))];
    const threads = threadNames
      .map((name) => [name, median(own.map((s) => s.threads.get(name) ?? 0))] as const)
      .filter(([, us]) => us >= 0.1)
      .sort((a, b) => b[1] - a[1])
      .map(([name, us]) => `${name} ${us.toFixed(1)}`)
      .join(', ');
    console.log(
      `| ${server.name} | ${median(own.map((s) => s.all)).toFixed(1)} | ${median(own.map((s) => s.main)).toFixed(1)} | ${median(own.map((s) => s.rps)).toFixed(0)} | ${median(ratios).toFixed(3)} | ${ratios.map((r) => r.toFixed(2)).join(' ')} | ${threads} |`,
    );
  }
}

runBench(main);
