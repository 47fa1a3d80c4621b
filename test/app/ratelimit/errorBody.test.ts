import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseErrorBody, retryHintFromText } from '../../../app/ratelimit/errorBody.ts';
import {
  GEMINI_LIMIT_ZERO,
  GEMINI_PER_DAY,
  GEMINI_PER_MINUTE,
  MISTRAL_RATE_LIMITED,
  openAiError,
  OPENROUTER_FREE_DAILY,
} from './fixtures.ts';

const NOW = Date.parse('2026-04-28T15:00:00Z');
const read = (body: unknown) => parseErrorBody(body, NOW);
/** OpenRouter's own 429 body: its message and what `metadata` says. */
const openRouterError = (message: string, metadata: Record<string, string>) => ({
  error: { code: 429, message, metadata },
});

describe('Gemini details[]', () => {
  it('RetryInfo.retryDelay and the per-minute QuotaFailure', () => {
    const info = read(GEMINI_PER_MINUTE);
    expect(info.retryAfterMs).toBe(20_040);
    expect(info.quotaIds).toEqual(['GenerateRequestsPerMinutePerProjectPerModel-FreeTier']);
    expect(info.perDay).toBe(false);
    expect(info.zeroQuota).toBe(false);
    expect(info.codes).toContain('resource_exhausted');
    expect(info.statusCode).toBe(429);
  });

  it('a PerDay quotaId among the violations marks the body per-day', () => {
    const info = read(GEMINI_PER_DAY);
    expect(info.perDay).toBe(true);
    expect(info.quotaIds).toHaveLength(3);
    expect(info.retryAfterMs).toBe(39_000);
  });

  it('"limit: 0" in the message means no free quota; "Please retry in" is read too', () => {
    const info = read(GEMINI_LIMIT_ZERO);
    expect(info.zeroQuota).toBe(true);
    expect(info.retryAfterMs).toBeCloseTo(45_578.569677, 3);
  });

  it('"limit: 0.5" or "limit: 05" is not a zero limit', () => {
    expect(read({ error: { message: 'limit: 0.5 per second' } }).zeroQuota).toBe(false);
    expect(read({ error: { message: 'limit: 05' } }).zeroQuota).toBe(false);
  });

  it('a streaming error array is read like the object', () => {
    const info = read([GEMINI_PER_MINUTE]);
    expect(info.retryAfterMs).toBe(20_040);
    expect(info.statusCode).toBe(429);
  });
});

describe('"try again in" wordings', () => {
  it.each([
    ['Please try again in 5.289s. Visit https://console.groq.com', 5289],
    [
      'Rate limit reached for model `llama-3.3-70b-versatile`. Please try again in 1m30.5s.',
      90_500,
    ],
    ['Please try again in 120ms.', 120],
    ['Please try again in 7m12s', 432_000],
    [
      'Rate limit of 150 per 86400s exceeded for UserByModelByDay. Please wait 42567 seconds before retrying.',
      42_567_000,
    ],
    ['Please retry after 20 seconds.', 20_000],
  ])('%s', (text, ms) => {
    expect(retryHintFromText(text)).toBeCloseTo(ms, 6);
  });

  it('no hint in unrelated text', () => {
    expect(retryHintFromText('Rate limit exceeded')).toBeUndefined();
    expect(retryHintFromText('try again in a moment')).toBeUndefined();
  });

  it('reads the hint from an OpenAI-shaped body', () => {
    const info = read(
      openAiError(
        'rate_limit_exceeded',
        'Rate limit reached for gpt-4 in organization org-x on tokens per min (TPM): Limit 10000, Used 9298, Requested 1161. Please try again in 2.754s.',
        'tokens',
      ),
    );
    expect(info.retryAfterMs).toBe(2754);
    expect(info.codes).toEqual(expect.arrayContaining(['tokens', 'rate_limit_exceeded']));
    expect(info.perDay).toBe(false);
  });

  it('"per day" wordings mark the body per-day', () => {
    const groq = read({
      error: {
        message:
          'Rate limit reached for model `llama-3.3-70b-versatile` in organization `org_01` service tier `on_demand` on tokens per day (TPD): Limit 100000, Used 99836, Requested 1057. Please try again in 12m5.088s.',
        type: 'tokens',
        code: 'rate_limit_exceeded',
      },
    });
    expect(groq.perDay).toBe(true);
    expect(groq.retryAfterMs).toBe(725_088);
    const cerebras = read({
      message: 'Requests per day limit exceeded - too many requests sent.',
      type: 'too_many_requests_error',
      param: 'quota',
      code: 'request_quota_exceeded',
    });
    expect(cerebras.perDay).toBe(true);
  });
});

