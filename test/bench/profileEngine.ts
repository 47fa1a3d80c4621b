// npx node test/bench/profileEngine.ts [seconds]: a CPU profile of `switchyard serve` under the
// proxy bench's 50-connection non-streaming load, summarised per request as self time by function,
// by the innermost project function on the stack, and by file.
// The engine runs with --cpu-prof and stops through its SIGTERM path, which writes the profile.
// PROFILE_PATH=/v1/responses profiles the Responses caller instead; PROFILE_SERVER=bare the bare
// forwarder (bareForwarder.ts) under the same load, for the floor; PROFILE_DASHBOARD=1 keeps one
// admin event-stream client reading, as an open dashboard does; PROFILE_CONNECTIONS=1 one request
// at a time (the latency path: what one request costs when nothing is batched); PROFILE_TOP the
// rows shown; PROFILE_NODE_FLAGS="…" runs the engine with these V8 flags instead of the bin's (to
// weigh a heap setting); PROFILE_BODY=claudeCode:N (or chat:N) sends an agent's body of N
// messages instead of the one-line chat (agentBodies.ts); PROFILE_HEAP=1 adds V8's sampling heap
// profiler over the same window and prints the bytes allocated per request by function, owner
// and file (heapSampler.ts). Each worker
// thread's profile (the request log's writer and reader) is summarised after the main
// one's. The window follows 2,000 sequential requests and PROFILE_WARMUP (5) seconds of the same
// load, unmeasured: V8 compiles what it serves meanwhile. The engine traces its collections
// (--trace-gc-nvp) so the bytes it allocates per request are printed beside the CPU.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { ENGINE_ENV, ENGINE_NODE_FLAGS } from '../../main/engineFlags.ts';
import { agentLoad } from './agentBodies.ts';
import { benchUpstreamConfig } from './configFixture.ts';
import { bytesBy, readHeapProfile, type FlatNode } from './heapProfile.ts';
import { cpuMs } from './longStream.ts';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));

type ProfileNode = Omit<FlatNode, 'children'> & { children?: number[] };
type Profile = { nodes: ProfileNode[]; startTime: number; samples: number[]; timeDeltas: number[] };

/** Microseconds on the monotonic clock V8's profiler stamps its samples with. */
const nowMicros = () => Number(process.hrtime.bigint() / 1000n);

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`exited ${code} before it was ready`)));
  });
}

/** Self time per key, in µs, of the samples taken within [from, to], largest first. */
function selfTimes(
  profile: Profile,
  window: { from: number; to: number },
  keyOf: (node: ProfileNode) => string,
): [string, number][] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at < window.from || at > window.to) return;
    const key = keyOf(byId.get(id)!);
    totals.set(key, (totals.get(key) ?? 0) + delta);
  });
  return [...totals].sort((a, b) => b[1] - a[1]);
}

/**
 * A sample's owner: the innermost function of the project (main/, app/, test/) on its stack, so
 * what a function costs in Node, undici and V8 below it counts as its own; a sample in the
 * kernel's socket write or a worker post stays under its own name.
 */
function ownerOf(profile: { nodes: ProfileNode[] }): (node: ProfileNode) => string {
  const parents = new Map<number, ProfileNode>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parents.set(child, node);
  return (leaf) => {
    if (/^(writeUtf8String|writev|writeBuffer|postMessage)$/.test(leaf.callFrame.functionName))
      return `${leaf.callFrame.functionName} (native)`;
    for (let node: ProfileNode | undefined = leaf; node; node = parents.get(node.id))
      if (
        node.callFrame.url.startsWith(`file://${root}`) &&
        !node.callFrame.url.includes('node_modules')
      )
        return frameName(node);
    return `${frameName(leaf)} (outside the project)`;
  };
}

const frameName = (n: ProfileNode) =>
  `${n.callFrame.functionName || '(anonymous)'} ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;

const shortUrl = (url: string) =>
  url.replace(`file://${root}`, '').replace(/^node:/, 'node:') || '(native)';

