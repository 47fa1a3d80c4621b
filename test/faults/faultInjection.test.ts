import type { IncomingMessage, ServerResponse } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROXY_KEY, startTestEngine, type TestEngine } from '../integration/harness.ts';
import { seededRandom } from '../mocks/util.ts';
import type {
  Fault,
  FaultKind,
  LoggedRequest,
  MockProviderOptions,
  MockRequestInfo,
} from '../mocks/types.ts';
import { judgeAnswer, type Inbound, type Verdict } from './answers.ts';
import { startLoadRig } from './failureLoad.ts';
import { envInt, percentile, sleep, table } from './report.ts';

/*
 * Requests through chains of misbehaving mock providers, every one accounted for. The size comes
 * from SWITCHYARD_FAULT_REQUESTS (the long form is 10,000); the default is bounded for `npm test`.
 */
const REQUESTS = envInt('SWITCHYARD_FAULT_REQUESTS', 1500);
const CONCURRENCY = envInt('SWITCHYARD_FAULT_CONCURRENCY', 24);
const SEED = envInt('SWITCHYARD_FAULT_SEED', 8);
/** No request may take longer than this, however its providers misbehave. */
const DEADLINE_MS = 20_000;
/** From the engine seeing a client hang up, every upstream request it still has open ends within this (plus the run's longest event-loop stall). */
const HANGUP_BOUND_MS = 50;
const LONG_REPLY_WORDS = 40_000;
/**
 * Keys per provider: a route target expands to its pool, and the limiter cools each key down on
 * its own after a failure, so one fault does not take a provider out for everyone.
 */
const KEYS_PER_PROVIDER = 3;

function secretOf(provider: string, k: number): string {
  return `sk-faults-${provider}-secret-${k + 1}-${SEED}`;
}

/** Warm-up requests are numbered from here, apart from the counted ones. */
const WARM_UP_FROM = 1_000_000;

/** The faults each mock draws per request: about a quarter of attempts fail, more are oddly framed. */
const FAULT_RATES: Partial<Record<FaultKind, number>> = {
  'rate-limit': 0.05,
  'server-error': 0.02,
  overloaded: 0.03,
  'context-length': 0.004,
  'stall-before-headers': 0.02,
  'stall-mid-stream': 0.02,
  'reset-before-headers': 0.03,
  'reset-after-headers': 0.03,
  'malformed-sse': 0.02,
  'error-after-200': 0.02,
  'split-writes': 0.03,
  crlf: 0.05,
  comments: 0.05,
};

/** Client requests carry `fz<index>x` in their prompt (`…xL` asks for a long reply). */
const TAG = /fz(\d+)x(L?)/;

function isLong(info: { body: unknown }): boolean {
  return TAG.exec(JSON.stringify(info.body) ?? '')?.[2] === 'L';
}

/** The variants the default rates cannot draw: 502/503/504, daily and token 429s, short stalls. */
function variantFaults(seed: number): (info: MockRequestInfo) => Fault | undefined {
  const random = seededRandom(seed);
  return (info) => {
    const roll = random();
    if (roll < 0.01) return { kind: 'server-error', status: 502 };
    if (roll < 0.02) return { kind: 'server-error', status: 503 };
    if (roll < 0.03) return { kind: 'server-error', status: 504 };
    if (roll < 0.04) return { kind: 'rate-limit', scope: random() < 0.5 ? 'day' : 'tokens' };
    if (roll < 0.05) return { kind: 'stall-before-headers', ms: 120 };
    if (roll < 0.06) return { kind: 'stall-mid-stream', afterEvents: 3, ms: 150 };
    // 13 bytes per 3 ms would take a minute for a long reply: a slow provider, not a fault.
    if (roll < 0.07 && !isLong(info)) return { kind: 'split-writes', at: 'bytes', everyBytes: 13 };
    return undefined;
  };
}

