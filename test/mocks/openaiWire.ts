import type { LimitReason } from './limits.ts';
import { contentText, splitJson, splitText, type ToolDef, type Turn } from './reply.ts';
import type { MockDialect } from './types.ts';
import { estimateTokens, fakeVector, isRecord } from './util.ts';
import {
  BAD_GATEWAY,
  bearer,
  sseData,
  type Endpoint,
  type ErrorContext,
  type ErrorReply,
  type Wire,
  type WireEvent,
} from './wire.ts';

const UNITS: Record<LimitReason, [string, string, string]> = {
  rpm: ['requests', 'requests per min', 'RPM'],
  rpd: ['requests', 'requests per day', 'RPD'],
  tpm: ['tokens', 'tokens per min', 'TPM'],
  tpd: ['tokens', 'tokens per day', 'TPD'],
  concurrency: ['requests', 'concurrent requests', 'concurrency'],
};

const openaiError = (
  status: number,
  message: string,
  type: string,
  code: string | null,
  param: string | null = null,
): ErrorReply => ({
  status,
  body: { error: { message, type, param, code } },
});

function rateLimit(ctx: ErrorContext): ErrorReply {
  const [type, per, abbr] = UNITS[ctx.reason ?? 'rpm'];
  const wait = `${((ctx.retryAfterMs ?? 1000) / 1000).toFixed(3).replace(/\.?0+$/, '')}s`;
  const figures = `Limit ${ctx.limit ?? 0}, Used ${ctx.used ?? 0}, Requested ${ctx.requested ?? 1}`;
  const daily = ctx.reason === 'rpd' || ctx.reason === 'tpd';
  switch (ctx.dialect) {
    case 'groq':
      return {
        status: 429,
        body: {
          error: {
            message: `Rate limit reached for model \`${ctx.model}\` in organization \`org_mock\` service tier \`on_demand\` on ${per} (${abbr}): ${figures}. Please try again in ${wait}. Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing`,
            type,
            code: 'rate_limit_exceeded',
          },
        },
      };
    case 'cerebras':
      return {
        status: 429,
        body: {
          message: `${type === 'tokens' ? 'Tokens' : 'Requests'} per ${daily ? 'day' : 'minute'} limit exceeded - too many ${type} ${type === 'tokens' ? 'processed' : 'sent'}.`,
          type: 'too_many_requests_error',
          param: 'quota',
          code: 'request_quota_exceeded',
        },
      };
    case 'openrouter': {
      const reset = String(Math.round(ctx.now + (ctx.retryAfterMs ?? 0)));
      return {
        status: 429,
        body: {
          error: {
            message: daily
              ? 'Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day'
              : 'Rate limit exceeded: free-models-per-min. ',
            code: 429,
            metadata: {
              headers: {
                'X-RateLimit-Limit': String(ctx.limit ?? 0),
                'X-RateLimit-Remaining': '0',
                'X-RateLimit-Reset': reset,
              },
              provider_name: null,
              ...(daily ? { limit_source: 'openrouter_free_tier_daily' } : {}),
            },
          },
          user_id: 'user_mock',
        },
      };
    }
    case 'together':
      return openaiError(
        429,
        `You have exceeded your ${per} limit (${figures}).`,
        type === 'tokens' ? 'dynamic_token_limited' : 'dynamic_request_limited',
        null,
      );
    case 'mistral':
      return {
        status: 429,
        body: {
          object: 'error',
          message: 'Requests rate limit exceeded',
          type: 'rate_limited',
          param: null,
          code: '1300',
        },
      };
    case 'openai':
      return openaiError(
        429,
        `Rate limit reached for ${ctx.model} in organization org-mock on ${per} (${abbr}): ${figures}. Please try again in ${wait}. Visit https://platform.openai.com/account/rate-limits to learn more.`,
        type,
        'rate_limit_exceeded',
      );
    default:
      return openaiError(429, 'Rate limit exceeded', 'rate_limit_error', 'rate_limit_exceeded');
  }
}

function unauthorized(ctx: ErrorContext): ErrorReply {
  switch (ctx.dialect) {
    case 'groq':
      return openaiError(401, 'Invalid API Key', 'invalid_request_error', 'invalid_api_key');
    case 'cerebras':
      return {
        status: 401,
        body: {
          message: 'Wrong API Key',
          type: 'invalid_request_error',
          param: 'api_key',
          code: 'wrong_api_key',
        },
      };
    case 'openrouter':
      return {
        status: 401,
        body: {
          error: {
            message: ctx.missingKey ? 'No auth credentials found' : 'User not found.',
            code: 401,
          },
        },
      };
    case 'mistral':
      return { status: 401, body: { message: 'Unauthorized', request_id: ctx.requestId } };
    default:
      return ctx.missingKey
        ? openaiError(
            401,
            "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
            'invalid_request_error',
            null,
          )
        : openaiError(
            401,
            `Incorrect API key provided: sk-...${ctx.keyLast4 ?? ''}. You can find your API key at https://platform.openai.com/account/api-keys.`,
            'invalid_request_error',
            'invalid_api_key',
          );
  }
}

