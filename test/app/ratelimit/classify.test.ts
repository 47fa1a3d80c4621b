import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classifyFailure,
  cancelledByClient,
  DEFAULT_RATE_LIMIT_BACKOFF_MS,
  MAX_COOLDOWN_MS,
  type FailureInput,
} from '../../../app/ratelimit/classify.ts';
import { MAX_PARK_MS } from '../../../app/ratelimit/exhaustion.ts';
import { headerLookupFromRecord, HEADER_DIALECTS } from '../../../app/ratelimit/headers.ts';
import {
  GEMINI_LIMIT_ZERO,
  GEMINI_PER_DAY,
  GEMINI_PER_MINUTE,
  MISTRAL_RATE_LIMITED,
  openAiError,
  OPENROUTER_FREE_DAILY,
} from './fixtures.ts';

const at = (iso: string): number => Date.parse(iso);
/** 15:00 UTC on a summer day: 08:00 PDT. */
const NOW = at('2026-04-28T15:00:00Z');
const NEXT_UTC_MIDNIGHT = at('2026-04-29T00:00:00Z');
const NEXT_PACIFIC_MIDNIGHT = at('2026-04-29T07:00:00Z');

function classify(partial: Partial<FailureInput> & Pick<FailureInput, 'status'>) {
  const { headers, ...rest } = partial;
  return classifyFailure({
    dialect: 'openai',
    providerId: 'acme',
    now: NOW,
    ...rest,
    ...(headers === undefined ? {} : { headers }),
  });
}

const h = (record: Record<string, string>) => headerLookupFromRecord(record);

