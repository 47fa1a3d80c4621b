import { Agent, request } from 'undici';
import { PROXY_AUTH, startTestEngine, type TestEngine } from '../integration/harness.ts';
import { seededRandom } from '../mocks/util.ts';

/*
 * Load through a three-target route whose providers each fail a share of requests with HTTP 500,
 * with clients that may cancel at random moments: what the fault suite and the failover benchmark
 * (test/bench/failoverBench.ts) both drive. A request succeeds when it gets a 200 with its whole
 * answer; one whose client cancelled it before the answer ended counts as cancelled and is left
 * out of the success rate (a cancel that lands after the answer is complete counts as success).
 */

/** The three targets: OpenAI-format mocks, paid keys, so no catalog free-tier limit interferes. */
const TARGETS = [
  { provider: 'openai', model: 'gpt-4o-mini' },
  { provider: 'mistral', model: 'mistral-small-latest' },
  { provider: 'deepseek', model: 'deepseek-chat' },
];

export type LoadMode = { kind: 'paced'; rps: number } | { kind: 'closed'; connections: number };

export type LoadSpec = {
  mode: LoadMode;
  requests: number;
  /** Share of each target's attempts answered with HTTP 500. */
  serverErrorRate: number;
  /** Share of requests whose client cancels, at a random moment in its first `cancelWithinMs`. */
  cancelShare: number;
  cancelWithinMs: number;
  seed: number;
};

export type LoadResult = {
  sent: number;
  ok: number;
  failed: number;
  cancelled: number;
  /** Statuses of the failed requests. */
  failures: Record<string, number>;
  /** ok / (sent - cancelled). */
  successRate: number;
  /** All three targets fail the same request: 1 - rate^3. */
  bestPossible: number;
  achievedRps: number;
};

export type LoadRig = { engine: TestEngine; run: (spec: LoadSpec) => Promise<LoadResult> };

/** Starts the mocks and an engine with one route, `failover`, over the three targets. */
export async function startLoadRig(
  spec: Pick<LoadSpec, 'serverErrorRate' | 'seed'>,
): Promise<LoadRig> {
  const engine = await startTestEngine({
    mocks: Object.fromEntries(
      TARGETS.map((t, i) => [
        t.provider,
        {
          format: 'openai' as const,
          dialect: 'none' as const,
          latencyMs: [10, 40] as const,
          chunks: 4,
          seed: spec.seed * 10 + i,
          faultRates: { 'server-error': spec.serverErrorRate },
        },
      ]),
    ),
    keys: TARGETS.map((t) => ({
      id: `${t.provider}-load`,
      provider: t.provider,
      env: `SY_LOAD_${t.provider.toUpperCase()}_KEY`,
      secret: `sk-load-${t.provider}-secret-0000`,
      tier: 'paid' as const,
    })),
    routes: [{ name: 'failover', targets: TARGETS }],
  });
  return { engine, run: (load) => runLoad(engine, load) };
}

type Outcome = 'ok' | 'cancelled' | string;

async function one(
  url: string,
  dispatcher: Agent,
  index: number,
  cancelAfterMs: number | undefined,
): Promise<Outcome> {
  const stream = index % 2 === 0;
  const client = new AbortController();
  const timer =
    cancelAfterMs === undefined ? undefined : setTimeout(() => client.abort(), cancelAfterMs);
  try {
    const res = await request(`${url}/v1/chat/completions`, {
      method: 'POST',
      dispatcher,
      signal: client.signal,
      headers: PROXY_AUTH,
      body: JSON.stringify({
        model: 'failover',
        stream,
        messages: [{ role: 'user', content: `load ${index}` }],
      }),
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) return String(res.statusCode);
    const whole = stream
      ? text.includes('data: [DONE]') && !text.includes('"error"')
      : text.includes(`load ${index}`);
    return whole ? 'ok' : 'broken-200';
  } catch (err) {
    return client.signal.aborted ? 'cancelled' : `error:${(err as Error).name}`;
  } finally {
    clearTimeout(timer);
  }
}

async function runLoad(engine: TestEngine, spec: LoadSpec): Promise<LoadResult> {
  const random = seededRandom(spec.seed);
  const cancels = Array.from({ length: spec.requests }, () =>
    random() < spec.cancelShare ? random() * spec.cancelWithinMs : undefined,
  );
  const connections = spec.mode.kind === 'closed' ? spec.mode.connections : 256;
  const dispatcher = new Agent({ connections, pipelining: 0 });
  const url = engine.engine.url;
  const outcomes: Outcome[] = [];
  const started = performance.now();
  try {
    if (spec.mode.kind === 'closed') {
      let next = 0;
      const worker = async () => {
        while (next < spec.requests) {
          const i = next++;
          outcomes.push(await one(url, dispatcher, i, cancels[i]));
        }
      };
      await Promise.all(Array.from({ length: spec.mode.connections }, worker));
    } else {
      const gapMs = 1000 / spec.mode.rps;
      const pending: Array<Promise<void>> = [];
      for (let i = 0; i < spec.requests; i++) {
        const due = started + i * gapMs;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        pending.push(one(url, dispatcher, i, cancels[i]).then((o) => void outcomes.push(o)));
      }
      await Promise.all(pending);
    }
  } finally {
    await dispatcher.close();
  }
  const elapsedS = (performance.now() - started) / 1000;
  const ok = outcomes.filter((o) => o === 'ok').length;
  const cancelled = outcomes.filter((o) => o === 'cancelled').length;
  const failures: Record<string, number> = {};
  for (const o of outcomes)
    if (o !== 'ok' && o !== 'cancelled') failures[o] = (failures[o] ?? 0) + 1;
  const counted = outcomes.length - cancelled;
  return {
    sent: outcomes.length,
    ok,
    failed: counted - ok,
    cancelled,
    failures,
    successRate: counted === 0 ? 1 : ok / counted,
    bestPossible: 1 - spec.serverErrorRate ** TARGETS.length,
    achievedRps: outcomes.length / elapsedS,
  };
}
