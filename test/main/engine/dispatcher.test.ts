import { afterEach, describe, expect, it } from 'vitest';
import { targetStatus } from '../../../app/limiter/limiter.ts';
import { codecFor } from '../../../main/proxy/codecs.ts';
import type { Codec } from '../../../main/proxy/codec.ts';
import type { Admission } from '../../../main/engine/capacityGate.ts';
import { finished, startDispatchRig, type DispatchRig } from './dispatchHarness.ts';

const OPENAI = { provider: 'openai', model: 'gpt-4o-mini' };
const ANTHROPIC = { provider: 'anthropic', model: 'claude-haiku-4-5' };
const ask = (model: string, extra: Record<string, unknown> = {}) => ({
  model,
  messages: [{ role: 'user', content: 'hello there' }],
  ...extra,
});
type ErrorBody = { error: { message: string; code: string; type?: string } };

let rig: DispatchRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** The limiter's status of the rig's key for one provider's model. */
function statusOf(r: DispatchRig, provider: string, model: string) {
  return targetStatus(
    r.limiter.state(),
    { provider: { id: provider } as never, model, keyId: `${provider}-key`, tier: 'paid' },
    Date.now(),
  );
}

describe('a client that cancels before the first byte', () => {
  it('cools nothing, fails over nowhere, and is logged as cancelled', async () => {
    rig = await startDispatchRig({
      mocks: { openai: { format: 'openai' }, anthropic: { format: 'anthropic' } },
      routes: [{ name: 'chain', targets: [OPENAI, ANTHROPIC] }],
    });
    rig.mocks.openai!.queueFaults({ kind: 'stall-before-headers' });
    const client = new AbortController();
    const pending = rig.post(ask('chain'), client.signal).catch(() => 'aborted');
    await rig.mocks.openai!.waitForRequests(1);
    client.abort();
    expect(await pending).toBe('aborted');
    const [summary] = await finished(rig, 1);
    expect(summary!.attempts).toHaveLength(1);
    expect(summary!.attempts[0]!.failure).toMatchObject({ class: 'cancelled' });
    expect(summary!.attempts[0]!.failure?.reason).toMatch(/cancelled by the client/i);
    expect(summary!.error).toMatch(/cancelled by the client/i);
    expect(rig.mocks.anthropic!.requests).toHaveLength(0);
    expect(statusOf(rig, 'openai', 'gpt-4o-mini').state).toBe('ready');

    const next = await rig.post(ask('chain'));
    expect(next.status).toBe(200);
    expect(next.headers.get('x-switchyard-provider')).toBe('openai');
  });
});

describe('transient failures move the request, not the target', () => {
  it('one HTTP 500 sends that request to the next target; the next request goes to the first again', async () => {
    rig = await startDispatchRig({
      mocks: { openai: { format: 'openai' }, anthropic: { format: 'anthropic' } },
      routes: [{ name: 'chain', targets: [OPENAI, ANTHROPIC] }],
    });
    rig.mocks.openai!.queueFaults({ kind: 'server-error', status: 500 });
    const first = await rig.post(ask('chain'));
    expect(first.status).toBe(200);
    expect(first.headers.get('x-switchyard-provider')).toBe('anthropic');
    const second = await rig.post(ask('chain'));
    expect(second.headers.get('x-switchyard-provider')).toBe('openai');
    expect(second.headers.get('x-switchyard-attempts')).toBe('1');
  });

  it('five 500s in a row open the circuit: the target is skipped as "open" until its probe', async () => {
    rig = await startDispatchRig({
      mocks: { openai: { format: 'openai' }, anthropic: { format: 'anthropic' } },
      routes: [{ name: 'chain', targets: [OPENAI, ANTHROPIC] }],
    });
    for (let i = 0; i < 5; i++)
      rig.mocks.openai!.queueFaults({ kind: 'server-error', status: 502 });
    for (let i = 0; i < 5; i++) await (await rig.post(ask('chain'))).text();
    expect(statusOf(rig, 'openai', 'gpt-4o-mini').state).toBe('open');
    const before = rig.mocks.openai!.requests.length;
    const res = await rig.post(ask('chain'));
    expect(res.headers.get('x-switchyard-provider')).toBe('anthropic');
    expect(rig.mocks.openai!.requests.length).toBe(before);
  });
});

describe('a route whose every target is out of rotation', () => {
  it('answers 503 all_targets_unavailable with retry-after, not a rate limit', async () => {
    rig = await startDispatchRig({
      mocks: { openai: { format: 'openai' } },
      routes: [{ name: 'solo', targets: [OPENAI] }],
    });
    for (let i = 0; i < 5; i++)
      rig.mocks.openai!.queueFaults({ kind: 'server-error', status: 500 });
    for (let i = 0; i < 5; i++) expect((await rig.post(ask('solo'))).status).toBe(502);
    const res = await rig.post(ask('solo'));
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe('all_targets_unavailable');
    expect(body.error.message).toMatch(/out of rotation/);
    expect(rig.mocks.openai!.requests).toHaveLength(5);
  });
});

