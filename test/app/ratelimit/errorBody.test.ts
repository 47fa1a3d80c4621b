import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseErrorBody, retryHintFromText } from '../../../app/ratelimit/errorBody.ts';
import {
  GEMINI_LIMIT_ZERO,
  GEMINI_PER_DAY,
  GEMINI_PER_MINUTE,
  OPENROUTER_FREE_DAILY,
} from './fixtures.ts';

const NOW = Date.parse('2026-04-28T15:00:00Z');

describe('Gemini details[]', () => {
  it('RetryInfo.retryDelay and the per-minute QuotaFailure', () => {
    const info = parseErrorBody(GEMINI_PER_MINUTE, NOW);
    expect(info.retryAfterMs).toBe(20_040);
    expect(info.quotaIds).toEqual(['GenerateRequestsPerMinutePerProjectPerModel-FreeTier']);
    expect(info.perDay).toBe(false);
    expect(info.zeroQuota).toBe(false);
    expect(info.codes).toContain('resource_exhausted');
    expect(info.statusCode).toBe(429);
  });

  it('a PerDay quotaId among the violations marks the body per-day', () => {
    const info = parseErrorBody(GEMINI_PER_DAY, NOW);
    expect(info.perDay).toBe(true);
    expect(info.quotaIds).toHaveLength(3);
    expect(info.retryAfterMs).toBe(39_000);
  });

  it('"limit: 0" in the message means no free quota; "Please retry in" is read too', () => {
    const info = parseErrorBody(GEMINI_LIMIT_ZERO, NOW);
    expect(info.zeroQuota).toBe(true);
    expect(info.retryAfterMs).toBeCloseTo(45_578.569677, 3);
  });

  it('"limit: 0.5" or "limit: 05" is not a zero limit', () => {
    expect(parseErrorBody({ error: { message: 'limit: 0.5 per second' } }, NOW).zeroQuota).toBe(
      false,
    );
    expect(parseErrorBody({ error: { message: 'limit: 05' } }, NOW).zeroQuota).toBe(false);
  });

  it('a streaming error array is read like the object', () => {
    const info = parseErrorBody([GEMINI_PER_MINUTE], NOW);
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
    const info = parseErrorBody(
      {
        error: {
          message:
            'Rate limit reached for gpt-4 in organization org-x on tokens per min (TPM): Limit 10000, Used 9298, Requested 1161. Please try again in 2.754s.',
          type: 'tokens',
          param: null,
          code: 'rate_limit_exceeded',
        },
      },
      NOW,
    );
    expect(info.retryAfterMs).toBe(2754);
    expect(info.codes).toEqual(expect.arrayContaining(['tokens', 'rate_limit_exceeded']));
    expect(info.perDay).toBe(false);
  });

  it('"per day" wordings mark the body per-day', () => {
    const groq = parseErrorBody(
      {
        error: {
          message:
            'Rate limit reached for model `llama-3.3-70b-versatile` in organization `org_01` service tier `on_demand` on tokens per day (TPD): Limit 100000, Used 99836, Requested 1057. Please try again in 12m5.088s.',
          type: 'tokens',
          code: 'rate_limit_exceeded',
        },
      },
      NOW,
    );
    expect(groq.perDay).toBe(true);
    expect(groq.retryAfterMs).toBe(725_088);
    const cerebras = parseErrorBody(
      {
        message: 'Requests per day limit exceeded - too many requests sent.',
        type: 'too_many_requests_error',
        param: 'quota',
        code: 'request_quota_exceeded',
      },
      NOW,
    );
    expect(cerebras.perDay).toBe(true);
  });
});

