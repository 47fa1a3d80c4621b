import type { Provider } from '../../../app/catalog/schema.ts';
import type { ChatCompletionRequest } from '../../../app/formats/openai.ts';
import type { ProxyRequest } from '../../../app/formats/proxyRequest.ts';
import type { AttemptInfo } from '../../../main/engine/capacityGate.ts';
import type { GateTimers } from '../../../main/engine/limiterGate.ts';
import type { Candidate } from '../../../main/engine/targets.ts';
import { GROQ, T0 } from '../../app/limiter/fixtures.ts';

/** What the limiter gate's tests admit, attempt and release: one request, one target, one answer. */

export const NEVER_ABORTED = new AbortController().signal;

/** Timers that never fire: the snapshot is never saved on its own, as when the process dies. */
export const FROZEN_TIMERS: GateTimers = { setTimeout: () => 0, clearTimeout: () => undefined };

/** A clock and timers that move only when told to. */
export function manualTime(start: number) {
  let now = start;
  let seq = 0;
  const pending = new Map<number, { at: number; callback: () => void }>();
  const timers: GateTimers = {
    setTimeout(callback, ms) {
      seq += 1;
      pending.set(seq, { at: now + ms, callback });
      return seq;
    },
    clearTimeout(handle) {
      pending.delete(handle as number);
    },
  };
  return {
    clock: () => now,
    timers,
    pendingTimers: () => pending.size,
    /** Runs every timer due up to now + ms, in time order, letting promises settle between. */
    async advance(ms: number) {
      const end = now + ms;
      for (;;) {
        let next: [number, { at: number; callback: () => void }] | undefined;
        for (const entry of pending)
          if (entry[1].at <= end && (next === undefined || entry[1].at < next[1].at)) next = entry;
        if (next === undefined) break;
        pending.delete(next[0]);
        now = Math.max(now, next[1].at);
        next[1].callback();
        await settle();
      }
      now = end;
      await settle();
    },
  };
}

/** Lets the promise chains a timer or an answer started run on. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

export function gateRequest(promptChars = 40): ProxyRequest {
  return {
    id: 'r',
    kind: 'chat',
    inbound: 'openai',
    body: {} as ChatCompletionRequest,
    model: 'x',
    stream: false,
    promptChars,
    maxTokens: undefined,
    receivedAt: T0,
  };
}

export function candidate(provider: Provider, model: string, keyId = 'k1'): Candidate {
  return { provider, model, keyId, tier: 'free' };
}

export function attemptInfo(partial: Partial<AttemptInfo> = {}): AttemptInfo {
  return {
    provider: 'groq',
    model: 'm',
    keyId: 'k1',
    startedAt: T0,
    status: 200,
    outcome: 'ok',
    hedged: false,
    ...partial,
  };
}

/** Groq's first free key, the target most of these tests admit to. */
export const GROQ_K1 = candidate(GROQ, 'llama-3.1-8b-instant');