describe('transient: 429 rate limits take the provider at its word', () => {
  it('retry-after (seconds) sets the cooldown exactly', () => {
    const d = classify({
      status: 429,
      body: openAiError('rate_limit_exceeded'),
      headers: h({ 'retry-after': '7' }),
    });
    expect(d).toMatchObject({
      class: 'transient',
      cooldownUntil: NOW + 7000,
      retryElsewhere: true,
    });
    expect(d.parkUntil).toBeUndefined();
  });

  it('retry-after-ms beats retry-after', () => {
    const d = classify({
      status: 429,
      headers: h({ 'retry-after-ms': '1234', 'retry-after': '2' }),
    });
    expect(d.cooldownUntil).toBe(NOW + 1234);
  });

  it('retry-after as an HTTP-date', () => {
    const d = classify({
      status: 429,
      headers: h({ 'retry-after': 'Tue, 28 Apr 2026 15:00:30 GMT' }),
    });
    expect(d.cooldownUntil).toBe(NOW + 30_000);
  });

  it('the reset of the window the headers report empty', () => {
    const d = classify({
      status: 429,
      body: openAiError('rate_limit_exceeded'),
      headers: h({
        'x-ratelimit-limit-requests': '60',
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-requests': '20s',
        'x-ratelimit-limit-tokens': '150000',
        'x-ratelimit-remaining-tokens': '149000',
        'x-ratelimit-reset-tokens': '6m0s',
      }),
    });
    expect(d).toMatchObject({ class: 'transient', cooldownUntil: NOW + 20_000 });
    expect(d.reason).toMatch(/requests per minute/);
  });

  it('Groq / OpenAI "Please try again in 5.289s"', () => {
    const d = classify({
      status: 429,
      dialect: 'groq',
      body: openAiError(
        'rate_limit_exceeded',
        'Rate limit reached for model `llama-3.1-8b-instant` on tokens per minute (TPM): Limit 6000, Used 5800, Requested 700. Please try again in 5.289s.',
        'tokens',
      ),
    });
    expect(d).toMatchObject({ class: 'transient', cooldownUntil: NOW + 5289 });
  });

  it('Gemini per-minute quota waits RetryInfo.retryDelay', () => {
    const d = classify({
      status: 429,
      dialect: 'none',
      providerId: 'gemini',
      body: GEMINI_PER_MINUTE,
    });
    expect(d).toMatchObject({ class: 'transient', cooldownUntil: NOW + 20_040 });
  });

  it('GitHub per-minute type with retry-after', () => {
    const d = classify({
      status: 429,
      dialect: 'github',
      headers: h({ 'x-ratelimit-type': 'UserByModelByMinute', 'retry-after': '25' }),
      body: {
        error: {
          code: 'RateLimitReached',
          message:
            'Rate limit of 15 per 60s exceeded for UserByModelByMinute. Please wait 25 seconds before retrying.',
        },
      },
    });
    expect(d).toMatchObject({ class: 'transient', cooldownUntil: NOW + 25_000 });
  });

  it('Together per-second window with x-ratelimit-reset', () => {
    const d = classify({
      status: 429,
      dialect: 'together',
      body: { error: { message: 'rate limited', error_type: 'dynamic_request_limited' } },
      headers: h({
        'x-ratelimit-limit': '10',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': '2',
      }),
    });
    expect(d).toMatchObject({ class: 'transient', cooldownUntil: NOW + 2000 });
  });

  it('Mistral rate_limited, Anthropic rate_limit_error, Cloudflare 3040', () => {
    const mistral = classify({
      status: 429,
      dialect: 'mistral',
      body: MISTRAL_RATE_LIMITED,
    });
    expect(mistral).toMatchObject({
      class: 'transient',
      cooldownUntil: NOW + DEFAULT_RATE_LIMIT_BACKOFF_MS,
    });
    const anthropic = classify({
      status: 429,
      dialect: 'anthropic',
      body: {
        type: 'error',
        error: {
          type: 'rate_limit_error',
          message: 'Number of request tokens has exceeded your per-minute rate limit',
        },
      },
      headers: h({ 'retry-after': '12' }),
    });
    expect(anthropic).toMatchObject({ class: 'transient', cooldownUntil: NOW + 12_000 });
    const cloudflare = classify({
      status: 429,
      body: {
        errors: [{ message: 'AiError: Capacity temporarily exceeded', code: 3040 }],
        success: false,
      },
    });
    expect(cloudflare.class).toBe('transient');
  });

  it('no hint, but the headers report room in every window: no cooldown', () => {
    const d = classify({
      status: 429,
      headers: h({
        'x-ratelimit-limit-requests': '500',
        'x-ratelimit-remaining-requests': '499',
        'x-ratelimit-limit-tokens': '200000',
        'x-ratelimit-remaining-tokens': '150000',
      }),
    });
    expect(d).toMatchObject({ class: 'transient', retryElsewhere: true });
    expect(d.cooldownUntil).toBeUndefined();
    expect(d.tripsBreaker).toBeUndefined();
    expect(d.reason).toMatch(/capacity left/);
  });

  it('no hint at all: the documented 5 s default', () => {
    const d = classify({ status: 429 });
    expect(d).toMatchObject({
      class: 'transient',
      cooldownUntil: NOW + DEFAULT_RATE_LIMIT_BACKOFF_MS,
    });
    expect(d.reason).toMatch(/no wait was named/);
  });

  it('absurd waits are capped at MAX_COOLDOWN_MS', () => {
    const d = classify({ status: 503, headers: h({ 'retry-after': '999999' }) });
    expect(d.cooldownUntil).toBe(NOW + MAX_COOLDOWN_MS);
  });

  it('an error inside an HTTP 200 (OpenRouter) is classified by the body status', () => {
    const d = classify({
      status: 200,
      dialect: 'openrouter',
      body: { error: { code: 429, message: 'Rate limit exceeded' } },
    });
    expect(d).toMatchObject({
      class: 'transient',
      cooldownUntil: NOW + DEFAULT_RATE_LIMIT_BACKOFF_MS,
    });
  });
});

