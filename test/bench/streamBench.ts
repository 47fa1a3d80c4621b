// npm run bench -- stream: only the proxy benchmark's streaming rows (longStream.ts), quick
// enough to run after each change. BENCH_STREAMS sets the count; BENCH_ENGINE_NODE_ARGS adds
// node flags to the engine (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof": SIGTERM at the end
// writes the profile). BENCH_COMPARE=ROOT[@flag…][,ROOT…] adds engines from other checkouts, run
// from their built bundles as they are (not rebuilt), with the bin's Node flags or those after
// `@` (space-separated; `.` is this checkout), whose rows take turns with this one's stream by
// stream: the steadiest way to weigh a change against its base on a busy machine.
// BENCH_ONLY keeps the rows whose name holds its text (and the forwarder's), to profile one.
// BENCH_RUN: streams in a row per path per turn (1), as a busy proxy relays them back to back.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBench, startChild } from './benchProcess.ts';
import { benchUpstreamConfig } from './configFixture.ts';
import { buildEngine, SERVE_ENV, serveArgs } from './engineCommand.ts';
import {
  LONG_STREAM_ROUTE,
  longStreamPaths,
  longStreamTable,
  measureLongStreams,
} from './longStream.ts';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

async function main(): Promise<void> {
  const streams = Number(process.env.BENCH_STREAMS ?? 30);
  const nodeArgs = (process.env.BENCH_ENGINE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const upstream = await startChild([here('./upstreamServer.ts')]);
  const upstreamUrl = `http://127.0.0.1:${upstream.line}`;
  const bare = await startChild([here('./bareForwarder.ts'), `${upstreamUrl}/v1`]);
  const proxyKey = 'sy-bench-proxy-key';
  buildEngine();
  const others = (process.env.BENCH_COMPARE ?? '').split(',').filter(Boolean);
  const engines: { label: string; origin: string; pid: number }[] = [];
  for (const spec of [undefined, ...others]) {
    const [checkout, flags] = spec === undefined ? [] : spec.split('@');
    // Each engine its own data folder: two would contend for one SQLite log.
    const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-bench-'));
    await writeFile(
      join(dataDir, 'config.json'),
      JSON.stringify({ ...benchUpstreamConfig(upstreamUrl), routes: [LONG_STREAM_ROUTE] }),
    );
    const engine = await startChild(
      [
        ...nodeArgs,
        ...serveArgs(
          ['--port', '0', '--json', '--data-dir', dataDir],
          checkout && resolve(checkout),
          flags?.split(' ').filter(Boolean),
        ),
      ],
      { ...SERVE_ENV, SWITCHYARD_PROXY_KEY: proxyKey, BENCH_UPSTREAM_KEY: 'bench-upstream-key' },
    );
    const ready = JSON.parse(engine.line) as { url: string };
    engines.push({ label: spec ?? '', origin: ready.url, pid: engine.child.pid! });
  }
  await new Promise((r) => setTimeout(r, 1000));
  const bareOrigin = `http://127.0.0.1:${bare.line}`;
  const paths = engines.flatMap((engine, i) =>
    longStreamPaths({
      bareOrigin,
      barePid: bare.child.pid!,
      engineOrigin: engine.origin,
      enginePid: engine.pid,
      proxyKey,
    })
      .slice(i === 0 ? 0 : 1)
      .map((path) =>
        engine.label === '' || path.pid !== engine.pid
          ? path
          : { ...path, name: `${path.name} [${engine.label}]` },
      ),
  );
  const only = process.env.BENCH_ONLY;
  const results = await measureLongStreams(
    paths.filter((path, i) => i === 0 || only === undefined || path.name.includes(only)),
    streams,
    5,
    Number(process.env.BENCH_RUN ?? 1),
  );
  console.log(longStreamTable(results, streams));
  console.log('Reproduce: npm run bench -- stream   (BENCH_STREAMS to change the count)');
}

runBench(main);
