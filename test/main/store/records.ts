import type { AttemptRecord, RequestRecord } from '../../../app/admin/types.ts';

/** What a request and its attempt both say of one answer from Groq. */
const ANSWER = {
  provider: 'groq',
  keyId: 'groq-1',
  model: 'llama-3.1-8b-instant',
  status: 200,
  failureClass: null,
  headersMs: 80,
  firstTokenMs: 120,
  totalMs: 900,
  tokensIn: 100,
  tokensOut: 50,
  costUsd: 0,
  hedged: false,
} as const;

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
    ...ANSWER,
    error: null,
    streamed: true,
    clientAborted: false,
    ...overrides,
  };
}

export function attempt(startedAt: number, overrides: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    index: 0,
    startedAt,
    ...ANSWER,
    outcome: 'ok',
    reason: null,
    holdUntil: null,
    ...overrides,
  };
}