describe('transient: overload, server errors, timeouts and broken connections', () => {
  it.each([529, 503, 500, 502, 504, 408])(
    'HTTP %d without a wait: the request moves on, no cooldown, the breaker counts it',
    (status) => {
      const d = classify({ status });
      expect(d).toMatchObject({ class: 'transient', retryElsewhere: true, tripsBreaker: true });
      expect(d.cooldownUntil).toBeUndefined();
    },
  );

  it('Anthropic 529 overloaded_error', () => {
    const d = classify({
      status: 529,
      dialect: 'anthropic',
      body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
    });
    expect(d.class).toBe('transient');
    expect(d.reason).toMatch(/^Overloaded: /);
  });

  it('503 with retry-after (OpenRouter) waits as told', () => {
    const d = classify({
      status: 503,
      dialect: 'openrouter',
      headers: h({ 'retry-after': '120' }),
    });
    expect(d.cooldownUntil).toBe(NOW + 120_000);
  });

  it.each(['timeout', 'reset', 'connect'] as const)(
    '%s: no cooldown, the breaker counts it',
    (status) => {
      const d = classify({ status });
      expect(d).toMatchObject({ class: 'transient', retryElsewhere: true, tripsBreaker: true });
      expect(d.cooldownUntil).toBeUndefined();
    },
  );

  it('a client cancel is its own class: no cooldown, no failover, not the provider', () => {
    const d = cancelledByClient('OpenAI');
    expect(d).toMatchObject({ class: 'cancelled', retryElsewhere: false });
    expect(d.cooldownUntil).toBeUndefined();
    expect(d.tripsBreaker).toBeUndefined();
    expect(d.reason).toMatch(/cancelled by the client/i);
  });
});

