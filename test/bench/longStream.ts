// The streaming rows of the proxy benchmark: a 2,000-chunk answer (upstreamServer.ts, model
// "bench-long") through the bare forwarder and through Switchyard, same format and translated.
// Paths take turns stream by stream so a noisy neighbour slows them alike; each stream's CPU is
// read from /proc for the process that relays it.
import { readdir, readFile } from 'node:fs/promises';
import { Pool } from 'undici';
import { BENCH_PROVIDER } from './configFixture.ts';

export const LONG_STREAM_MODEL = 'bench-long';
const LONG_STREAM_CHUNKS = 2000;

/** The route the engine's bench config needs for the long stream (the upstream keys on the model). */
export const LONG_STREAM_ROUTE = {
  name: LONG_STREAM_MODEL,
  targets: [{ provider: BENCH_PROVIDER, model: LONG_STREAM_MODEL }],
};

export type StreamPath = {
  name: string;
  origin: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** Text the client must see last, or the stream did not end properly. */
  endMarker: string;
  /** The process that relays the stream, whose CPU time is read. */
  pid: number;
};

export const OPENAI_LONG_BODY = JSON.stringify({
  model: LONG_STREAM_MODEL,
  stream: true,
  messages: [{ role: 'user', content: 'ping' }],
});
export const ANTHROPIC_LONG_BODY = JSON.stringify({
  model: LONG_STREAM_MODEL,
  max_tokens: 4096,
  stream: true,
  messages: [{ role: 'user', content: 'ping' }],
});

/**
 * CPU time of a process, all its threads, its main thread and the others by name (V8's helpers,
 * worker threads), in ms: the kernel's exact count (`/proc/PID/task/TID/schedstat`, ns on the
 * CPU), where `/proc/PID/stat` counts whole 10 ms ticks. `mainWaiting`: the main thread's time
 * runnable but waiting for a CPU (schedstat's second field), what it lost to the machine's other
 * work.
 */
export async function cpuMs(
  pid: number,
): Promise<{ all: number; main: number; mainWaiting: number; byName: Map<string, number> }> {
  let all = 0;
  let main = 0;
  let mainWaiting = 0;
  const byName = new Map<string, number>();
  for (const tid of await readdir(`/proc/${pid}/task`)) {
    const [[ms, waiting], name] = await Promise.all([
      readFile(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').then((text): [number, number] => {
        const [running, waited] = text.split(' ');
        return [Number(running) / 1e6, Number(waited) / 1e6];
      }),
      readFile(`/proc/${pid}/task/${tid}/comm`, 'utf8').then((text) => text.trim()),
    ]).catch((): [[number, number], string] => [[0, 0], '']); // a thread that ended meanwhile
    all += ms;
    if (tid === String(pid)) {
      main = ms;
      mainWaiting = waiting;
    } else if (name) byName.set(name, (byName.get(name) ?? 0) + ms);
  }
  return { all, main, mainWaiting, byName };
}

/** The machine's CPU time so far, idle and in all, in the kernel's ticks (`/proc/stat`). */
export async function machineTicks(): Promise<{ idle: number; all: number }> {
  const fields = (await readFile('/proc/stat', 'utf8')).split('\n', 1)[0]!.trim().split(/\s+/);
  const ticks = fields.slice(1).map(Number);
  // idle and iowait: time no task wanted a CPU.
  return { idle: ticks[3]! + ticks[4]!, all: ticks.reduce((sum, t) => sum + t, 0) };
}

async function oneStream(pool: Pool, path: StreamPath): Promise<number> {
  const started = process.hrtime.bigint();
  const res = await pool.request({
    path: path.path,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...path.headers },
    body: path.body,
  });
  let tail = '';
  for await (const chunk of res.body)
    tail = (tail + (chunk as Buffer).toString('utf8')).slice(-200);
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (res.statusCode !== 200 || !tail.includes(path.endMarker))
    throw new Error(`${path.name}: HTTP ${res.statusCode}, ended with ${JSON.stringify(tail)}`);
  return elapsed;
}

export type LongStreamResult = {
  name: string;
  chunksPerSecond: number;
  cpuMsPerStream: number;
  mainThreadMsPerStream: number;
  /** The other threads' CPU ms per stream by thread name (V8's helpers, the log's workers). */
  otherThreadsMsPerStream: Map<string, number>;
};

