import type { AttemptRecord, RequestRecord } from '../../../app/admin/types.ts';

/** A successful, streamed request that started at `startedAt`, answered by `provider`/`model`. */
export function request(
  id: string,
  startedAt: number,
  overrides: Partial<RequestRecord> = {},
): RequestRecord {
  return {
    id,
    startedAt,
    kind: 'chat',
    inboundFormat: 'openai',
    requestedModel: 'fast',
    route: 'fast',
    provider: 'groq',
    keyId: 'groq-1',
    model: 'llama-3.1-8b-instant',
    status: 200,
    failureClass: null,
    error: null,
    headersMs: 80,
    firstTokenMs: 120,
    totalMs: 900,
    tokensIn: 100,
    tokensOut: 50,
    costUsd: 0,
    streamed: true,
    hedged: false,
    clientAborted: false,
    ...overrides,
  };
}

export function attempt(startedAt: number, overrides: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    index: 0,
    startedAt,
    provider: 'groq',
    model: 'llama-3.1-8b-instant',
    keyId: 'groq-1',
    status: 200,
    outcome: 'ok',
    failureClass: null,
    reason: null,
    headersMs: 80,
    firstTokenMs: 120,
    totalMs: 900,
    tokensIn: 100,
    tokensOut: 50,
    costUsd: 0,
    hedged: false,
    holdUntil: null,
    ...overrides,
  };
}
