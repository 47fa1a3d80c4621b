// npm run bench -- stream: only the proxy benchmark's streaming rows (longStream.ts), quick
// enough to run after each change. BENCH_STREAMS sets the count; BENCH_ENGINE_NODE_ARGS adds
// node flags to the engine (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof": SIGTERM at the end
// writes the profile).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  LONG_STREAM_ROUTE,
  longStreamPaths,
  longStreamTable,
  measureLongStreams,
} from './longStream.ts';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const children: ChildProcess[] = [];

function startChild(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve({ child, line }));
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}`)));
  });
}

async function main(): Promise<void> {
  const streams = Number(process.env.BENCH_STREAMS ?? 30);
  const nodeArgs = (process.env.BENCH_ENGINE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const upstream = await startChild([here('./upstreamServer.ts')]);
  const upstreamUrl = `http://127.0.0.1:${upstream.line}`;
  const bare = await startChild([here('./bareForwarder.ts'), `${upstreamUrl}/v1`]);
  const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-bench-'));
  await writeFile(
    join(dataDir, 'config.json'),
    JSON.stringify({
      version: 1,
      providers: { bench: { custom: true, baseUrl: `${upstreamUrl}/v1` } },
      keys: [
        {
          id: 'bench-key',
          provider: 'bench',
          label: 'bench',
          secret: { env: 'BENCH_UPSTREAM_KEY' },
        },
      ],
      routes: [LONG_STREAM_ROUTE],
    }),
  );
  const proxyKey = 'sy-bench-proxy-key';
  const engine = await startChild(
    [
      ...nodeArgs,
      here('../../main/cli/main.ts'),
      'serve',
      '--port',
      '0',
      '--json',
      '--data-dir',
      dataDir,
    ],
    { SWITCHYARD_PROXY_KEY: proxyKey, BENCH_UPSTREAM_KEY: 'bench-upstream-key' },
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

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const child of children) child.kill('SIGTERM');
  });