/** Every mock answers `reply fz<n>x …`, so an answer can be matched to the request it belongs to. */
function reply(info: { body: unknown }): string {
  const match = TAG.exec(JSON.stringify(info.body) ?? '');
  if (!match) return 'no tag';
  return `reply ${match[0]} ${match[2] ? 'lorem ipsum '.repeat(LONG_REPLY_WORDS / 2) : 'ok'}`;
}

const DIALECTS: Record<string, Pick<MockProviderOptions, 'format' | 'dialect'>> = {
  openai: { format: 'openai', dialect: 'openai' },
  groq: { format: 'openai', dialect: 'groq' },
  cerebras: { format: 'openai', dialect: 'cerebras' },
  openrouter: { format: 'openai', dialect: 'openrouter' },
  together: { format: 'openai', dialect: 'together' },
  mistral: { format: 'openai', dialect: 'mistral' },
  anthropic: { format: 'anthropic', dialect: 'anthropic' },
  gemini: { format: 'gemini', dialect: 'none' },
};

const MODELS: Record<string, string> = {
  openai: 'gpt-4o-mini',
  groq: 'llama-3.1-8b-instant',
  cerebras: 'llama3.1-8b',
  openrouter: 'meta-llama/llama-3.3-70b-instruct:free',
  together: 'meta-llama/Llama-3.3-70B-Instruct-Turbo',
  mistral: 'mistral-small-latest',
  anthropic: 'claude-haiku-4-5',
  gemini: 'gemini-2.0-flash',
};

const ROUTES: Record<string, { providers: string[]; latencyBudgetMs?: number }> = {
  'chain-a': { providers: ['groq', 'anthropic', 'gemini'] },
  'chain-b': { providers: ['openrouter', 'cerebras', 'mistral'] },
  'chain-c': { providers: ['together', 'openai', 'anthropic'] },
  hedged: { providers: ['gemini', 'groq', 'openai'], latencyBudgetMs: 150 },
};

type Behavior =
  'normal' | 'slow-reader' | 'hangup-early' | 'hangup-first-chunk' | 'hangup-mid-body';

type Plan = {
  index: number;
  tag: string;
  route: string;
  inbound: Inbound;
  stream: boolean;
  behavior: Behavior;
  long: boolean;
  hangupDelayMs: number;
};

type Outcome = Verdict['kind'] | 'client-hangup' | 'transport-error' | 'hung';

type Result = {
  plan: Plan;
  outcome: Outcome;
  status: number;
  detail: string;
  attempts: number | undefined;
  /** The Retry-After of an error response, in seconds. */
  retryAfterS?: number;
  /** When the client hung up on purpose (undefined when the answer was complete first). */
  hangupAt: number | undefined;
  elapsedMs: number;
  text: string;
};

function planRequests(count: number, seed: number): Plan[] {
  const random = seededRandom(seed);
  const routes = Object.keys(ROUTES);
  return Array.from({ length: count }, (_, index) => {
    const stream = random() < 0.6;
    const roll = random();
    const behavior: Behavior =
      roll < 0.06
        ? 'slow-reader'
        : roll < 0.14
          ? 'hangup-early'
          : roll < 0.2 && stream
            ? 'hangup-first-chunk'
            : roll < 0.24
              ? 'hangup-mid-body'
              : 'normal';
    const long = behavior === 'slow-reader' || behavior === 'hangup-mid-body';
    return {
      index,
      tag: `fz${index}x${long ? 'L' : ''}`,
      route: routes[Math.floor(random() * routes.length)] as string,
      inbound: random() < 0.7 ? 'openai' : 'anthropic',
      stream,
      behavior,
      long,
      hangupDelayMs: Math.floor(random() * 400),
    };
  });
}

let t: TestEngine;
let agent: Agent;
/** When the engine's side of each client request closed, by request index. */
const closedAt = new Map<number, number>();
/** One message for each kind of error response, for the report. */
const examples = new Map<string, string>();