describe('onLimit: wait', () => {
  it('waits for a cooling target that returns within maxWaitMs instead of answering 429', async () => {
    rig = await startDispatchRig({
      mocks: { openai: { format: 'openai' } },
      routes: [{ name: 'patient', onLimit: { mode: 'wait', maxWaitMs: 5000 }, targets: [OPENAI] }],
    });
    rig.mocks.openai!.queueFaults({ kind: 'rate-limit', retryAfterMs: 300 });
    const limited = await rig.post(ask('patient'));
    expect(limited.status).toBe(429);
    await limited.text();
    expect(statusOf(rig, 'openai', 'gpt-4o-mini').state).toBe('cooling');
    const waited = await rig.post(ask('patient'));
    expect(waited.status).toBe(200);
  });
});

describe('latency budget: the hedge', () => {
  it('takes capacity with no wait, so a first attempt that is ready is sent at once', async () => {
    const hedgeWaits: number[] = [];
    rig = await startDispatchRig({
      mocks: {
        openai: { format: 'openai', latencyMs: 300 },
        anthropic: { format: 'anthropic' },
      },
      routes: [
        {
          name: 'fast',
          latencyBudgetMs: 50,
          onLimit: { mode: 'wait', maxWaitMs: 60_000 },
          targets: [OPENAI, ANTHROPIC],
        },
      ],
      // The second target is busy: it has room only for a request that waits, and that wait
      // ends only when the client hangs up.
      gate: (real) => ({
        acquire: (candidate, req, waitMs, signal) => {
          if (candidate.provider.id !== 'anthropic')
            return real.acquire(candidate, req, waitMs, signal);
          hedgeWaits.push(waitMs);
          if (waitMs === 0) return Promise.resolve({ ok: false, reason: 'busy' });
          return new Promise<Admission>((resolve) =>
            signal.addEventListener('abort', () => resolve({ ok: false, reason: 'gone' })),
          );
        },
      }),
    });
    const res = await rig.post(ask('fast'), AbortSignal.timeout(4000));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchyard-provider')).toBe('openai');
    expect(hedgeWaits).toEqual([0]);
  });
});