function print(
  title: string,
  rows: [string, number][],
  requests: number,
  top: number,
  unit = { name: 'µs', scale: 1 },
): void {
  const total = rows.reduce((sum, [, us]) => sum + us, 0);
  console.log(`\n${title}\n| self % | self ${unit.name}/req | where |\n|---|---|---|`);
  for (const [key, us] of rows.slice(0, top))
    console.log(
      `| ${((100 * us) / total).toFixed(1)} | ${(us / unit.scale / requests).toFixed(unit.scale === 1 ? 1 : 2)} | ${key} |`,
    );
}

/**
 * What the engine's isolates allocate, from the `allocated=` of each collection's --trace-gc-nvp
 * line on its stdout (bytes allocated since the one before) while `counting`. The main thread's
 * isolate is the one that collects most. `firstLine` is the first line that is not a trace.
 */
class GcTrace {
  counting = false;
  readonly firstLine: Promise<string>;
  readonly #bytes = new Map<
    string,
    { bytes: number; promoted: number; survived: number; collections: number }
  >();
  /** Collections of every isolate by kind (`gc=s` scavenge, `mc` mark-compact …) and their pause. */
  readonly #kinds = new Map<string, { count: number; pauseMs: number }>();

  constructor(child: ChildProcess) {
    this.firstLine = new Promise((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const gc = /^\[\d+:(0x[0-9a-f]+):\d+\] .* ms: /.exec(line);
        if (!gc) return resolve(line);
        const allocated = / allocated=(\d+)/.exec(line);
        if (!this.counting || !allocated) return;
        const isolate = this.#bytes.get(gc[1]!) ?? {
          bytes: 0,
          promoted: 0,
          survived: 0,
          collections: 0,
        };
        isolate.bytes += Number(allocated[1]);
        // What outlived the young generation: the old generation's growth, which mark-compacts undo.
        isolate.promoted += Number(/ promoted=(\d+)/.exec(line)?.[1] ?? 0);
        // What a scavenge copied within the young generation: its work grows with these bytes
        // (and the promoted ones), not with what was allocated.
        isolate.survived += Number(/ new_space_survived=(\d+)/.exec(line)?.[1] ?? 0);
        isolate.collections++;
        this.#bytes.set(gc[1]!, isolate);
        const kind = / gc=(\w+)/.exec(line)?.[1] ?? '?';
        const counted = this.#kinds.get(kind) ?? { count: 0, pauseMs: 0 };
        counted.count++;
        counted.pauseMs += Number(/ pause=([\d.]+)/.exec(line)?.[1] ?? 0);
        this.#kinds.set(kind, counted);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code} before it was ready`)));
    });
  }

  summary(requests: number): string {
    const isolates = [...this.#bytes.values()].sort((a, b) => b.collections - a.collections);
    const main = isolates[0] ?? { bytes: 0, promoted: 0, survived: 0, collections: 0 };
    const all = isolates.reduce((sum, isolate) => sum + isolate.bytes, 0);
    const kb = (bytes: number) => (bytes / 1024 / requests).toFixed(1);
    const kinds = [...this.#kinds]
      .map(
        ([kind, k]) =>
          `${kind} ${k.count} (${((1000 * k.pauseMs) / requests).toFixed(1)} µs/req paused)`,
      )
      .join(', ');
    return `Allocated (--trace-gc-nvp): the main thread ${kb(main.bytes)} KB/req over ${main.collections} collections (${kb(main.promoted)} KB/req promoted, ${kb(main.survived)} KB/req copied within the young generation), all isolates ${kb(all)} KB/req; collections by kind: ${kinds}.`;
  }
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 5);
  const warmSeconds = Number(process.env.PROFILE_WARMUP ?? 5);
  const agent = agentLoad(process.env.PROFILE_BODY);
  const path = agent?.path ?? process.env.PROFILE_PATH ?? '/v1/chat/completions';
  const top = Number(process.env.PROFILE_TOP ?? 40);
  const connections = Number(process.env.PROFILE_CONNECTIONS ?? 50);
  const children: ChildProcess[] = [];
  const start = (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
    });
    children.push(child);
    return child;
  };
  try {
    const upstream = start([here('./upstreamServer.ts')]);
    const upstreamUrl = `http://127.0.0.1:${await firstLine(upstream)}`;
    const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-profile-'));
    const profileDir = join(dataDir, 'profile');
    await writeFile(join(dataDir, 'config.json'), JSON.stringify(benchUpstreamConfig(upstreamUrl)));
    const proxyKey = 'sy-profile-proxy-key';
    const profiling = ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--trace-gc-nvp'];
    const bare = process.env.PROFILE_SERVER === 'bare';
    const heapPath = process.env.PROFILE_HEAP === '1' ? join(dataDir, 'heap.heapprofile') : '';
    if (heapPath) profiling.push(`--import=${here('./heapSampler.ts')}`);
    const server = bare
      ? start([...profiling, here('./bareForwarder.ts'), `${upstreamUrl}/v1`], {
          HEAP_SAMPLER_PATH: heapPath,
        })
      : start(
          [
            // From source (so the profile names main/ files), with the bin's flags and environment.
            ...profiling,
            ...(process.env.PROFILE_NODE_FLAGS?.split(' ').filter(Boolean) ?? ENGINE_NODE_FLAGS),
            here('../../main/cli/main.ts'),
            'serve',
            '--port',
            '0',
            '--json',
            '--data-dir',
            dataDir,
          ],
          {
            ...ENGINE_ENV,
            SWITCHYARD_PROXY_KEY: proxyKey,
            BENCH_UPSTREAM_KEY: 'bench-upstream-key',
            HEAP_SAMPLER_PATH: heapPath,
          },
        );
    const allocation = new GcTrace(server);
    const line = await allocation.firstLine;
    const origin = bare ? `http://127.0.0.1:${line}` : (JSON.parse(line) as { url: string }).url;
    const dashboard = new AbortController();
    const dashboardOpen = process.env.PROFILE_DASHBOARD === '1' && !bare;
    if (dashboardOpen) {
      const token = new URLSearchParams(
        new URL((JSON.parse(line) as { dashboard: string }).dashboard).hash.slice(1),
      ).get('token')!;
      const res = await fetch(`${origin}/admin/events`, {
        headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
        signal: dashboard.signal,
      });
      const reader = res.body!.getReader();
      void (async () => {
        for (;;) if ((await reader.read()).done) return;
      })().catch(() => undefined);
    }
    const body =
      agent !== undefined
        ? agent.body
        : path === '/v1/responses'
          ? JSON.stringify({ model: 'bench', input: 'ping' })
          : JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: 'ping' }] });
    const pool = new Pool(origin, { connections });
    const send = async () => {
      const res = await pool.request({
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${proxyKey}` },
        body,
      });
      await res.body.arrayBuffer();
      if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
    };
    for (let i = 0; i < 2000; i++) await send();
    // Then the measured load, unmeasured, until V8 has compiled what it serves: its compiler's
    // threads otherwise counted in the window (~400 compilations in the first 5 s at 50
    // connections, V8Worker 17-20 CPU µs/req against 8 after them), a cost a proxy pays once.
    const warmDeadline = Date.now() + warmSeconds * 1000;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (Date.now() < warmDeadline) await send();
      }),
    );
    const deadline = Date.now() + seconds * 1000;
    const from = nowMicros();
    const cpuFrom = await cpuMs(server.pid!);
    allocation.counting = true;
    if (heapPath) server.kill('SIGUSR2');
    let done = 0;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (Date.now() < deadline) {
          await send();
          done++;
        }
      }),
    );
    const window = { from, to: nowMicros() };
    const cpuTo = await cpuMs(server.pid!);
    allocation.counting = false;
    if (heapPath) server.kill('SIGUSR2');
    dashboard.abort();
    await pool.close();
    const exited = once(server, 'exit');
    server.kill('SIGTERM');
    await exited;

    // The main thread's profile is the first one the process wrote (workers write their own).
    const files = (await readdir(profileDir)).filter((f) => f.endsWith('.cpuprofile')).sort();
    const mainFile = files.find((f) => /\.0\.\d+\.cpuprofile$/.test(f)) ?? files[0]!;
    const profile = JSON.parse(await readFile(join(profileDir, mainFile), 'utf8')) as Profile;
    const busy = selfTimes(profile, window, (n) => n.callFrame.functionName)
      .filter(([name]) => name !== '(idle)')
      .reduce((sum, [, us]) => sum + us, 0);
    console.log(
      `${bare ? 'bare forwarder' : 'switchyard'} ${path}${dashboardOpen ? ', dashboard open' : ''}: ${done} requests in ${seconds} s at ${connections} connections (after 2000 warm-up and ${warmSeconds} s at that load); ` +
        `the main thread busy ${(busy / done).toFixed(1)} µs/req (idle excluded below). Profile: ${join(profileDir, mainFile)}\n` +
        // The profile samples wall time: a thread waiting for a core (another woke up on it)
        // counts as busy where it stopped. The kernel's count is what ran, steadier on a shared machine.
        `On the CPU (/proc schedstat): the main thread ${((1000 * (cpuTo.main - cpuFrom.main)) / done).toFixed(1)} µs/req, all threads ${((1000 * (cpuTo.all - cpuFrom.all)) / done).toFixed(1)} µs/req` +
        ` (the others by name: ${[...cpuTo.byName]
          .map(
            ([name, ms]) => [name, (1000 * (ms - (cpuFrom.byName.get(name) ?? 0))) / done] as const,
          )
          .filter(([, us]) => us >= 0.1)
          .sort((a, b) => b[1] - a[1])
          .map(([name, us]) => `${name} ${us.toFixed(1)}`)
          .join(', ')}).\n` +
        allocation.summary(done),
    );
    const busyOnly = (rows: [string, number][]) =>
      rows.filter(([key]) => !key.startsWith('(idle)'));
    print('Self time by function', busyOnly(selfTimes(profile, window, frameName)), done, top);
    print(
      'Time by the innermost project function on the stack (what it costs with what it calls)',
      busyOnly(selfTimes(profile, window, ownerOf(profile))),
      done,
      top,
    );
    print(
      'Self time by file',
      busyOnly(selfTimes(profile, window, (n) => shortUrl(n.callFrame.url))),
      done,
      top,
    );
    // The worker threads' own profiles (the request log's writer and reader, the keychain's …), each
    // named by the project file most of its busy samples ran in.
    for (const file of files.filter((f) => f !== mainFile)) {
      const worker = JSON.parse(await readFile(join(profileDir, file), 'utf8')) as Profile;
      const rows = busyOnly(selfTimes(worker, window, frameName));
      if (rows.length === 0) continue;
      const busiest = busyOnly(selfTimes(worker, window, (n) => shortUrl(n.callFrame.url))).find(
        ([url]) => /^(main|app)\//.test(url),
      )?.[0];
      print(
        `Worker thread ${file} (busiest project file: ${busiest ?? 'none'}): self time by function`,
        rows,
        done,
        top,
      );
      print(
        '… by the innermost project function on its stack',
        busyOnly(selfTimes(worker, window, ownerOf(worker))),
        done,
        top,
      );
    }
    if (heapPath) {
      const heap = await readHeapProfile(heapPath);
      const kb = { name: 'KB', scale: 1024 };
      console.log(`\nHeap profile (sampled, collected objects included): ${heapPath}`);
      print('Bytes allocated by function', bytesBy(heap, frameName), done, top, kb);
      print(
        'Bytes allocated by the innermost project function on the stack',
        bytesBy(heap, ownerOf(heap)),
        done,
        top,
        kb,
      );
      print(
        'Bytes allocated by file',
        bytesBy(heap, (n) => shortUrl(n.callFrame.url)),
        done,
        top,
        kb,
      );
    }
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
