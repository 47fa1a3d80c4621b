/** How an attempt's failures are classified and worded: the provider's fault, ours, or the caller's. */
import type { StreamError } from '../../app/formats/common.ts';
import { classifyFailure, type FailureDecision } from '../../app/ratelimit/classify.ts';
import type { Candidate } from '../engine/targets.ts';

/** An exception in our own code (a codec, a relay): never the provider's fault. */
export function ourBug(providerName: string): FailureDecision {
  return {
    class: 'our-bug',
    reason: `Switchyard failed translating ${providerName}'s answer (an internal error; ${providerName} is not at fault).`,
    retryElsewhere: false,
  };
}

/** What the caller's stream ends with when our own code failed after its first byte. */
export function internalStreamError(requestId: string): StreamError {
  return {
    kind: 'error',
    status: 500,
    type: 'server_error',
    message: `Switchyard hit an internal error translating this answer (request id ${requestId}); the answer is incomplete. The engine log has the details.`,
    code: 'internal_error',
  };
}

/** The upstream's own error text, for a 4xx that is the caller's fault. Never includes headers. */
export function upstreamErrorMessage(body: unknown, fallback: string): string {
  if (body !== null && typeof body === 'object') {
    const error = (body as { error?: unknown }).error;
    if (typeof error === 'string') return error;
    if (error !== null && typeof error === 'object') {
      const message = (error as { message?: unknown }).message;
      if (typeof message === 'string') return message;
    }
    const message = (body as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  }
  return typeof body === 'string' && body.length > 0 ? body.slice(0, 500) : fallback;
}

/** JSON when the text is JSON, else the text itself. */
export function parseMaybeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A stream (or answer) error from this provider, classified like an HTTP failure. */
export function streamFailure(
  error: StreamError,
  provider: Candidate['provider'],
  now: number,
): FailureDecision {
  const decision = classifyFailure({
    status: error.status,
    body: { error: { message: error.message, type: error.type, code: error.code } },
    dialect: provider.headerDialect,
    providerId: provider.id,
    now,
  });
  // Messages this engine wrote already name the provider; the provider's own do not.
  return {
    ...decision,
    reason: error.message.startsWith(provider.name)
      ? error.message
      : `${provider.name}: ${error.message}`,
  };
}
