// npm run bench -- bodyDecode: what checking an agent-sized request body costs at the edge, per
// body: the endpoint's zod schema alone (which copies every object it checks) against the body
// decoded as the request path does it (`decodeBody`: the endpoint's hand check where it has one,
// else the schema), with JSON.parse of the same bytes for scale. Bodies from agentBodies.ts:
// Claude Code's /v1/messages, an agent's /v1/chat/completions with tools and tool messages, a
// Codex-like /v1/responses, Gemini CLI's generateContent; 20 and 300 messages each. µs per decode (median of BENCH_ROUNDS
// rounds of BENCH_RUNS, the variants interleaved) and KB allocated by one decode (heap growth
// from a collected heap with a young generation large enough that no scavenge falls inside).
import { CALLERS } from '../../main/proxy/adapters/registry.ts';
import { decodeBody } from '../../main/proxy/routes.ts';
import type { CallerEndpoint } from '../../main/proxy/adapter.ts';
import { agentChatBody, agentResponsesBody, claudeCodeBody, geminiCliBody } from './agentBodies.ts';
import { runUnderHeapFlags } from './heapFlags.ts';
import { median } from './stats.ts';

runUnderHeapFlags();

const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
/** Rounds run first and not counted, so that V8 has compiled what it runs. */
const WARM_ROUNDS = 3;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
/** What a measured call returned, kept so that it is not collected before the heap is read. */
const kept: unknown[] = [];

/** The endpoint a path names: a fixed path, or one whose segment names the model (Gemini's). */
function endpoint(path: string): CallerEndpoint {
  for (const caller of CALLERS) {
    const found = caller.endpoints[path] ?? caller.match?.(path, new URLSearchParams());
    if (found !== undefined) return found;
  }
  throw new Error(`no endpoint ${path}`);
}

const CASES = [
  { name: 'Claude Code /v1/messages', path: '/v1/messages', make: claudeCodeBody },
  { name: 'agent /v1/chat/completions', path: '/v1/chat/completions', make: agentChatBody },
  { name: 'Codex-like /v1/responses', path: '/v1/responses', make: agentResponsesBody },
  {
    name: 'Gemini CLI generateContent',
    path: '/v1beta/models/m:generateContent',
    make: geminiCliBody,
  },
];

type Variant = { name: string; run: (text: string, body: Record<string, unknown>) => unknown };

/** Bytes one call allocates: the heap's growth from a collected heap (median of 5). */
function allocated(run: () => unknown): number {
  const sizes: number[] = [];
  for (let i = 0; i < 5; i++) {
    gc();
    const before = process.memoryUsage().heapUsed;
    kept.push(run());
    sizes.push(process.memoryUsage().heapUsed - before);
  }
  return median(sizes);
}

const rows: string[][] = [];
for (const { name, path, make } of CASES) {
  const decode = endpoint(path);
  for (const turns of [20, 300]) {
    const text = JSON.stringify(make(turns));
    const fresh = () => JSON.parse(text) as Record<string, unknown>;
    const variants: Variant[] = [
      { name: 'JSON.parse', run: (t) => JSON.parse(t) },
      { name: 'schema (copy)', run: (_, body) => decode.schema.safeParse(body) },
      { name: 'as routed', run: (_, body) => decodeBody(decode, body) },
    ];
    const routed = decodeBody(decode, fresh());
    if (!routed.success) throw new Error(`${name}: the bench body is invalid`);
    const copyFree = decode.asSent?.(fresh()) === true;
    const times = variants.map(() => [] as number[]);
    const bodies = Array.from({ length: RUNS }, fresh);
    for (let round = 0; round < WARM_ROUNDS + ROUNDS; round++) {
      variants.forEach((variant, v) => {
        const started = performance.now();
        for (const body of bodies) variant.run(text, body);
        if (round >= WARM_ROUNDS) times[v]?.push(((performance.now() - started) * 1000) / RUNS);
      });
    }
    const bytes = variants.map((variant) => {
      const body = fresh();
      return allocated(() => variant.run(text, body));
    });
    kept.length = 0;
    rows.push([
      name,
      String(turns),
      (text.length / 1024).toFixed(0),
      copyFree ? 'hand' : 'schema',
      ...variants.flatMap((_, v) => [
        median(times[v] ?? []).toFixed(0),
        ((bytes[v] ?? 0) / 1024).toFixed(0),
      ]),
    ]);
  }
}

console.log(
  `Decoding an agent's request body: µs per body (median of ${ROUNDS} rounds of ${RUNS}) and KB allocated by one.\n` +
    `BENCH_RUNS=${RUNS} BENCH_ROUNDS=${ROUNDS} npm run bench -- bodyDecode`,
);
const header = [
  'body',
  'messages',
  'KB',
  'routed by',
  'parse µs',
  'parse KB',
  'schema µs',
  'schema KB',
  'routed µs',
  'routed KB',
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
for (const row of [header, ...rows])
  console.log(
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  '),
  );