beforeAll(async () => {
  const providers = Object.keys(DIALECTS);
  t = await startTestEngine({
    mocks: Object.fromEntries(
      providers.map((id, i) => [
        id,
        {
          ...DIALECTS[id],
          keys: Array.from({ length: KEYS_PER_PROVIDER }, (_, k) => secretOf(id, k)),
          seed: SEED * 31 + i,
          faultRates: FAULT_RATES,
          faults: variantFaults(SEED * 57 + i),
          latencyMs: [0, 25] as const,
          chunks: 6,
          reply,
          minuteMs: 1000,
          dayMs: 5000,
          // Real limits, so the 429s the mocks make up carry real numbers for the limiter to learn.
          limits: {
            rpm: 1_000_000,
            rpd: 1_000_000_000,
            tpm: 1_000_000_000,
            tpd: 1_000_000_000_000,
          },
        } as MockProviderOptions,
      ]),
    ),
    keys: providers.flatMap((id) =>
      Array.from({ length: KEYS_PER_PROVIDER }, (_, k) => ({
        id: `${id}-key${k + 1}`,
        provider: id,
        env: `SY_FAULTS_${id.toUpperCase()}_KEY${k + 1}`,
        secret: secretOf(id, k),
      })),
    ),
    routes: Object.entries(ROUTES).map(([name, route]) => ({
      name,
      targets: route.providers.map((p) => ({ provider: p, model: MODELS[p] })),
      ...(route.latencyBudgetMs ? { latencyBudgetMs: route.latencyBudgetMs } : {}),
    })),
    upstreamTimeouts: { connectMs: 1000, headersMs: 500, idleMs: 400 },
  });
  agent = new Agent({ connections: CONCURRENCY, pipelining: 1 });
  // Paid keys: the catalog's free-tier quotas (a few requests a minute) are not what this tests.
  // (Through our own agent: the global one would keep a connection to the engine open.)
  const admin = { authorization: `Bearer ${t.engine.adminToken}` };
  const current = await request(`${t.engine.url}/admin/config`, {
    dispatcher: agent,
    headers: admin,
  });
  const config = (await current.body.json()) as { keys: Array<Record<string, unknown>> };
  const put = await request(`${t.engine.url}/admin/config`, {
    dispatcher: agent,
    method: 'PUT',
    headers: { ...admin, 'content-type': 'application/json' },
    body: JSON.stringify({ ...config, keys: config.keys.map((k) => ({ ...k, tier: 'paid' })) }),
  });
  if (put.statusCode !== 200)
    throw new Error(`could not mark the keys paid: ${await put.body.text()}`);
  await put.body.dump();
  t.engine.server.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const index = Number(req.headers['x-fz-index']);
    res.once('close', () => closedAt.set(index, Date.now()));
  });
});

afterAll(async () => {
  if (agent && !agent.closed) await agent.close();
  await t?.close();
});

function requestBody(plan: Plan): string {
  const content = `please answer ${plan.tag}`;
  if (plan.inbound === 'openai')
    return JSON.stringify({
      model: plan.route,
      stream: plan.stream,
      messages: [{ role: 'user', content }],
    });
  return JSON.stringify({
    model: plan.route,
    stream: plan.stream,
    max_tokens: 200_000,
    messages: [{ role: 'user', content }],
  });
}

