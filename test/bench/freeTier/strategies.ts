// Three ways to serve the same trace with the same providers:
// (a) Switchyard: planRoute + the limiter gate + classifyFailure, walking the plan as the
//     dispatcher does. When the gate is wired into the dispatcher, replace
//     createSwitchyardStrategy with one that posts each request to the engine: a Strategy is
//     all the benchmark needs.
// (b) naive retry: one provider, and the client retries 429s and 5xx with exponential backoff
//     the way the Stainless SDKs (openai, anthropic) do, by default twice.
// (c) reactive cooldown: round-robin over the free providers, a provider that answers 429 is
//     benched for a fixed time (LiteLLM's router default, 5 s), paid only when all are benched.

import { classifyFailure } from '../../../app/ratelimit/classify.ts';
import type { ChatCompletionRequest } from '../../../app/formats/openai.ts';
import {
  planRoute,
  largerWindowCandidates,
  type PlanCandidate,
} from '../../../app/routing/plan.ts';
import { RouteSchema, type Route } from '../../../app/config/schema.ts';
import type { AttemptInfo } from '../../../main/engine/capacityGate.ts';
import { createLimiterGate, type LimiterGate } from '../../../main/engine/limiterGate.ts';
import type { ProxyRequest } from '../../../app/formats/proxyRequest.ts';
import { nominalCostUsd, type AttemptResult, type Fleet, type Member } from './fleet.ts';
import type { TraceRequest } from './trace.ts';
import type { VirtualTime } from './virtualTime.ts';

export interface Outcome {
  id: number;
  answered: boolean;
  /** What the client finally got: 200, or the error status. */
  status: number;
  /** The provider that answered. */
  provider?: string;
  paid: boolean;
  costUsd: number;
  /** Arrival to answer (or to the final error), simulated ms. */
  latencyMs: number;
  attempts: number;
}

export type Strategy = (req: TraceRequest) => Promise<Outcome>;

export interface StrategyEnv {
  time: VirtualTime;
  fleet: Fleet;
  random: () => number;
}

function outcome(
  req: TraceRequest,
  time: VirtualTime,
  partial: Omit<Outcome, 'id' | 'latencyMs'>,
): Outcome {
  return { id: req.id, latencyMs: time.now() - req.at, ...partial };
}

function answered(req: TraceRequest, time: VirtualTime, member: Member, attempts: number): Outcome {
  const paid = member.spec.tier === 'paid';
  return outcome(req, time, {
    answered: true,
    status: 200,
    provider: member.spec.id,
    paid,
    costUsd: paid ? nominalCostUsd(member.spec, req) : 0,
    attempts,
  });
}