function contextLength(ctx: ErrorContext): ErrorReply {
  const n = ctx.inputTokens ?? 0;
  const max = ctx.contextWindow ?? 0;
  switch (ctx.dialect) {
    case 'cerebras':
      return {
        status: 400,
        body: {
          message: `Please reduce the length of the messages or completion. Current length is ${n} while limit is ${max}`,
          type: 'invalid_request_error',
          param: 'messages',
          code: 'context_length_exceeded',
        },
      };
    case 'mistral':
      return {
        status: 400,
        body: {
          object: 'error',
          message: `Prompt contains ${n} tokens and 0 draft tokens, too large for model with ${max} maximum context length`,
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
      };
    default:
      return openaiError(
        400,
        `This model's maximum context length is ${max} tokens. However, your messages resulted in ${n} tokens. Please reduce the length of the messages.`,
        'invalid_request_error',
        'context_length_exceeded',
        'messages',
      );
  }
}

function error(kind: Parameters<Wire['error']>[0], ctx: ErrorContext): ErrorReply {
  switch (kind) {
    case 'unauthorized':
      return unauthorized(ctx);
    case 'rate-limit':
      return rateLimit(ctx);
    case 'context-length':
      return contextLength(ctx);
    case 'insufficient-quota':
      if (ctx.dialect === 'openrouter')
        return {
          status: 402,
          body: {
            error: {
              message: 'Insufficient credits. Add more using https://openrouter.ai/credits',
              code: 402,
            },
          },
        };
      if (ctx.dialect === 'cerebras')
        return {
          status: 402,
          body: {
            message: 'Payment required: your organization has no remaining credit.',
            type: 'payment_required_error',
            param: null,
            code: 'payment_required',
          },
        };
      return openaiError(
        429,
        'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
        'insufficient_quota',
        'insufficient_quota',
      );
    case 'overloaded':
      if (ctx.dialect === 'mistral')
        return {
          status: 503,
          body: {
            object: 'error',
            message: 'Service tier capacity exceeded for this model.',
            type: 'service_tier_capacity_exceeded',
            param: null,
            code: null,
          },
        };
      return openaiError(
        503,
        'The server is overloaded or not ready yet.',
        'service_unavailable_error',
        'server_is_overloaded',
      );
    case 'server-error':
      if (ctx.status === 502) return BAD_GATEWAY;
      if (ctx.status === 503) return error('overloaded', ctx);
      if (ctx.status === 504) return openaiError(504, 'Gateway timeout.', 'timeout', null);
      return openaiError(
        500,
        'The server had an error while processing your request. Sorry about that!',
        'server_error',
        null,
      );
    case 'not-found':
      return openaiError(
        404,
        ctx.message ?? `The model \`${ctx.model}\` does not exist or you do not have access to it.`,
        'invalid_request_error',
        'model_not_found',
      );
    case 'bad-request':
      if (ctx.dialect === 'mistral')
        return {
          status: 422,
          body: {
            object: 'error',
            message: ctx.message ?? 'Invalid request',
            type: 'invalid_request_error',
            param: null,
            code: null,
          },
        };
      return openaiError(400, ctx.message ?? 'Invalid request', 'invalid_request_error', null);
  }
}

function streamErrorPayload(ctx: ErrorContext): unknown {
  if (ctx.dialect === 'openrouter') {
    return {
      id: `gen-${ctx.requestId}`,
      object: 'chat.completion.chunk',
      created: Math.floor(ctx.now / 1000),
      model: ctx.model,
      provider: 'MockUpstream',
      error: { code: 502, message: 'Upstream provider error: connection closed mid-generation' },
      choices: [
        { index: 0, delta: { content: '' }, finish_reason: 'error', native_finish_reason: 'error' },
      ],
    };
  }
  return {
    error: {
      message: 'The server had an error while processing your request. Sorry about that!',
      type: 'server_error',
      param: null,
      code: null,
    },
  };
}

function tools(body: Record<string, unknown>): ToolDef[] {
  if (!Array.isArray(body.tools)) return [];
  return body.tools.flatMap((tool) => {
    const fn = isRecord(tool) && isRecord(tool.function) ? tool.function : undefined;
    return fn && typeof fn.name === 'string' ? [{ name: fn.name, parameters: fn.parameters }] : [];
  });
}

function parseTurn(endpoint: Endpoint, body: unknown): Turn | string {
  if (!isRecord(body)) return 'We could not parse the JSON body of your request.';
  const model = typeof body.model === 'string' ? body.model : '';
  const maxTokens = [body.max_completion_tokens, body.max_tokens].find(
    (v) => typeof v === 'number',
  ) as number | undefined;
  const streamOptions = isRecord(body.stream_options) ? body.stream_options : undefined;
  const base = {
    model,
    stream: body.stream === true,
    maxTokens,
    includeUsage: streamOptions?.include_usage === true,
    hasStreamOptions: body.stream_options !== undefined,
  };
  if (endpoint.kind === 'completion') {
    const prompt = Array.isArray(body.prompt) ? body.prompt.join('\n') : String(body.prompt ?? '');
    return {
      ...base,
      promptText: prompt,
      lastUserText: prompt,
      lastIsToolResult: false,
      tools: [],
    };
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    return "'messages' is a required property";
  const messages = body.messages.filter(isRecord);
  const last = messages[messages.length - 1];
  const lastUser = [...messages].reverse().find((m) => m.role === 'user' || m.role === 'tool');
  return {
    ...base,
    promptText: messages.map((m) => contentText(m.content)).join('\n'),
    lastUserText: contentText(lastUser?.content),
    lastIsToolResult: last?.role === 'tool',
    tools: tools(body),
    outputSchema: outputSchema(body),
  };
}

/** `response_format: { type: "json_schema", json_schema: { schema } }`. */
function outputSchema(body: Record<string, unknown>): unknown {
  const format = isRecord(body.response_format) ? body.response_format : {};
  const spec =
    format.type === 'json_schema' && isRecord(format.json_schema) ? format.json_schema : {};
  return spec.schema;
}

function usage(input: number, output: number, cached = 0) {
  return {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: input + output,
    ...(cached > 0 ? { prompt_tokens_details: { cached_tokens: cached } } : {}),
  };
}

const FINISH = { stop: 'stop', length: 'length', tool: 'tool_calls' } as const;

/** OpenAI Chat Completions and its compatible vendors: /chat/completions, /completions, /embeddings, /models. */
export function openaiWire(basePath: string, dialect: MockDialect): Wire {
  const prefix = basePath.replace(/\/$/, '');
  return {
    requestIdHeader: 'x-request-id',
    route(method, url) {
      if (!url.pathname.startsWith(`${prefix}/`)) return undefined;
      const rest = url.pathname.slice(prefix.length);
      if (method === 'POST' && rest === '/chat/completions') return { kind: 'chat' };
      if (method === 'POST' && rest === '/completions') return { kind: 'completion' };
      if (method === 'POST' && rest === '/embeddings') return { kind: 'embeddings' };
      if (method === 'GET' && (rest === '/models' || rest.startsWith('/models/')))
        return { kind: 'models' };
      return undefined;
    },
    parseTurn,
    embeddingInputs(_endpoint, body) {
      if (!isRecord(body) || body.input === undefined) return "'input' is a required property";
      const input = body.input;
      return (Array.isArray(input) ? input : [input]).map((v) =>
        typeof v === 'string' ? v : JSON.stringify(v),
      );
    },
    keyFrom: (headers) => bearer(headers),
    precheck(_headers, body, endpoint) {
      // Mistral validates strictly and refuses OpenAI's stream_options (PROVIDERS.md §2).
      if (
        dialect === 'mistral' &&
        endpoint.kind === 'chat' &&
        isRecord(body) &&
        body.stream_options !== undefined
      ) {
        return {
          status: 422,
          body: {
            object: 'error',
            message: {
              detail: [
                {
                  type: 'extra_forbidden',
                  loc: ['body', 'stream_options'],
                  msg: 'Extra inputs are not permitted',
                  input: body.stream_options,
                },
              ],
            },
            type: 'invalid_request_error',
            param: null,
            code: null,
          },
        };
      }
      return undefined;
    },
    json(endpoint, answer, turn, ctx) {
      if (endpoint.kind === 'completion') {
        return {
          id: `cmpl-${ctx.id}`,
          object: 'text_completion',
          created: ctx.created,
          model: turn.model,
          choices: [
            { text: answer.text, index: 0, logprobs: null, finish_reason: FINISH[answer.finish] },
          ],
          usage: usage(answer.inputTokens, answer.outputTokens),
        };
      }
      const toolCalls = answer.toolCalls.map((c) => ({
        id: c.id,
        type: 'function',
        function: { name: c.name, arguments: c.argsJson },
      }));
      return {
        id: `chatcmpl-${ctx.id}`,
        object: 'chat.completion',
        created: ctx.created,
        model: turn.model,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: toolCalls.length > 0 ? null : answer.text,
              refusal: null,
              ...(answer.reasoning !== undefined ? { reasoning_content: answer.reasoning } : {}),
              ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
            },
            logprobs: null,
            finish_reason: FINISH[answer.finish],
          },
        ],
        usage: usage(answer.inputTokens, answer.outputTokens, answer.cachedTokens),
        system_fingerprint: 'fp_mock',
      };
    },
    events(endpoint, answer, turn, ctx): WireEvent[] {
      const out: WireEvent[] = [];
      const pieces = splitText(answer.text, ctx.chunks);
      if (endpoint.kind === 'completion') {
        const chunk = (text: string, finish: string | null) => ({
          id: `cmpl-${ctx.id}`,
          object: 'text_completion',
          created: ctx.created,
          model: turn.model,
          choices: [{ text, index: 0, logprobs: null, finish_reason: finish }],
        });
        for (const p of pieces)
          out.push({ text: sseData(chunk(p, null)), tokens: estimateTokens(p) });
        out.push({ text: sseData(chunk('', FINISH[answer.finish])), tokens: 0 });
        out.push({ text: sseData('[DONE]'), tokens: 0 });
        return out;
      }
      const chunk = (delta: unknown, finish: string | null) => ({
        id: `chatcmpl-${ctx.id}`,
        object: 'chat.completion.chunk',
        created: ctx.created,
        model: turn.model,
        system_fingerprint: 'fp_mock',
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
        ...(turn.includeUsage ? { usage: null } : {}),
      });
      out.push({
        text: sseData(chunk({ role: 'assistant', content: '', refusal: null }, null)),
        tokens: 0,
      });
      if (answer.reasoning !== undefined) {
        for (const p of splitText(answer.reasoning))
          out.push({
            text: sseData(chunk({ reasoning_content: p }, null)),
            tokens: estimateTokens(p),
          });
      }
      for (const p of pieces)
        out.push({ text: sseData(chunk({ content: p }, null)), tokens: estimateTokens(p) });
      answer.toolCalls.forEach((call, index) => {
        const head = {
          index,
          id: call.id,
          type: 'function',
          function: { name: call.name, arguments: '' },
        };
        out.push({
          text: sseData(chunk({ tool_calls: [head] }, null)),
          tokens: estimateTokens(call.name),
        });
        for (const part of splitJson(call.argsJson)) {
          out.push({
            text: sseData(chunk({ tool_calls: [{ index, function: { arguments: part } }] }, null)),
            tokens: estimateTokens(part),
          });
        }
      });
      out.push({ text: sseData(chunk({}, FINISH[answer.finish])), tokens: 0 });
      if (turn.includeUsage) {
        const last = {
          id: `chatcmpl-${ctx.id}`,
          object: 'chat.completion.chunk',
          created: ctx.created,
          model: turn.model,
          system_fingerprint: 'fp_mock',
          choices: [],
          usage: usage(answer.inputTokens, answer.outputTokens, answer.cachedTokens),
        };
        out.push({ text: sseData(last), tokens: 0 });
      }
      out.push({ text: sseData('[DONE]'), tokens: 0 });
      return out;
    },
    embeddings(inputs, model, body) {
      const base64 = isRecord(body) && body.encoding_format === 'base64';
      const dimensions =
        isRecord(body) && typeof body.dimensions === 'number' ? body.dimensions : 8;
      const tokens = inputs.reduce((n, s) => n + estimateTokens(s), 0);
      return {
        object: 'list',
        data: inputs.map((input, index) => {
          const vector = fakeVector(input, dimensions);
          // The openai SDK asks for base64 by default and decodes little-endian float32.
          const embedding = base64
            ? Buffer.from(new Float32Array(vector).buffer).toString('base64')
            : vector;
          return { object: 'embedding', index, embedding };
        }),
        model,
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      };
    },
    models: (ids) => ({
      object: 'list',
      data: ids.map((id) => ({ id, object: 'model', created: 1700000000, owned_by: 'mock' })),
    }),
    countTokens: (tokens) => ({ total_tokens: tokens }),
    error,
    streamError: (ctx) => sseData(streamErrorPayload(ctx)),
    errorBody: streamErrorPayload,
    malformed: () =>
      'data: {"id":"chatcmpl-broken","object":"chat.completion.chunk","choices":[{"delta":{"content":"oops\n\n',
  };
}