describe('OpenRouter metadata', () => {
  it('echoed X-RateLimit-* headers become an observation', () => {
    const info = read(OPENROUTER_FREE_DAILY);
    expect(info.echoed?.windows).toEqual([
      { window: 'rpd', limit: 50, remaining: 0, resetAt: Date.parse('2026-04-29T00:00:00Z') },
    ]);
    expect(info.statusCode).toBe(429);
    expect(info.perDay).toBe(true);
  });

  it('limit_source is reported', () => {
    const info = read(
      openRouterError('Rate limit exceeded', { limit_source: 'openrouter_free_tier_daily' }),
    );
    expect(info.limitSource).toBe('openrouter_free_tier_daily');
  });

  it('the relayed upstream raw error is not read as ours', () => {
    const info = read(
      openRouterError('Provider returned error', {
        raw: '{"error":{"code":"insufficient_quota","message":"limit: 0"}}',
      }),
    );
    expect(info.codes).not.toContain('insufficient_quota');
    expect(info.zeroQuota).toBe(false);
  });
});

describe('other shapes', () => {
  it('Anthropic spend limit: details.error_code', () => {
    const info = read({
      type: 'error',
      error: {
        type: 'rate_limit_error',
        message: 'You have reached your specified API usage limits.',
        details: { error_code: 'enforced_spend_limit_reached' },
      },
      request_id: 'req_1',
    });
    expect(info.codes).toEqual(
      expect.arrayContaining(['rate_limit_error', 'enforced_spend_limit_reached']),
    );
  });

  it('Cloudflare errors[] with numeric codes', () => {
    const info = read({
      errors: [{ message: 'AiError: you have used up your daily free allocation', code: 3036 }],
      success: false,
      result: null,
      messages: [],
    });
    expect(info.codes).toContain('3036');
    expect(info.text).toMatch(/daily free allocation/);
    expect(info.statusCode).toBeUndefined();
  });

  it('Mistral top-level shape', () => {
    const info = read(MISTRAL_RATE_LIMITED);
    expect(info.codes).toEqual(expect.arrayContaining(['rate_limited', '1300']));
    expect(info.text).toBe('Requests rate limit exceeded');
  });

  it('a JSON string body is parsed; plain text is kept as text; broken JSON as text', () => {
    expect(read(JSON.stringify(GEMINI_PER_MINUTE)).retryAfterMs).toBe(20_040);
    const plain = read('Too many requests, please try again in 3s');
    expect(plain.retryAfterMs).toBe(3000);
    expect(plain.codes).toEqual([]);
    const broken = read('{"error": {"message": "Please try again in 2s"');
    expect(broken.retryAfterMs).toBe(2000);
  });

  it('empty and absent bodies give an empty reading', () => {
    for (const body of [undefined, null, '', {}, [], 42, true]) {
      const info = read(body);
      expect(info.codes).toEqual([]);
      expect(info.retryAfterMs).toBeUndefined();
      expect(info.perDay).toBe(false);
    }
  });

  it('a cyclic object does not hang', () => {
    const cyclic: Record<string, unknown> = { error: { message: 'Please try again in 1s' } };
    cyclic['self'] = cyclic;
    expect(read(cyclic).retryAfterMs).toBe(1000);
  });

  it('a RetryInfo with a garbage delay is ignored', () => {
    const info = read({
      error: {
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: 'soon' }],
      },
    });
    expect(info.retryAfterMs).toBeUndefined();
  });
});

describe('garbage bodies (property)', () => {
  it('never throws and never yields NaN or negative waits', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.json(), fc.string()), (body) => {
        const info = read(body);
        expect(Array.isArray(info.codes)).toBe(true);
        expect(typeof info.text).toBe('string');
        if (info.retryAfterMs !== undefined) {
          expect(Number.isFinite(info.retryAfterMs)).toBe(true);
          expect(info.retryAfterMs).toBeGreaterThanOrEqual(0);
        }
        for (const w of info.echoed?.windows ?? []) {
          for (const v of [w.limit, w.remaining, w.resetAt]) {
            if (v !== undefined) expect(Number.isFinite(v)).toBe(true);
          }
        }
      }),
    );
  });
});