describe('exhausted: quota and billing, parked until the quota returns', () => {
  it.each([
    'insufficient_quota',
    'credit_balance_exhausted',
    'organization_spend_limit_exceeded',
    'project_spend_limit_exceeded',
    'organization_usage_limit_exceeded',
  ])('OpenAI %s: parked until the next 00:00 UTC when the catalog names no reset', (code) => {
    const d = classify({ status: 429, body: openAiError(code, 'You exceeded your current quota') });
    expect(d).toMatchObject({
      class: 'exhausted',
      parkUntil: NEXT_UTC_MIDNIGHT,
      retryElsewhere: true,
    });
    expect(d.reason).toContain(code);
  });

  it('the catalog reset zone is used when headers and body say nothing of when', () => {
    const d = classify({
      status: 429,
      body: openAiError('insufficient_quota'),
      resetZone: { time: '00:00', timeZone: 'Asia/Shanghai' },
    });
    expect(d.parkUntil).toBe(at('2026-04-28T16:00:00Z'));
  });

  it('a monthly catalog reset', () => {
    const d = classify({
      status: 402,
      body: { error: { message: 'Insufficient Balance' } },
      resetZone: { time: '00:00', timeZone: 'UTC', kind: 'monthly' },
    });
    expect(d.parkUntil).toBe(at('2026-05-01T00:00:00Z'));
  });

  it('a bad catalog zone falls back to 00:00 UTC instead of throwing', () => {
    const d = classify({
      status: 429,
      body: openAiError('insufficient_quota'),
      resetZone: { time: '25:00', timeZone: 'Not/AZone' },
    });
    expect(d.parkUntil).toBe(NEXT_UTC_MIDNIGHT);
  });

  it('Anthropic enforced_spend_limit_reached: 00:00 UTC on the 1st', () => {
    const d = classify({
      status: 429,
      dialect: 'anthropic',
      providerId: 'anthropic',
      body: {
        type: 'error',
        error: {
          type: 'rate_limit_error',
          message: 'spend limit',
          details: { error_code: 'enforced_spend_limit_reached' },
        },
      },
    });
    expect(d).toMatchObject({ class: 'exhausted', parkUntil: at('2026-05-01T00:00:00Z') });
    expect(d.reason).toMatch(/^Monthly spend limit reached at anthropic/);
  });

  it('Gemini PerDay quota: midnight Pacific (PDT)', () => {
    const d = classify({
      status: 429,
      dialect: 'none',
      providerId: 'gemini',
      body: GEMINI_PER_DAY,
    });
    expect(d).toMatchObject({ class: 'exhausted', parkUntil: NEXT_PACIFIC_MIDNIGHT });
    expect(d.reason).toContain('GenerateRequestsPerDayPerProjectPerModel-FreeTier');
  });

  it('Gemini PerDay quota: midnight Pacific (PST)', () => {
    const winter = at('2026-01-15T20:00:00Z');
    const d = classifyFailure({
      status: 429,
      dialect: 'none',
      providerId: 'gemini',
      now: winter,
      body: GEMINI_PER_DAY,
    });
    expect(d.parkUntil).toBe(at('2026-01-16T08:00:00Z'));
  });

  it('Gemini "limit: 0": no free quota, parked until midnight Pacific', () => {
    const d = classify({
      status: 429,
      dialect: 'none',
      providerId: 'gemini',
      body: GEMINI_LIMIT_ZERO,
    });
    expect(d).toMatchObject({ class: 'exhausted', parkUntil: NEXT_PACIFIC_MIDNIGHT });
    expect(d.reason).toMatch(/^No free quota/);
  });

  it('OpenRouter free-models-per-day: the echoed reset header', () => {
    const d = classify({
      status: 429,
      dialect: 'openrouter',
      providerId: 'openrouter',
      body: OPENROUTER_FREE_DAILY,
    });
    expect(d).toMatchObject({ class: 'exhausted', parkUntil: at('2026-04-29T00:00:00Z') });
  });

  it('OpenRouter free daily by limit_source, no headers: 00:00 UTC', () => {
    const d = classify({
      status: 429,
      dialect: 'openrouter',
      body: {
        error: {
          code: 429,
          message: 'Rate limit exceeded',
          metadata: { limit_source: 'openrouter_free_tier_daily' },
        },
      },
    });
    expect(d).toMatchObject({ class: 'exhausted', parkUntil: NEXT_UTC_MIDNIGHT });
  });

  it('OpenRouter free daily: a real response header reset wins over 00:00 UTC', () => {
    const reset = at('2026-04-29T00:00:05Z');
    const d = classify({
      status: 429,
      dialect: 'openrouter',
      body: {
        error: { code: 429, message: 'Rate limit exceeded: free-models-per-day-high-balance.' },
      },
      headers: h({
        'x-ratelimit-limit': '1000',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(reset),
      }),
    });
    expect(d.parkUntil).toBe(reset);
  });

  it.each([
    ['OpenRouter', { error: { code: 402, message: 'Insufficient credits' } }],
    [
      'DeepSeek',
      {
        error: {
          message: 'Insufficient Balance',
          type: 'unknown_error',
          param: null,
          code: 'invalid_request_error',
        },
      },
    ],
    ['Cerebras', { message: 'Payment required', type: 'payment_required', param: '', code: '402' }],
    ['Anthropic', { type: 'error', error: { type: 'billing_error', message: 'billing' } }],
  ])('402 from %s', (_name, body) => {
    const d = classify({ status: 402, body });
    expect(d).toMatchObject({
      class: 'exhausted',
      parkUntil: NEXT_UTC_MIDNIGHT,
      retryElsewhere: true,
    });
  });

  it('OpenRouter 402 openrouter_in_flight_budget with Retry-After is transient', () => {
    const d = classify({
      status: 402,
      dialect: 'openrouter',
      body: {
        error: {
          code: 402,
          message: 'in flight',
          metadata: { limit_source: 'openrouter_in_flight_budget' },
        },
      },
      headers: h({ 'retry-after': '3' }),
    });
    expect(d).toMatchObject({ class: 'transient', cooldownUntil: NOW + 3000 });
  });

  it('DashScope 403 AllocationQuota.FreeTierOnly is exhausted, not key-invalid', () => {
    const d = classify({
      status: 403,
      providerId: 'dashscope',
      body: {
        error: {
          message: 'The free tier of the model has been exhausted.',
          type: 'AllocationQuota.FreeTierOnly',
          code: 'AllocationQuota.FreeTierOnly',
        },
      },
    });
    expect(d.class).toBe('exhausted');
  });

  it('DashScope 429 Throttling.AllocationQuota and Arrearage', () => {
    expect(
      classify({
        status: 429,
        body: { error: { code: 'Throttling.AllocationQuota', message: 'quota' } },
      }).class,
    ).toBe('exhausted');
    expect(classify({ status: 400, body: { code: 'Arrearage', message: 'overdue' } }).class).toBe(
      'exhausted',
    );
  });

  it('Cloudflare 429 code 3036: 00:00 UTC', () => {
    const d = classify({
      status: 429,
      providerId: 'cloudflare',
      body: {
        errors: [
          {
            message: 'AiError: you have used up your daily free allocation of 10,000 neurons',
            code: 3036,
          },
        ],
        success: false,
      },
    });
    expect(d).toMatchObject({ class: 'exhausted', parkUntil: NEXT_UTC_MIDNIGHT });
  });

  it('Anthropic "credit balance is too low" (HTTP 400) is exhausted', () => {
    const d = classify({
      status: 400,
      dialect: 'anthropic',
      body: {
        type: 'error',
        error: {
          type: 'invalid_request_error',
          message: 'Your credit balance is too low to access the Anthropic API.',
        },
      },
    });
    expect(d.class).toBe('exhausted');
  });

  it('Groq requests-per-day window empty: parked until its reset', () => {
    const d = classify({
      status: 429,
      dialect: 'groq',
      headers: h({
        'x-ratelimit-limit-requests': '1000',
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-requests': '2h0m0s',
      }),
    });
    expect(d).toMatchObject({ class: 'exhausted', parkUntil: NOW + 2 * 3_600_000 });
    expect(d.reason).toMatch(/requests per day/);
  });

  it('Groq tokens-per-day message: parked for its "try again in"', () => {
    const d = classify({
      status: 429,
      dialect: 'groq',
      body: openAiError(
        'rate_limit_exceeded',
        'Rate limit reached for model `llama-3.3-70b-versatile` in organization `org_01` service tier `on_demand` on tokens per day (TPD): Limit 100000, Used 99836, Requested 1057. Please try again in 12m5.088s.',
        'tokens',
      ),
    });
    expect(d).toMatchObject({ class: 'exhausted', parkUntil: NOW + 725_088 });
  });

  it('Cerebras requests-per-day window empty', () => {
    const d = classify({
      status: 429,
      dialect: 'cerebras',
      body: {
        message: 'Requests per day limit exceeded - too many requests sent.',
        type: 'too_many_requests_error',
        param: 'quota',
        code: 'request_quota_exceeded',
      },
      headers: h({
        'x-ratelimit-limit-requests-day': '14400',
        'x-ratelimit-remaining-requests-day': '0',
        'x-ratelimit-reset-requests-day': '33011.38',
      }),
    });
    expect(d.class).toBe('exhausted');
    expect(d.parkUntil).toBeCloseTo(NOW + 33_011_380, 3);
  });

  it('GitHub UserByModelByDay: parked for retry-after', () => {
    const d = classify({
      status: 429,
      dialect: 'github',
      headers: h({ 'x-ratelimit-type': 'UserByModelByDay', 'retry-after': '42567' }),
      body: {
        error: {
          code: 'RateLimitReached',
          message:
            'Rate limit of 150 per 86400s exceeded for UserByModelByDay. Please wait 42567 seconds before retrying.',
        },
      },
    });
    expect(d).toMatchObject({ class: 'exhausted', parkUntil: NOW + 42_567_000 });
  });

  it('a daily limit with no time named falls back to the catalog reset', () => {
    const d = classify({
      status: 429,
      body: { error: { message: 'Daily request limit reached: 1000 requests per day' } },
      resetZone: { time: '00:00', timeZone: 'America/Los_Angeles' },
    });
    expect(d).toMatchObject({ class: 'exhausted', parkUntil: NEXT_PACIFIC_MIDNIGHT });
  });

  it('parks are capped at MAX_PARK_MS', () => {
    const d = classify({
      status: 429,
      dialect: 'groq',
      headers: h({ 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '2400h' }),
    });
    expect(d.parkUntil).toBe(NOW + MAX_PARK_MS);
  });
});