/**
 * `streams` streams per path after `warmUp` turns, the paths taking turns, `run` streams in a row
 * per turn (a busy proxy relays streams back to back; V8's collections follow that load, not an
 * engine's stream at a time); medians of time, mean CPU.
 */
export async function measureLongStreams(
  paths: StreamPath[],
  streams: number,
  warmUp = 5,
  run = 1,
): Promise<LongStreamResult[]> {
  const pools = paths.map((p) => new Pool(p.origin, { connections: 1 }));
  const times = paths.map((): number[] => []);
  const cpu = paths.map(() => ({ all: 0, main: 0, byName: new Map<string, number>() }));
  for (let turn = 0; turn < warmUp + Math.ceil(streams / run); turn++) {
    for (const [i, path] of paths.entries()) {
      const before = await cpuMs(path.pid);
      const own = times[i]!;
      const ms: number[] = [];
      while (ms.length < run && own.length + ms.length < streams)
        ms.push(await oneStream(pools[i]!, path));
      if (turn < warmUp) continue;
      const after = await cpuMs(path.pid);
      cpu[i]!.all += after.all - before.all;
      cpu[i]!.main += after.main - before.main;
      for (const [name, ms] of after.byName)
        cpu[i]!.byName.set(
          name,
          (cpu[i]!.byName.get(name) ?? 0) + ms - (before.byName.get(name) ?? 0),
        );
      own.push(...ms);
    }
  }
  await Promise.all(pools.map((p) => p.close()));
  return paths.map((path, i) => {
    const sorted = [...times[i]!].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    return {
      name: path.name,
      chunksPerSecond: LONG_STREAM_CHUNKS / (median / 1000),
      cpuMsPerStream: cpu[i]!.all / streams,
      mainThreadMsPerStream: cpu[i]!.main / streams,
      otherThreadsMsPerStream: new Map(
        [...cpu[i]!.byName].map(([name, ms]) => [name, ms / streams]),
      ),
    };
  });
}

/** The table: chunks/s, the ratio to the first row (the forwarder), CPU per stream. */
export function longStreamTable(results: LongStreamResult[], streams: number): string {
  const base = results[0]!;
  const header = [
    'path',
    'chunks/s (median)',
    'vs bare',
    'CPU ms per stream',
    'main thread ms per stream',
    'other threads ms per stream',
  ];
  const rows = results.map((r) => [
    r.name,
    r.chunksPerSecond.toFixed(0),
    r === base ? '–' : (r.chunksPerSecond / base.chunksPerSecond).toFixed(2),
    r.cpuMsPerStream.toFixed(2),
    r.mainThreadMsPerStream.toFixed(2),
    [...r.otherThreadsMsPerStream]
      .filter(([, ms]) => ms >= 0.005)
      .sort((a, b) => b[1] - a[1])
      .map(([name, ms]) => `${name} ${ms.toFixed(2)}`)
      .join(', '),
  ]);
  return [
    `\nStreaming: ${streams} streams of ${LONG_STREAM_CHUNKS} chunks per path, one connection, paths taking turns; CPU of the relaying process (forwarder or engine), all threads and its main thread, from /proc/PID/task/*/schedstat.`,
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

/** The three streaming paths: the forwarder, Switchyard same format, Switchyard translated. */
export function longStreamPaths(options: {
  bareOrigin: string;
  barePid: number;
  engineOrigin: string;
  enginePid: number;
  proxyKey: string;
}): StreamPath[] {
  return [
    {
      name: 'bare forwarder',
      origin: options.bareOrigin,
      path: '/v1/chat/completions',
      headers: {},
      body: OPENAI_LONG_BODY,
      endMarker: 'data: [DONE]',
      pid: options.barePid,
    },
    {
      name: 'switchyard, same format (OpenAI → OpenAI)',
      origin: options.engineOrigin,
      path: '/v1/chat/completions',
      headers: { authorization: `Bearer ${options.proxyKey}` },
      body: OPENAI_LONG_BODY,
      endMarker: 'data: [DONE]',
      pid: options.enginePid,
    },
    {
      name: 'switchyard, translated (Anthropic → OpenAI)',
      origin: options.engineOrigin,
      path: '/v1/messages',
      headers: { 'x-api-key': options.proxyKey, 'anthropic-version': '2023-06-01' },
      body: ANTHROPIC_LONG_BODY,
      endMarker: 'event: message_stop',
      pid: options.enginePid,
    },
  ];
}
