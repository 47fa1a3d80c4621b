// npm run bench -- eventHub: what an open dashboard costs the engine, isolated from the proxy.
// The engine's EventHub (with its secret mask over three secrets) is fed a start and a finish
// per request at BENCH_RATE requests a second (default 2,000) for BENCH_SECONDS (default 5), as
// the request path publishes them, once with one event-stream client reading (a child process,
// as a browser tab is) and once with none; the difference in this process's CPU is the stream's
// cost per request. Runs alternate, BENCH_RUNS pairs (default 3), medians printed. Steadier than
// the proxy bench's "dashboard open" row on a shared machine, which varies more from run to run.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AttemptRecord, RequestRecord } from '../../app/admin/types.ts';
import { EventHub } from '../../main/engine/eventHub.ts';
import { SecretMask } from '../../main/keys/secretMask.ts';
import { median } from './stats.ts';

const RATE = Number(process.env.BENCH_RATE ?? 2000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TICK_MS = 10;

const mask = new SecretMask(function* () {
  yield 'sy-bench-admin-token-0123456789abcdef';
  yield 'sy-bench-proxy-key-0123456789';
  yield 'bench-upstream-key-0123456789abcdef';
});

/** A finished request as the proxy bench's traffic logs it: one attempt, answered. */
const row = (i: number, at: number): RequestRecord => ({
  id: `0193a1b2-c3d4-7e5f-8a9b-${String(i).padStart(12, '0')}`,
  startedAt: at,
  kind: 'chat',
  inboundFormat: 'openai',
  requestedModel: 'bench',
  route: 'bench',
  rule: null,
  affinity: null,
  provider: 'bench',
  keyId: 'bench-key',
  model: 'bench-model',
  status: 200,
  failureClass: null,
  error: null,
  headersMs: 2,
  firstTokenMs: 2,
  totalMs: 3,
  tokensIn: 12,
  tokensOut: 40,
  costUsd: null,
  streamed: false,
  hedged: false,
  clientAborted: false,
});

const attempts = (at: number): AttemptRecord[] => [
  {
    index: 0,
    startedAt: at,
    provider: 'bench',
    model: 'bench-model',
    keyId: 'bench-key',
    status: 200,
    outcome: 'ok',
    failureClass: null,
    reason: null,
    headersMs: 2,
    firstTokenMs: 2,
    totalMs: 3,
    tokensIn: 12,
    tokensOut: 40,
    costUsd: null,
    hedged: false,
    holdUntil: null,
  },
];

/** One run: µs of this process's CPU per request, and the bytes the client read per request. */
async function run(withClient: boolean): Promise<{ cpuUs: number; bytes: number }> {
  const hub = new EventHub({ mask: (text) => mask.mask(text) });
  const server = createServer((req, res) => hub.attach(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const reader = withClient
    ? spawn(
        process.execPath,
        [
          '-e',
          `let n=0;require('http').get('http://127.0.0.1:${port}/',(r)=>r.on('data',(c)=>{n+=c.length}));` +
            `process.on('SIGTERM',()=>{process.stdout.write(String(n));process.exit(0)})`,
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      )
    : undefined;
  let read = '';
  reader?.stdout?.on('data', (chunk: Buffer) => (read += chunk.toString()));
  try {
    while (withClient && hub.clientCount === 0) await new Promise((r) => setTimeout(r, 10));
    const perTick = Math.max(1, Math.round((RATE * TICK_MS) / 1000));
    const ticks = Math.round((SECONDS * 1000) / TICK_MS);
    let sent = 0;
    const before = process.cpuUsage();
    for (let tick = 0; tick < ticks; tick++) {
      const at = Date.now();
      for (let k = 0; k < perTick; k++, sent++) {
        const request = row(sent, at);
        hub.publish('request.started', {
          id: request.id,
          startedAt: at,
          kind: 'chat',
          inboundFormat: 'openai',
          requestedModel: 'bench',
          route: 'bench',
          streamed: false,
        });
        hub.publishFinished(request, attempts(at));
      }
      await new Promise((r) => setTimeout(r, TICK_MS));
    }
    // The last batch's flush.
    await new Promise((r) => setTimeout(r, 200));
    const cpu = process.cpuUsage(before);
    if (reader !== undefined) {
      const exited = new Promise((r) => reader.once('exit', r));
      reader.kill('SIGTERM');
      await exited;
    }
    return { cpuUs: (cpu.user + cpu.system) / sent, bytes: reader ? Number(read) / sent : 0 };
  } finally {
    if (reader?.exitCode === null) reader.kill('SIGKILL');
    hub.close();
    server.close();
  }
}

const idle: number[] = [];
const open: number[] = [];
const bytes: number[] = [];
for (let i = 0; i < RUNS; i++) {
  idle.push((await run(false)).cpuUs);
  const withClient = await run(true);
  open.push(withClient.cpuUs);
  bytes.push(withClient.bytes);
}
console.log(
  `event stream at ${RATE} requests/s for ${SECONDS} s, a start and a finish each (median of ${RUNS} pairs)`,
);
console.log('| | CPU µs/req | bytes/req |\n|---|---|---|');
console.log(`| no client | ${median(idle).toFixed(2)} | – |`);
console.log(`| one dashboard reading | ${median(open).toFixed(2)} | ${median(bytes).toFixed(0)} |`);
console.log(
  `| the stream's own cost | ${median(open.map((o, i) => o - (idle[i] ?? 0))).toFixed(2)} | |`,
);
console.log(
  `\nReproduce: BENCH_RATE=${RATE} BENCH_SECONDS=${SECONDS} BENCH_RUNS=${RUNS} npm run bench -- eventHub`,
);