describe('key-invalid', () => {
  it.each([401, 403])('HTTP %d', (status) => {
    const d = classify({
      status,
      body: openAiError('invalid_api_key', 'Incorrect API key provided: sk-proj-****abcd.'),
    });
    expect(d).toMatchObject({ class: 'key-invalid', retryElsewhere: true });
    expect(d.cooldownUntil).toBeUndefined();
    expect(d.parkUntil).toBeUndefined();
  });

  it('Gemini 400 API_KEY_INVALID', () => {
    const d = classify({
      status: 400,
      dialect: 'none',
      body: {
        error: {
          code: 400,
          message: 'API key not valid. Please pass a valid API key.',
          status: 'INVALID_ARGUMENT',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: 'API_KEY_INVALID',
              domain: 'googleapis.com',
            },
          ],
        },
      },
    });
    expect(d.class).toBe('key-invalid');
  });

  it('Gemini 400 FAILED_PRECONDITION (free tier not offered in the region)', () => {
    const d = classify({
      status: 400,
      body: {
        error: {
          code: 400,
          message:
            'User location is not supported for the API use without a billing account linked.',
          status: 'FAILED_PRECONDITION',
        },
      },
    });
    expect(d).toMatchObject({ class: 'key-invalid', retryElsewhere: true });
  });

  it("OpenRouter 403 moderation is the caller's, not the key's", () => {
    const d = classify({
      status: 403,
      dialect: 'openrouter',
      body: {
        error: {
          code: 403,
          message: 'Input was flagged by moderation',
          metadata: { reasons: ['harassment'] },
        },
      },
    });
    expect(d).toMatchObject({ class: 'caller', retryElsewhere: false });
  });
});

