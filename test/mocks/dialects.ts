import type { LimitReason, LimitSnapshot, LimitWindow } from './limits.ts';
import type { MockDialect } from './types.ts';
import { goDuration, rfc3339 } from './util.ts';

type Headers = Record<string, string>;

const seconds = (ms: number) => (Math.max(0, ms) / 1000).toFixed(2);

function put(
  headers: Headers,
  names: [string, string, string],
  w: LimitWindow | undefined,
  reset: (ms: number) => string,
) {
  if (!w) return;
  headers[names[0]] = String(w.limit);
  headers[names[1]] = String(w.remaining);
  headers[names[2]] = reset(w.resetMs);
}

/**
 * The rate-limit headers a provider of this dialect sends with an answer (PROVIDERS.md §4).
 * OpenRouter only sends them on a 429, so its success headers are empty.
 */
export function rateLimitHeaders(dialect: MockDialect, s: LimitSnapshot, now: number): Headers {
  const h: Headers = {};
  switch (dialect) {
    case 'openai':
      put(
        h,
        [
          'x-ratelimit-limit-requests',
          'x-ratelimit-remaining-requests',
          'x-ratelimit-reset-requests',
        ],
        s.requestsMinute,
        goDuration,
      );
      put(
        h,
        ['x-ratelimit-limit-tokens', 'x-ratelimit-remaining-tokens', 'x-ratelimit-reset-tokens'],
        s.tokensMinute,
        goDuration,
      );
      break;
    case 'groq':
      // Same names as OpenAI, but the request figures are per day (RPD) and tokens per minute.
      put(
        h,
        [
          'x-ratelimit-limit-requests',
          'x-ratelimit-remaining-requests',
          'x-ratelimit-reset-requests',
        ],
        s.requestsDay,
        goDuration,
      );
      put(
        h,
        ['x-ratelimit-limit-tokens', 'x-ratelimit-remaining-tokens', 'x-ratelimit-reset-tokens'],
        s.tokensMinute,
        goDuration,
      );
      break;
    case 'cerebras':
      put(
        h,
        [
          'x-ratelimit-limit-requests-day',
          'x-ratelimit-remaining-requests-day',
          'x-ratelimit-reset-requests-day',
        ],
        s.requestsDay,
        seconds,
      );
      put(
        h,
        [
          'x-ratelimit-limit-tokens-minute',
          'x-ratelimit-remaining-tokens-minute',
          'x-ratelimit-reset-tokens-minute',
        ],
        s.tokensMinute,
        seconds,
      );
      break;
    case 'anthropic': {
      const at = (ms: number) => rfc3339(now + ms);
      put(
        h,
        [
          'anthropic-ratelimit-requests-limit',
          'anthropic-ratelimit-requests-remaining',
          'anthropic-ratelimit-requests-reset',
        ],
        s.requestsMinute,
        at,
      );
      put(
        h,
        [
          'anthropic-ratelimit-tokens-limit',
          'anthropic-ratelimit-tokens-remaining',
          'anthropic-ratelimit-tokens-reset',
        ],
        s.tokensMinute,
        at,
      );
      put(
        h,
        [
          'anthropic-ratelimit-input-tokens-limit',
          'anthropic-ratelimit-input-tokens-remaining',
          'anthropic-ratelimit-input-tokens-reset',
        ],
        s.tokensMinute,
        at,
      );
      break;
    }
    case 'together':
      put(
        h,
        ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'],
        s.requestsMinute,
        seconds,
      );
      if (s.tokensMinute) {
        h['x-tokenlimit-limit'] = String(s.tokensMinute.limit);
        h['x-tokenlimit-remaining'] = String(s.tokensMinute.remaining);
      }
      break;
    case 'mistral':
      if (s.requestsMinute) {
        h['x-ratelimit-limit-req-minute'] = String(s.requestsMinute.limit);
        h['x-ratelimit-remaining-req-minute'] = String(s.requestsMinute.remaining);
      }
      if (s.tokensMinute) {
        h['x-ratelimit-limit-tokens-minute'] = String(s.tokensMinute.limit);
        h['x-ratelimit-remaining-tokens-minute'] = String(s.tokensMinute.remaining);
      }
      break;
    case 'openrouter':
    case 'none':
      break;
  }
  return h;
}

/** The window a refusal is about, for OpenRouter's X-RateLimit-* and error messages. */
export function windowFor(reason: LimitReason, s: LimitSnapshot): LimitWindow | undefined {
  switch (reason) {
    case 'rpm':
      return s.requestsMinute;
    case 'rpd':
      return s.requestsDay;
    case 'tpm':
      return s.tokensMinute;
    case 'tpd':
      return s.tokensDay;
    case 'concurrency':
      return undefined;
  }
}

/** Headers of a 429: the dialect's usual set plus retry-after in whole seconds. */
export function tooManyHeaders(
  dialect: MockDialect,
  s: LimitSnapshot,
  now: number,
  retryAfterMs: number,
  reason: LimitReason,
): Headers {
  const h = rateLimitHeaders(dialect, s, now);
  h['retry-after'] = String(Math.max(1, Math.ceil(retryAfterMs / 1000)));
  if (dialect === 'openrouter') {
    const w = windowFor(reason, s);
    h['x-ratelimit-limit'] = String(w?.limit ?? 0);
    h['x-ratelimit-remaining'] = '0';
    h['x-ratelimit-reset'] = String(Math.round(now + retryAfterMs));
  }
  return h;
}
