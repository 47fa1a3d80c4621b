// npm run bench -- stream: only the proxy benchmark's streaming rows (longStream.ts), quick
// enough to run after each change. BENCH_STREAMS sets the count; BENCH_ENGINE_NODE_ARGS adds
// node flags to the engine (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof": SIGTERM at the end
// writes the profile).
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-bench-'));
  await writeFile(
    join(dataDir, 'config.json'),
    JSON.stringify({ ...benchUpstreamConfig(upstreamUrl), routes: [LONG_STREAM_ROUTE] }),
  );
  const proxyKey = 'sy-bench-proxy-key';
  buildEngine();
  const engine = await startChild(
    [...nodeArgs, ...serveArgs(['--port', '0', '--json', '--data-dir', dataDir])],
    { ...SERVE_ENV, SWITCHYARD_PROXY_KEY: proxyKey, BENCH_UPSTREAM_KEY: 'bench-upstream-key' },
  );
  const ready = JSON.parse(engine.line) as { url: string };
  await new Promise((r) => setTimeout(r, 1000));
  const results = await measureLongStreams(
    longStreamPaths({
      bareOrigin: `http://127.0.0.1:${bare.line}`,
      barePid: bare.child.pid!,
      engineOrigin: ready.url,
      enginePid: engine.child.pid!,
      proxyKey,
    }),
    streams,
  );
  console.log(longStreamTable(results, streams));
  console.log('Reproduce: npm run bench -- stream   (BENCH_STREAMS to change the count)');
}

runBench(main);
