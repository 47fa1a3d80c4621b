import type { AttemptRecord, RequestRecord } from '../../../app/admin/types.ts';
import { triedCount, type LogRow } from '../../../main/store/logRows.ts';

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

/** The row the writer binds for a record, built here column by column to check the codec against. */
export function logRow(request: RequestRecord, attempts: readonly AttemptRecord[]): LogRow {
  return [
    [
      request.id,
      request.startedAt,
      request.kind,
      request.inboundFormat,
      request.requestedModel,
      request.route,
      request.provider,
      request.keyId,
      request.model,
      request.status,
      request.failureClass,
      request.error,
      request.headersMs,
      request.firstTokenMs,
      request.totalMs,
      request.tokensIn,
      request.tokensOut,
      request.costUsd,
      request.streamed ? 1 : 0,
      request.hedged ? 1 : 0,
      request.clientAborted ? 1 : 0,
      triedCount(attempts),
      request.rule ?? null,
      request.affinity ?? null,
    ],
    attempts.map((a) => [
      a.index,
      a.startedAt,
      a.provider,
      a.model,
      a.keyId,
      a.status,
      a.outcome,
      a.failureClass,
      a.reason,
      a.headersMs,
      a.firstTokenMs,
      a.totalMs,
      a.tokensIn,
      a.tokensOut,
      a.costUsd,
      a.hedged ? 1 : 0,
      a.holdUntil,
    ]),
    request.requestBody ?? null,
    request.responseBody ?? null,
  ];
}