function headerLookup(result: AttemptResult) {
  return (name: string) => {
    const value = result.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
}

function classify(member: Member, result: AttemptResult, now: number) {
  const reset = member.provider.freeTier?.reset;
  return classifyFailure({
    status: result.status === 0 ? 'reset' : result.status,
    body: result.body,
    headers: headerLookup(result),
    dialect: member.provider.headerDialect,
    providerId: member.provider.id,
    now,
    ...(reset?.time !== undefined && reset.timeZone !== undefined
      ? { resetZone: { time: reset.time, timeZone: reset.timeZone } }
      : {}),
  });
}

type SimCandidate = PlanCandidate & { member: Member };

export interface SwitchyardOptions {
  onLimit?: Route['onLimit'];
}

/** (a) Switchyard's planner and limiter, driven directly against the mocks. */
export function createSwitchyardStrategy(
  env: StrategyEnv,
  options: SwitchyardOptions = {},
): { strategy: Strategy; gate: LimiterGate } {
  const { time, fleet } = env;
  const candidates: SimCandidate[] = fleet.members.map((member) => ({
    provider: member.provider,
    model: member.spec.model,
    keyId: member.keyId,
    tier: member.spec.tier,
    member,
  }));
  const route = RouteSchema.parse({
    name: 'ide',
    targets: candidates.map((c) => ({ provider: c.provider.id, model: c.model, key: c.keyId })),
    onLimit: options.onLimit ?? { mode: 'spill' },
  });
  const gate = createLimiterGate({
    clock: time.now,
    timers: time,
  });
  gate.seed(candidates);
  const waitMs = route.onLimit.mode === 'wait' ? route.onLimit.maxWaitMs : 0;
  let paidSpendUsd = 0;
  const signal = new AbortController().signal;

  const strategy: Strategy = async (req) => {
    const proxyReq: ProxyRequest = {
      id: String(req.id),
      kind: 'chat',
      inbound: 'openai',
      body: {} as ChatCompletionRequest,
      model: route.name,
      stream: false,
      promptChars: req.promptChars,
      maxTokens: req.maxTokens,
      receivedAt: req.at,
    };
    const plan = planRoute({
      candidates,
      route,
      limiter: gate.state(),
      request: {
        promptChars: req.promptChars,
        maxTokens: req.maxTokens,
        hasTools: false,
        sensitive: false,
      },
      detectSensitive: false,
      paidSpendTodayUsd: paidSpendUsd,
      now: time.now(),
    });
    let queue = plan.candidates;
    let attempts = 0;
    let lastStatus = 429;
    for (let i = 0; i < queue.length; i++) {
      const candidate = queue[i] as SimCandidate;
      const admission = await gate.acquire(candidate, proxyReq, waitMs, signal);
      if (!admission.ok) continue;
      attempts += 1;
      const startedAt = time.now();
      const result = await fleet.send(candidate.member, req);
      const info: AttemptInfo = {
        provider: candidate.provider.id,
        model: candidate.model,
        keyId: candidate.keyId,
        startedAt,
        status: result.status,
        outcome: result.ok ? 'ok' : 'failed',
        hedged: false,
        upstreamHeaders: result.headers,
        ...(result.usage !== undefined ? { usage: result.usage } : {}),
      };
      if (result.ok) {
        admission.release(info);
        const done = answered(req, time, candidate.member, attempts);
        paidSpendUsd += done.costUsd;
        return done;
      }
      const failure = classify(candidate.member, result, time.now());
      admission.release({ ...info, failure });
      lastStatus = result.status;
      if (failure.class === 'too-big') {
        const window = candidate.provider.models[0]?.contextWindow;
        queue = [...queue.slice(0, i + 1), ...largerWindowCandidates(queue.slice(i + 1), window)];
        continue;
      }
      if (!failure.retryElsewhere) break;
    }
    return outcome(req, time, {
      answered: false,
      status: lastStatus,
      paid: false,
      costUsd: 0,
      attempts,
    });
  };
  return { strategy, gate };
}

/** How the Stainless SDKs wait: retry-after when 0 < it <= 60 s, else 0.5 s doubling to 8 s, jittered. */
function sdkBackoffMs(result: AttemptResult, retry: number, random: () => number): number {
  const header = result.headers['retry-after'];
  const seconds = Number(Array.isArray(header) ? header[0] : header);
  if (Number.isFinite(seconds) && seconds > 0 && seconds <= 60) return seconds * 1000;
  return Math.min(500 * 2 ** retry, 8000) * (1 - 0.25 * random());
}

/** (b) One free provider; the client retries up to `maxRetries` times (the SDKs' default is 2). */
export function createNaiveRetryStrategy(
  env: StrategyEnv,
  providerId = 'groq',
  maxRetries = 2,
): Strategy {
  const { time, fleet, random } = env;
  const member = fleet.byId.get(providerId);
  if (member === undefined) throw new Error(`no provider ${providerId}`);
  return async (req) => {
    let last: AttemptResult | undefined;
    for (let attempt = 0; attempt <= maxRetries; attempt++) {
      last = await fleet.send(member, req);
      if (last.ok) return answered(req, time, member, attempt + 1);
      const retryable = last.status === 429 || last.status >= 500 || last.status === 0;
      if (!retryable || attempt === maxRetries) break;
      await time.sleep(sdkBackoffMs(last, attempt, random));
    }
    return outcome(req, time, {
      answered: false,
      status: last?.status ?? 0,
      paid: false,
      costUsd: 0,
      attempts: maxRetries + 1,
    });
  };
}

/** (c) Round-robin over the free providers with a fixed cooldown after a 429; paid as the fallback. */
export function createReactiveCooldownStrategy(env: StrategyEnv, cooldownMs = 5000): Strategy {
  const { time, fleet } = env;
  const free = fleet.members.filter((m) => m.spec.tier === 'free');
  const paid = fleet.members.filter((m) => m.spec.tier === 'paid');
  const benchedUntil = new Map<string, number>();
  let next = 0;
  return async (req) => {
    const start = next;
    next = (next + 1) % free.length;
    const order = [...free.slice(start), ...free.slice(0, start), ...paid];
    let attempts = 0;
    let lastStatus = 429;
    for (const member of order) {
      if ((benchedUntil.get(member.spec.id) ?? 0) > time.now()) continue;
      attempts += 1;
      const result = await fleet.send(member, req);
      if (result.ok) return answered(req, time, member, attempts);
      lastStatus = result.status;
      if (result.status === 429 || result.status >= 500 || result.status === 0) {
        benchedUntil.set(member.spec.id, time.now() + cooldownMs);
        continue;
      }
      break;
    }
    return outcome(req, time, {
      answered: false,
      status: lastStatus,
      paid: false,
      costUsd: 0,
      attempts,
    });
  };
}
