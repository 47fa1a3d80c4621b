/**
 * Where the dispatcher (main/proxy) meets the limiter's gate (limiterGate.ts): the record of what
 * one attempt came to, the admission that is released with it, and the gate's interface. Here in
 * engine/ so that the gate needs nothing of the proxy's; the proxy imports these.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ProxyRequest } from '../../app/formats/proxyRequest.ts';
import type { FailureDecision } from '../../app/ratelimit/classify.ts';
import type { Candidate } from './targets.ts';

/**
 * Token counts as the provider reported them (0 where it did not). `tokensCached` is the part of
 * `tokensIn` read from the provider's prompt cache, priced at the catalog's cached rate.
 */
export type UsageCounts = { tokensIn: number; tokensOut: number; tokensCached?: number };

/** What one attempt came to; the request log keeps one of these per attempt. */
export type AttemptInfo = Readonly<{
  provider: string;
  model: string;
  keyId: string | undefined;
  startedAt: number;
  /** HTTP status from the provider, or 0 when none arrived. */
  status: number;
  outcome: 'ok' | 'failed' | 'failed-mid-stream' | 'aborted' | 'lost-race' | 'skipped';
  failure?: FailureDecision;
  headersMs?: number;
  firstTokenMs?: number;
  totalMs?: number;
  usage?: UsageCounts;
  hedged: boolean;
  /** What the client was sent, when the user opted into logging bodies (capped). */
  responseText?: string;
  /** The provider's response headers, for the limiter (never logged). */
  upstreamHeaders?: IncomingHttpHeaders;
}>;

/** Permission to send one attempt; released with what the attempt came to, so the limiter learns. */
export type Admission =
  | { ok: true; release: (info: AttemptInfo) => void }
  | { ok: false; reason: string; retryAt?: number };

/**
 * Where the limiter meets the dispatcher: before each attempt the dispatcher asks for capacity
 * (the gate may wait, bounded, or refuse at once); after it, the gate is told what happened.
 */
export interface CapacityGate {
  acquire(
    candidate: Candidate,
    req: ProxyRequest,
    waitMs: number,
    signal: AbortSignal,
  ): Promise<Admission>;
}