describe('too-big: context length', () => {
  it.each([
    "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.",
    'request (4476 tokens) exceeds the available context size (4096 tokens), try increasing it',
    'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).',
    'Current length is 9000 while limit is 8192',
    'Please reduce the length of the input: maximum input length is 32768 tokens.',
    'input tokens exceed the configured limit of 272000 tokens',
    'prompt is too long: 210000 tokens > 200000 maximum',
    'Range of input length should be [1, 30720]',
    'Request too large for model `llama-3.1-8b-instant` on tokens per minute (TPM): Limit 6000, Requested 6294',
  ])('%s', (message) => {
    const d = classify({
      status: 400,
      body: { error: { message, type: 'invalid_request_error' } },
    });
    expect(d).toMatchObject({ class: 'too-big', retryElsewhere: true });
  });

  it('OpenAI code context_length_exceeded', () => {
    expect(
      classify({ status: 400, body: openAiError('context_length_exceeded', 'too long') }).class,
    ).toBe('too-big');
  });

  it('llama.cpp exceed_context_size_error', () => {
    const d = classify({
      status: 400,
      body: {
        error: {
          code: 400,
          message: 'request (4476 tokens) exceeds the available context size (4096 tokens)',
          type: 'exceed_context_size_error',
          n_prompt_tokens: 4476,
          n_ctx: 4096,
        },
      },
    });
    expect(d.class).toBe('too-big');
  });

  it('HTTP 413 (Anthropic request_too_large, Cloudflare 3006), and Groq 413 "Request too large"', () => {
    expect(
      classify({
        status: 413,
        body: {
          type: 'error',
          error: { type: 'request_too_large', message: 'Request exceeds the maximum size' },
        },
      }).class,
    ).toBe('too-big');
    expect(classify({ status: 413 }).class).toBe('too-big');
  });

  it('a context wording on a 5xx stays transient', () => {
    expect(
      classify({ status: 500, body: { error: { message: 'prompt is too long' } } }).class,
    ).toBe('transient');
  });
});