async function send(plan: Plan): Promise<Result> {
  const started = Date.now();
  const controller = new AbortController();
  let hangupAt: number | undefined;
  let deadlineHit = false;
  const deadline = setTimeout(() => {
    deadlineHit = true;
    controller.abort();
  }, DEADLINE_MS);
  const hangUp = () => {
    if (hangupAt !== undefined) return;
    hangupAt = Date.now();
    controller.abort();
  };
  const early =
    plan.behavior === 'hangup-early' ? setTimeout(hangUp, plan.hangupDelayMs) : undefined;
  const result = (outcome: Outcome, status: number, detail: string, extra: Partial<Result> = {}) =>
    ({
      plan,
      outcome,
      status,
      detail,
      attempts: undefined,
      hangupAt,
      elapsedMs: Date.now() - started,
      text: '',
      ...extra,
    }) satisfies Result;
  let status = 0;
  try {
    const res = await request(
      `${t.engine.url}${plan.inbound === 'openai' ? '/v1/chat/completions' : '/v1/messages'}`,
      {
        dispatcher: agent,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-fz-index': String(plan.index),
          ...(plan.inbound === 'openai'
            ? { authorization: `Bearer ${PROXY_KEY}` }
            : { 'x-api-key': PROXY_KEY, 'anthropic-version': '2023-06-01' }),
        },
        body: requestBody(plan),
        signal: controller.signal,
      },
    );
    status = res.statusCode;
    const attemptsHeader = res.headers['x-switchyard-attempts'];
    const attempts = typeof attemptsHeader === 'string' ? Number(attemptsHeader) : undefined;
    const retryAfter = Number(res.headers['retry-after']);
    const decoder = new TextDecoder();
    let text = '';
    let chunks = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      text += decoder.decode(chunk, { stream: true });
      chunks++;
      if (plan.behavior === 'hangup-first-chunk' && chunks === 1) hangUp();
      if (plan.behavior === 'hangup-mid-body' && chunks === 3) hangUp();
      if (plan.behavior === 'slow-reader') await sleep(15);
    }
    text += decoder.decode();
    // The whole answer arrived before the hang-up took effect: it counts as an answer.
    hangupAt = undefined;
    const contentType = String(res.headers['content-type'] ?? '');
    let verdict = judgeAnswer(plan.inbound, status, contentType, text);
    if (verdict.kind === 'answered' && !verdict.text.includes(plan.tag))
      verdict = {
        kind: 'unclear',
        why: `an answer without this request's tag: ${text.slice(0, 600)}`,
      };
    if (verdict.kind === 'unclear') verdict.why += ` [body: ${JSON.stringify(text.slice(-600))}]`;
    const detail =
      verdict.kind === 'unclear'
        ? verdict.why
        : verdict.kind === 'error-response'
          ? `${verdict.status} ${verdict.code}`
          : verdict.kind === 'stream-error'
            ? verdict.message.slice(0, 120)
            : '';
    if (verdict.kind === 'error-response' && !examples.has(detail))
      examples.set(detail, verdict.message.slice(0, 300));
    return result(verdict.kind, status, detail, {
      attempts,
      ...(status >= 400 && retryAfter > 0 ? { retryAfterS: retryAfter } : {}),
      text: verdict.kind === 'answered' ? verdict.text : '',
    });
  } catch (err) {
    if (deadlineHit) return result('hung', status, `no end after ${DEADLINE_MS} ms`);
    if (hangupAt !== undefined) return result('client-hangup', status, '');
    return result('transport-error', status, (err as Error).message);
  } finally {
    clearTimeout(deadline);
    clearTimeout(early);
  }
}