describe('a feature a target cannot take', () => {
  it('skips that target up front (no attempt) and serves from one that can', async () => {
    rig = await startDispatchRig({
      mocks: { openai: { format: 'openai' }, anthropic: { format: 'anthropic' } },
      routes: [{ name: 'chain', targets: [ANTHROPIC, OPENAI] }],
    });
    const res = await rig.post(ask('chain', { n: 2 }));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchyard-provider')).toBe('openai');
    expect(res.headers.get('x-switchyard-attempts')).toBe('1');
    expect(rig.mocks.anthropic!.requests).toHaveLength(0);
  });

  it('answers 400 naming the feature when no target can take it', async () => {
    rig = await startDispatchRig({
      mocks: { anthropic: { format: 'anthropic' } },
      routes: [{ name: 'claude', targets: [ANTHROPIC] }],
    });
    const res = await rig.post(ask('claude', { logprobs: true }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe('unsupported_by_targets');
    expect(body.error.message).toMatch(/logprobs/);
    expect(rig.mocks.anthropic!.requests).toHaveLength(0);
  });
});

describe('keys the provider rejected', () => {
  it('answer 403 no_valid_key naming the key and where to fix it, never 429', async () => {
    rig = await startDispatchRig({
      mocks: { openai: { format: 'openai' } },
      routes: [{ name: 'solo', targets: [OPENAI] }],
    });
    rig.mocks.openai!.queueFaults({ kind: 'unauthorized' });
    for (const attempt of ['rejected now', 'set aside since']) {
      const res = await rig.post(ask('solo'));
      const body = (await res.json()) as ErrorBody;
      expect([attempt, res.status]).toEqual([attempt, 403]);
      expect(body.error.code).toBe('no_valid_key');
      expect(body.error.message).toContain('openai/openai-key');
      expect(body.error.message).toMatch(/Keys page|switchyard keys test/);
      expect(body.error.message).not.toContain('sk-rig-secret');
    }
    expect(rig.mocks.openai!.requests).toHaveLength(1);
  });
});

/** The real codec for a request, with one of its steps replaced by code that throws. */
function throwingCodec(
  where: 'encode' | 'decode' | 'first-chunk' | 'later-chunk',
): typeof codecFor {
  return (req, candidate) => {
    const real = codecFor(req, candidate);
    if ('unsupported' in real) return real;
    const broken: Codec = {
      ...real,
      encode: (request, model, provider) => {
        if (where === 'encode') throw new TypeError('translator bug in encode');
        return real.encode(request, model, provider);
      },
      decode: (text, model) => {
        if (where === 'decode') throw new TypeError('translator bug in decode');
        return real.decode(text, model);
      },
      relay: (model) => {
        const relay = real.relay(model);
        let pushes = 0;
        return {
          ...relay,
          push: (text) => {
            pushes++;
            if (where === 'first-chunk' || (where === 'later-chunk' && pushes > 1))
              throw new TypeError('translator bug in relay');
            return relay.push(text);
          },
        };
      },
    };
    return broken;
  };
}

describe('an exception in our own translator', () => {
  it.each(['encode', 'decode', 'first-chunk'] as const)(
    '(%s) is our bug: 500 with the request id, the stack logged, the provider not penalised',
    async (where) => {
      rig = await startDispatchRig({
        mocks: {
          openai: { format: 'openai', chunks: 3 },
          anthropic: { format: 'anthropic' },
        },
        routes: [{ name: 'chain', targets: [OPENAI, ANTHROPIC] }],
        codecFor: throwingCodec(where),
      });
      const res = await rig.post(
        ask('chain', where === 'first-chunk' ? { stream: true } : {}),
        AbortSignal.timeout(4000),
      );
      expect(res.status).toBe(500);
      const body = (await res.json()) as ErrorBody;
      expect(body.error.code).toBe('internal_error');
      expect(body.error.message).toContain('req-1');
      expect(rig.bugs).toHaveLength(1);
      expect(rig.bugs[0]!.requestId).toBe('req-1');
      expect((rig.bugs[0]!.error as Error).stack).toMatch(/translator bug/);
      expect(rig.mocks.anthropic!.requests).toHaveLength(0);
      const [summary] = await finished(rig, 1);
      expect(summary!.status).toBe(500);
      // A bug while encoding ends the request before any attempt; later, the attempt says why.
      expect(summary!.attempts.map((a) => a.failure?.class)).toEqual(
        where === 'encode' ? [] : ['our-bug'],
      );
      expect(statusOf(rig, 'openai', 'gpt-4o-mini').state).toBe('ready');
    },
  );

  it('after the first byte: the stream ends with an internal error and the log says failed', async () => {
    rig = await startDispatchRig({
      mocks: { openai: { format: 'openai', chunks: 4, tokensPerSecond: 200 } },
      routes: [{ name: 'solo', targets: [OPENAI] }],
      codecFor: throwingCodec('later-chunk'),
    });
    const res = await rig.post(ask('solo', { stream: true }), AbortSignal.timeout(4000));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('internal_error');
    const [summary] = await finished(rig, 1);
    expect(summary!.status).toBe(502);
    expect(summary!.attempts[0]!.failure?.class).toBe('our-bug');
    expect(rig.bugs.map((b) => b.requestId)).toEqual(['req-1']);
  });
});

describe('a failure after the first byte', () => {
  it('is recorded as a failed request, not a 200', async () => {
    rig = await startDispatchRig({
      mocks: { openai: { format: 'openai', chunks: 5 } },
      routes: [{ name: 'solo', targets: [OPENAI] }],
    });
    rig.mocks.openai!.queueFaults({ kind: 'reset-after-headers', afterEvents: 2 });
    const res = await rig.post(ask('solo', { stream: true }));
    expect(res.status).toBe(200);
    await res.text().catch(() => '');
    const [summary] = await finished(rig, 1);
    expect(summary!.attempts[0]!.outcome).toBe('failed-mid-stream');
    expect(summary!.status).toBe(502);
  });
});

describe('a client that cancels mid-stream', () => {
  it('is logged with the token counts of the last usage the upstream reported', async () => {
    rig = await startDispatchRig({
      mocks: { gemini: { format: 'gemini', chunks: 6 } },
      routes: [{ name: 'solo', targets: [{ provider: 'gemini', model: 'gemini-2.5-flash' }] }],
    });
    rig.mocks.gemini!.queueFaults({ kind: 'stall-mid-stream', afterEvents: 3 });
    const client = new AbortController();
    const res = await rig.post(ask('solo', { stream: true }), client.signal);
    const reader = res.body!.getReader();
    let seen = '';
    while (!seen.includes('data:')) seen += new TextDecoder().decode((await reader.read()).value);
    // The mock's chunks before its last carry the prompt's count only.
    await new Promise((resolve) => setTimeout(resolve, 50));
    client.abort();
    await reader.read().catch(() => undefined);
    const [summary] = await finished(rig, 1);
    expect(summary!.abortedByClient).toBe(true);
    const usage = summary!.attempts[0]!.usage;
    expect(usage?.tokensIn).toBeGreaterThan(0);
    expect(usage).toMatchObject({ tokensOut: 0 });
  });
});

describe('session affinity', () => {
  it('remembers who served a conversation only where the route has another target to choose', async () => {
    rig = await startDispatchRig({
      mocks: { openai: { format: 'openai' }, anthropic: { format: 'anthropic' } },
      routes: [
        { name: 'alone', targets: [OPENAI] },
        { name: 'chain', targets: [OPENAI, ANTHROPIC] },
      ],
    });
    expect((await rig.post(ask('alone'))).status).toBe(200);
    await finished(rig, 1);
    expect(rig.sessions.size).toBe(0);
    expect((await rig.post(ask('chain'))).status).toBe(200);
    await finished(rig, 2);
    expect(rig.sessions.size).toBe(1);
  });
});