describe('OpenRouter metadata', () => {
  it('echoed X-RateLimit-* headers become an observation', () => {
    const info = parseErrorBody(OPENROUTER_FREE_DAILY, NOW);
    expect(info.echoed?.windows).toEqual([
      { window: 'rpd', limit: 50, remaining: 0, resetAt: Date.parse('2026-04-29T00:00:00Z') },
    ]);
    expect(info.statusCode).toBe(429);
    expect(info.perDay).toBe(true);
  });

  it('limit_source is reported', () => {
    const info = parseErrorBody(
      {
        error: {
          code: 429,
          message: 'Rate limit exceeded',
          metadata: { limit_source: 'openrouter_free_tier_daily' },
        },
      },
      NOW,
    );
    expect(info.limitSource).toBe('openrouter_free_tier_daily');
  });

  it('the relayed upstream raw error is not read as ours', () => {
    const info = parseErrorBody(
      {
        error: {
          code: 429,
          message: 'Provider returned error',
          metadata: { raw: '{"error":{"code":"insufficient_quota","message":"limit: 0"}}' },
        },
      },
      NOW,
    );
    expect(info.codes).not.toContain('insufficient_quota');
    expect(info.zeroQuota).toBe(false);
  });
});

describe('other shapes', () => {
  it('Anthropic spend limit: details.error_code', () => {
    const info = parseErrorBody(
      {
        type: 'error',
        error: {
          type: 'rate_limit_error',
          message: 'You have reached your specified API usage limits.',
          details: { error_code: 'enforced_spend_limit_reached' },
        },
        request_id: 'req_1',
      },
      NOW,
    );
    expect(info.codes).toEqual(
      expect.arrayContaining(['rate_limit_error', 'enforced_spend_limit_reached']),
    );
  });

  it('Cloudflare errors[] with numeric codes', () => {
    const info = parseErrorBody(
      {
        errors: [{ message: 'AiError: you have used up your daily free allocation', code: 3036 }],
        success: false,
        result: null,
        messages: [],
      },
      NOW,
    );
    expect(info.codes).toContain('3036');
    expect(info.text).toMatch(/daily free allocation/);
    expect(info.statusCode).toBeUndefined();
  });

  it('Mistral top-level shape', () => {
    const info = parseErrorBody(
      {
        object: 'error',
        message: 'Requests rate limit exceeded',
        type: 'rate_limited',
        param: null,
        code: '1300',
      },
      NOW,
    );
    expect(info.codes).toEqual(expect.arrayContaining(['rate_limited', '1300']));
    expect(info.text).toBe('Requests rate limit exceeded');
  });

  it('a JSON string body is parsed; plain text is kept as text; broken JSON as text', () => {
    expect(parseErrorBody(JSON.stringify(GEMINI_PER_MINUTE), NOW).retryAfterMs).toBe(20_040);
    const plain = parseErrorBody('Too many requests, please try again in 3s', NOW);
    expect(plain.retryAfterMs).toBe(3000);
    expect(plain.codes).toEqual([]);
    const broken = parseErrorBody('{"error": {"message": "Please try again in 2s"', NOW);
    expect(broken.retryAfterMs).toBe(2000);
  });

  it('empty and absent bodies give an empty reading', () => {
    for (const body of [undefined, null, '', {}, [], 42, true]) {
      const info = parseErrorBody(body, NOW);
      expect(info.codes).toEqual([]);
      expect(info.retryAfterMs).toBeUndefined();
      expect(info.perDay).toBe(false);
    }
  });

  it('a cyclic object does not hang', () => {
    const cyclic: Record<string, unknown> = { error: { message: 'Please try again in 1s' } };
    cyclic['self'] = cyclic;
    expect(parseErrorBody(cyclic, NOW).retryAfterMs).toBe(1000);
  });

  it('a RetryInfo with a garbage delay is ignored', () => {
    const info = parseErrorBody(
      {
        error: {
          details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: 'soon' }],
        },
      },
      NOW,
    );
    expect(info.retryAfterMs).toBeUndefined();
  });
});

describe('garbage bodies (property)', () => {
  it('never throws and never yields NaN or negative waits', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.json(), fc.string()), (body) => {
        const info = parseErrorBody(body, NOW);
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