async function runAll(plans: Plan[]): Promise<Result[]> {
  const results: Result[] = [];
  let next = 0;
  const worker = async () => {
    while (next < plans.length) {
      const plan = plans[next++] as Plan;
      const result = await send(plan);
      results.push(result);
      // As SDKs do: a 429 or 503 that names a wait is honoured before the next request.
      if (result.retryAfterS !== undefined) await sleep(Math.min(result.retryAfterS * 1000, 1000));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return results;
}

/** Every upstream request the mocks saw, by the client request's tag. */
function upstreamByTag(): Map<number, Array<{ provider: string; entry: LoggedRequest }>> {
  const byTag = new Map<number, Array<{ provider: string; entry: LoggedRequest }>>();
  for (const [provider, mock] of Object.entries(t.mocks)) {
    for (const entry of mock.requests) {
      const match = TAG.exec(JSON.stringify(entry.body) ?? '');
      if (!match) continue;
      const index = Number(match[1]);
      const list = byTag.get(index) ?? [];
      list.push({ provider, entry });
      byTag.set(index, list);
    }
  }
  return byTag;
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

describe('fault injection', () => {
  it(
    `accounts for every one of ${REQUESTS} requests through misbehaving providers`,
    { timeout: Math.max(120_000, REQUESTS * 150) },
    async () => {
      const plans = planRequests(REQUESTS, SEED);
      // A cold engine (JIT, first connections) is slower than any steady state: warm it first.
      const warmUp = planRequests(64, SEED + 1).map((p, i) => ({
        ...p,
        index: WARM_UP_FROM + i,
        tag: `fz${WARM_UP_FROM + i}x`,
        behavior: 'normal' as const,
        long: false,
      }));
      await runAll(warmUp);
      const started = Date.now();
      const loop = monitorEventLoopDelay({ resolution: 5 });
      loop.enable();
      const results = await runAll(plans);
      loop.disable();
      const wallMs = Date.now() - started;
      // Upstream aborts land on the mocks' side a moment after the client's last hang-up.
      await sleep(300);
      const upstream = upstreamByTag();

      const problems: string[] = [];
      const seen = new Set<number>();
      for (const r of results) {
        if (seen.has(r.plan.index)) problems.push(`request ${r.plan.index} accounted twice`);
        seen.add(r.plan.index);
        if (r.outcome === 'unclear' || r.outcome === 'transport-error' || r.outcome === 'hung')
          problems.push(
            `request ${r.plan.index} (${r.plan.route}, ${r.plan.inbound}, ${r.plan.stream ? 'stream' : 'json'}, ${r.plan.behavior}): ${r.outcome} ${r.status} ${r.detail}`,
          );
      }
      const lost = plans.filter((p) => !seen.has(p.index));
      for (const p of lost) problems.push(`request ${p.index} lost`);

      // Upstream requests: never more than the route's targets, never one provider twice.
      let upstreamTotal = 0;
      let maxPerRequest = 0;
      let hedgedExtra = 0;
      let sameProviderTwice = 0;
      for (const r of results) {
        const list = upstream.get(r.plan.index) ?? [];
        upstreamTotal += list.length;
        maxPerRequest = Math.max(maxPerRequest, list.length);
        const targets = ROUTES[r.plan.route]!.providers.length * KEYS_PER_PROVIDER;
        if (list.length > targets)
          problems.push(
            `request ${r.plan.index}: ${list.length} upstream requests for ${targets} candidates`,
          );
        const perKey = countBy(list, (u) => `${u.provider} ${u.entry.key?.label ?? 'no key'}`);
        for (const [key, n] of perKey)
          if (n > 1) {
            sameProviderTwice++;
            problems.push(`request ${r.plan.index}: ${n} requests to ${key}`);
          }
        if (r.attempts !== undefined && list.length > r.attempts)
          problems.push(
            `request ${r.plan.index}: ${list.length} upstream requests, header says ${r.attempts} attempts`,
          );
        if (r.plan.route === 'hedged') {
          // A hedge starts while an earlier attempt is still open.
          const overlapping = list.filter((u) =>
            list.some(
              (v) =>
                v !== u &&
                v.entry.at < u.entry.at &&
                (v.entry.abortedAt ?? v.entry.finishedAt ?? Infinity) > u.entry.at,
            ),
          );
          hedgedExtra += overlapping.length;
        }
      }

      /*
       * Hang-ups. Client, engine and mocks share one event loop here, so the time from the
       * client's abort to the engine noticing it is this process's loop lag, not the engine's
       * doing: it is reported. What the engine controls, from noticing the hang-up (its response
       * closing) to every upstream request it still had open ending, is held to the bound, plus
       * the longest this shared loop stalled during the run: an abort the engine issued on time
       * is seen by the mock only when the loop runs again, and a loaded machine stalls it.
       */
      const hangupBoundMs = HANGUP_BOUND_MS + loop.max / 1e6;
      const fromClient: number[] = [];
      const fromEngine: number[] = [];
      let startedAfterHangup = 0;
      for (const r of results) {
        if (r.outcome !== 'client-hangup' || r.hangupAt === undefined) continue;
        const noticed = closedAt.get(r.plan.index);
        for (const { provider, entry } of upstream.get(r.plan.index) ?? []) {
          const end = entry.abortedAt ?? entry.finishedAt;
          const where = `request ${r.plan.index} (${r.plan.behavior}, ${r.plan.stream ? 'stream' : 'json'}): ${provider}`;
          if (noticed === undefined) {
            problems.push(`${where} request sent, but the engine never saw its client close`);
            continue;
          }
          if (entry.at > noticed) startedAfterHangup++;
          if (end === undefined) {
            problems.push(`${where} request still open after the hang-up`);
            continue;
          }
          if (end >= r.hangupAt) fromClient.push(end - r.hangupAt);
          if (end < noticed) continue;
          fromEngine.push(end - noticed);
          if (end - noticed > hangupBoundMs)
            problems.push(
              `${where} request ended ${end - noticed} ms after the engine saw the hang-up (upstream status ${entry.status ?? '-'}, faults ${entry.faults.join('+') || 'none'})`,
            );
        }
      }

      // No upstream request is left open: every one was answered in full or cut.
      let leftOpen = 0;
      for (const [provider, mock] of Object.entries(t.mocks))
        for (const entry of mock.requests)
          if (!entry.aborted && !entry.finished) {
            leftOpen++;
            problems.push(`${provider} request ${entry.index} (${entry.model}) is still open`);
          }

      const outcomes = countBy(results, (r) => r.outcome);
      const errorStatuses = countBy(
        results.filter((r) => r.outcome === 'error-response'),
        (r) => r.detail,
      );
      const faults = new Map<string, number>();
      for (const mock of Object.values(t.mocks))
        for (const entry of mock.requests)
          for (const kind of entry.faults) faults.set(kind, (faults.get(kind) ?? 0) + 1);
      const byClient = [...fromClient].sort((a, b) => a - b);
      const byEngine = [...fromEngine].sort((a, b) => a - b);
      const lagMs = (ns: number) => Math.round(ns / 1e6);
      console.log(
        [
          `fault injection: ${REQUESTS} requests, concurrency ${CONCURRENCY}, seed ${SEED}, ${Object.keys(t.mocks).length} mock providers in ${Object.keys(ROUTES).length} chains, ${(wallMs / 1000).toFixed(1)} s`,
          table(
            ['outcome', 'count'],
            [
              ['answered', outcomes.get('answered') ?? 0],
              ['error response (caller format)', outcomes.get('error-response') ?? 0],
              ['stream ended with error event', outcomes.get('stream-error') ?? 0],
              ['client hung up', outcomes.get('client-hangup') ?? 0],
              ['unclear answer', outcomes.get('unclear') ?? 0],
              ['transport error', outcomes.get('transport-error') ?? 0],
              ['hung (no end by deadline)', outcomes.get('hung') ?? 0],
              ['lost', lost.length],
              ['total', results.length],
            ],
          ),
          table(
            ['error responses', 'count'],
            [...errorStatuses].sort((a, b) => b[1] - a[1]),
          ),
          table(
            ['upstream', 'value'],
            [
              ['upstream requests', upstreamTotal],
              ['per client request, max', maxPerRequest],
              ['concurrent (hedged) extra', hedgedExtra],
              ['same provider and key twice for one request', sameProviderTwice],
              ['logged by a mock after the hang-up', startedAfterHangup],
              ['left open after the run', leftOpen],
            ],
          ),
          table(
            ['hang-up → upstream request ends', 'p50 ms', 'p99 ms', 'max ms', 'n'],
            [
              [
                'from the engine noticing it',
                percentile(byEngine, 0.5),
                percentile(byEngine, 0.99),
                byEngine.at(-1) ?? 0,
                byEngine.length,
              ],
              [
                'from the client hanging up',
                percentile(byClient, 0.5),
                percentile(byClient, 0.99),
                byClient.at(-1) ?? 0,
                byClient.length,
              ],
              [
                'event-loop delay of this process',
                lagMs(loop.percentile(50)),
                lagMs(loop.percentile(99)),
                lagMs(loop.max),
                '',
              ],
            ],
          ),
          [...examples].map(([kind, message]) => `e.g. ${kind}: ${message}`).join('\n'),
          table(
            ['fault injected upstream', 'count'],
            [...faults].sort((a, b) => b[1] - a[1]),
          ),
        ].join('\n'),
      );
      expect(problems.slice(0, 30)).toEqual([]);
      expect(results.length).toBe(REQUESTS);

      // Afterwards the engine is healthy and holds no client connection.
      const health = await request(`${t.engine.url}/healthz`, { dispatcher: agent });
      expect(health.statusCode).toBe(200);
      await health.body.dump();
      await agent.close();
      await expect
        .poll(
          () =>
            new Promise<number>((resolve) =>
              t.engine.server.server.getConnections((_err, n) => resolve(n)),
            ),
          { timeout: 3000 },
        )
        .toBe(0);
    },
  );
});

/*
 * Cancels before the first byte and 500s at load (bounded: SWITCHYARD_FAULT_LOAD_REQUESTS, 600 by
 * default). Each of three targets fails 2% of attempts with HTTP 500 and a fifth of the clients
 * hang up within 40 ms, mostly before the provider's first byte. A cancel is the client's act and
 * a single 500 moves only its own request, so nearly every request that was not cancelled must
 * succeed, no target may be left cooling or out of rotation, and each cancel is logged as one.
 */
describe('cancels before the first byte and 500s at load', () => {
  it(
    'keeps the success rate at the best possible and cools nothing for a cancel',
    { timeout: 60_000 },
    async () => {
      const rig = await startLoadRig({ serverErrorRate: 0.02, seed: SEED });
      try {
        const result = await rig.run({
          mode: { kind: 'closed', connections: 30 },
          requests: envInt('SWITCHYARD_FAULT_LOAD_REQUESTS', 600),
          serverErrorRate: 0.02,
          cancelShare: 0.2,
          cancelWithinMs: 40,
          seed: SEED,
        });
        console.log(
          `cancels and 500s at load: ${result.ok} ok, ${result.failed} failed ${JSON.stringify(result.failures)}, ${result.cancelled} cancelled; success ${(result.successRate * 100).toFixed(2)}% of ${(result.bestPossible * 100).toFixed(3)}% possible`,
        );
        expect(result.cancelled).toBeGreaterThan(0);
        expect(result.successRate / result.bestPossible).toBeGreaterThanOrEqual(0.99);

        const state = (await (await rig.engine.adminFetch('/admin/quota/state')).json()) as {
          pools: Record<string, { cooling?: unknown; breaker?: { openUntil?: number } }>;
        };
        for (const [id, pool] of Object.entries(state.pools)) {
          expect([id, pool.cooling]).toEqual([id, undefined]);
          expect([id, pool.breaker?.openUntil]).toEqual([id, undefined]);
        }
        const cancelled = (await (
          await rig.engine.adminFetch('/admin/requests?status=499&limit=500')
        ).json()) as { items: Array<{ failureClass: string | null }> };
        expect(cancelled.items.length).toBeGreaterThan(0);
        for (const item of cancelled.items)
          expect([null, 'cancelled']).toContain(item.failureClass);
        expect(cancelled.items.some((item) => item.failureClass === 'cancelled')).toBe(true);
      } finally {
        await rig.engine.close();
      }
    },
  );
});
