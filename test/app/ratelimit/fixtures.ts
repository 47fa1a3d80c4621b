/** Error bodies as providers send them, quoted from the issue threads named beside each. */

/** Gemini 429, per-minute quota, with RetryInfo (dev.to/cynora, gemini-cli#8437 shapes). */
export const GEMINI_PER_MINUTE = {
  error: {
    code: 429,
    message:
      'You exceeded your current quota, please check your plan and billing details. Please retry in 20.04s.',
    status: 'RESOURCE_EXHAUSTED',
    details: [
      {
        '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
        violations: [
          {
            quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
            quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
            quotaDimensions: { location: 'global', model: 'gemini-2.0-flash' },
          },
        ],
      },
      {
        '@type': 'type.googleapis.com/google.rpc.Help',
        links: [
          { description: 'Learn more', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' },
        ],
      },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '20.04s' },
    ],
  },
};

/** Gemini 429 whose violations include the per-day quota (google-gemini/gemini-cli#8437). */
export const GEMINI_PER_DAY = {
  error: {
    code: 429,
    message:
      'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.',
    status: 'RESOURCE_EXHAUSTED',
    details: [
      {
        '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
        violations: [
          {
            quotaMetric:
              'generativelanguage.googleapis.com/generate_content_free_tier_input_token_count',
            quotaId: 'GenerateContentInputTokensPerModelPerMinute-FreeTier',
          },
          {
            quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
            quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
          },
          {
            quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
            quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier',
          },
        ],
      },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '39s' },
    ],
  },
};

/** Gemini 429 for a model with no free quota (continuedev/continue#9570). */
export const GEMINI_LIMIT_ZERO = {
  error: {
    code: 429,
    message:
      'You exceeded your current quota, please check your plan and billing details.\n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 0, model: gemini-3-pro\nPlease retry in 45.578569677s.',
    status: 'RESOURCE_EXHAUSTED',
    details: [
      {
        '@type': 'type.googleapis.com/google.rpc.Help',
        links: [
          {
            description: 'Learn more about Gemini API quotas',
            url: 'https://ai.google.dev/gemini-api/docs/rate-limits',
          },
        ],
      },
    ],
  },
};

/** OpenRouter free daily cap with echoed headers (Gitlawb/openclaude#936). */
export const OPENROUTER_FREE_DAILY = {
  error: {
    message:
      'Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day',
    code: 429,
    metadata: {
      headers: {
        'X-RateLimit-Limit': '50',
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': String(Date.parse('2026-04-29T00:00:00Z')),
      },
      provider_name: null,
    },
  },
  user_id: 'user_2abc',
};

/** Mistral 429 for too many requests: a top-level error object. */
export const MISTRAL_RATE_LIMITED = {
  object: 'error',
  message: 'Requests rate limit exceeded',
  type: 'rate_limited',
  param: null,
  code: '1300',
};

/** An OpenAI-shaped error body (OpenAI, Groq and most compatible vendors). */
export function openAiError(code: string, message = 'error', type = code) {
  return { error: { message, type, param: null, code } };
}