describe('caller: other 4xx are returned, not retried elsewhere', () => {
  it.each([400, 409, 422])('HTTP %d', (status) => {
    const d = classify({
      status,
      body: openAiError('invalid_request_error', "Unknown parameter: 'foo'."),
    });
    expect(d).toMatchObject({ class: 'caller', retryElsewhere: false });
    expect(d.cooldownUntil).toBeUndefined();
  });

  it('HTTP 404 (a model the provider dropped) moves on to the next target', () => {
    const d = classify({
      status: 404,
      body: openAiError('invalid_request_error', 'The model `x` does not exist.'),
    });
    expect(d).toMatchObject({ class: 'caller', retryElsewhere: true });
    expect(d.reason).toMatch(/^Model not found at .*trying the next target\.$/);
    expect(d.cooldownUntil).toBeUndefined();
  });
});

describe('reasons', () => {
  it('are sentences that never repeat provider text (which may echo a key)', () => {
    const secret = 'sk-proj-SECRET1234567890';
    const bodies = [
      openAiError('invalid_api_key', `Incorrect API key provided: ${secret}`),
      openAiError('insufficient_quota', `quota for ${secret}`),
      openAiError('rate_limit_exceeded', `slow down ${secret}`),
      openAiError('context_length_exceeded', `prompt is too long ${secret}`),
      { error: { message: `limit: 0 ${secret}`, status: 'RESOURCE_EXHAUSTED' } },
    ];
    for (const status of [400, 401, 403, 404, 429, 500]) {
      for (const body of bodies) {
        const d = classify({ status, body, headers: h({ 'x-ratelimit-type': secret }) });
        expect(d.reason).not.toContain(secret);
        expect(d.reason).toMatch(/^[A-Z].*\.$/);
      }
    }
  });

  it('name the provider', () => {
    expect(classify({ status: 429, providerId: 'groq' }).reason).toMatch(/^Rate-limited by groq;/);
    expect(classify({ status: 429, providerId: '' }).reason).toMatch(
      /^Rate-limited by the provider;/,
    );
  });
});

describe('any input (property)', () => {
  it('never throws; times are finite and never before now', () => {
    const status = fc.oneof(
      fc.integer({ min: 0, max: 999 }),
      fc.constantFrom(400, 401, 402, 403, 404, 408, 413, 429, 500, 503, 529),
      fc.constantFrom('timeout' as const, 'reset' as const, 'connect' as const),
    );
    fc.assert(
      fc.property(
        status,
        fc.oneof(fc.anything(), fc.json()),
        fc.dictionary(
          fc.constantFrom(
            'retry-after',
            'retry-after-ms',
            'x-ratelimit-remaining-requests',
            'x-ratelimit-reset-requests',
            'x-ratelimit-reset',
            'x-ratelimit-remaining',
            'x-ratelimit-type',
          ),
          fc.string(),
        ),
        fc.constantFrom(...HEADER_DIALECTS),
        (s, body, headers, dialect) => {
          const d = classifyFailure({
            status: s,
            body,
            headers: h(headers),
            dialect,
            providerId: 'p',
            now: NOW,
          });
          expect(['transient', 'exhausted', 'key-invalid', 'too-big', 'caller']).toContain(d.class);
          expect(d.reason.length).toBeGreaterThan(0);
          if (d.class === 'transient' && d.cooldownUntil !== undefined) {
            expect(d.cooldownUntil).toBeGreaterThanOrEqual(NOW);
            expect(d.cooldownUntil).toBeLessThanOrEqual(NOW + MAX_COOLDOWN_MS);
          }
          if (d.class === 'exhausted') {
            expect(d.parkUntil).toBeGreaterThanOrEqual(NOW);
            expect(d.parkUntil).toBeLessThanOrEqual(NOW + MAX_PARK_MS);
          }
          expect(d.retryElsewhere).toBe(d.class !== 'caller' || s === 404);
        },
      ),
    );
  });
});
