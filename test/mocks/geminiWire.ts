import { splitText, type Answer, type ToolDef, type Turn } from './reply.ts';
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

const ROUTE =
  /^\/(v1beta|v1)\/models\/([^/:]+):(generateContent|streamGenerateContent|batchEmbedContents|embedContent|countTokens)$/;

function googleError(
  code: number,
  status: string,
  message: string,
  details?: unknown[],
): ErrorReply {
  return {
    status: code,
    body: { error: { code, message, status, ...(details ? { details } : {}) } },
  };
}

const HELP = {
  '@type': 'type.googleapis.com/google.rpc.Help',
  links: [
    {
      description: 'Learn more about Gemini API quotas',
      url: 'https://ai.google.dev/gemini-api/docs/rate-limits',
    },
  ],
};

function exhausted(ctx: ErrorContext, perDay: boolean, limit: number): ErrorReply {
  const tokens = ctx.reason === 'tpm' || ctx.reason === 'tpd';
  const metric = tokens
    ? 'generativelanguage.googleapis.com/generate_content_free_tier_input_token_count'
    : 'generativelanguage.googleapis.com/generate_content_free_tier_requests';
  const quotaId = tokens
    ? `GenerateContentInputTokensPerModelPer${perDay ? 'Day' : 'Minute'}-FreeTier`
    : `GenerateRequestsPer${perDay ? 'Day' : 'Minute'}PerProjectPerModel-FreeTier`;
  const retryS = Math.max(1, (ctx.retryAfterMs ?? 1000) / 1000);
  const details: unknown[] = [
    {
      '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
      violations: [
        {
          quotaMetric: metric,
          quotaId,
          quotaDimensions: { location: 'global', model: ctx.model },
          quotaValue: String(limit),
        },
      ],
    },
    HELP,
  ];
  if (!perDay)
    details.push({
      '@type': 'type.googleapis.com/google.rpc.RetryInfo',
      retryDelay: `${Math.ceil(retryS)}s`,
    });
  return googleError(
    429,
    'RESOURCE_EXHAUSTED',
    'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. To monitor your current usage, head to: https://ai.dev/usage?tab=rate-limit. \n' +
      `* Quota exceeded for metric: ${metric}, limit: ${limit}, model: ${ctx.model}\n` +
      (perDay ? '' : `Please retry in ${retryS.toFixed(2)}s.`),
    details,
  );
}

function error(kind: Parameters<Wire['error']>[0], ctx: ErrorContext): ErrorReply {
  switch (kind) {
    case 'unauthorized':
      // Gemini answers a wrong key with 400 API_KEY_INVALID and a missing one with 403, not 401.
      return ctx.missingKey
        ? googleError(
            403,
            'PERMISSION_DENIED',
            "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
          )
        : googleError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: 'API_KEY_INVALID',
              domain: 'googleapis.com',
              metadata: { service: 'generativelanguage.googleapis.com' },
            },
          ]);
    case 'rate-limit':
      return exhausted(ctx, ctx.reason === 'rpd' || ctx.reason === 'tpd', ctx.limit ?? 0);
    case 'insufficient-quota':
      return exhausted({ ...ctx, reason: 'rpd' }, true, 0);
    case 'overloaded':
      return googleError(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.');
    case 'server-error':
      if (ctx.status === 502) return BAD_GATEWAY;
      if (ctx.status === 503) return error('overloaded', ctx);
      if (ctx.status === 504)
        return googleError(
          504,
          'DEADLINE_EXCEEDED',
          'Deadline expired before operation could complete.',
        );
      return googleError(
        500,
        'INTERNAL',
        'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
      );
    case 'context-length':
      return googleError(
        400,
        'INVALID_ARGUMENT',
        `The input token count (${ctx.inputTokens ?? 0}) exceeds the maximum number of tokens allowed (${ctx.contextWindow ?? 0}).`,
      );
    case 'not-found':
      return googleError(
        404,
        'NOT_FOUND',
        ctx.message ??
          `models/${ctx.model} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`,
      );
    case 'bad-request':
      return googleError(400, 'INVALID_ARGUMENT', ctx.message ?? 'Invalid JSON payload received.');
  }
}

function partsText(parts: unknown): string {
  if (!Array.isArray(parts)) return '';
  return parts
    .map((p) => {
      if (!isRecord(p)) return '';
      if (typeof p.text === 'string') return p.text;
      if (isRecord(p.functionResponse)) return JSON.stringify(p.functionResponse.response ?? {});
      return '';
    })
    .join('');
}

function tools(body: Record<string, unknown>): ToolDef[] {
  if (!Array.isArray(body.tools)) return [];
  return body.tools.flatMap((tool) =>
    isRecord(tool) && Array.isArray(tool.functionDeclarations)
      ? tool.functionDeclarations.flatMap((f) =>
          isRecord(f) && typeof f.name === 'string'
            ? [{ name: f.name, parameters: f.parameters }]
            : [],
        )
      : [],
  );
}

function parseTurn(endpoint: Endpoint, body: unknown): Turn | string {
  if (!isRecord(body) || !Array.isArray(body.contents))
    return 'Invalid JSON payload received. Unknown name "contents": required field missing.';
  const contents = body.contents.filter(isRecord);
  const last = contents[contents.length - 1];
  const lastUser = [...contents].reverse().find((c) => c.role === undefined || c.role === 'user');
  const system = isRecord(body.systemInstruction) ? partsText(body.systemInstruction.parts) : '';
  const config = isRecord(body.generationConfig) ? body.generationConfig : {};
  const lastParts = Array.isArray(last?.parts) ? last.parts : [];
  return {
    model:
      endpoint.kind === 'chat' || endpoint.kind === 'count-tokens' ? (endpoint.model ?? '') : '',
    stream: endpoint.kind === 'chat' && endpoint.stream === true,
    promptText: [system, ...contents.map((c) => partsText(c.parts))].join('\n'),
    lastUserText: partsText(lastUser?.parts),
    lastIsToolResult: lastParts.some((p) => isRecord(p) && isRecord(p.functionResponse)),
    tools: tools(body),
    maxTokens: typeof config.maxOutputTokens === 'number' ? config.maxOutputTokens : undefined,
    outputSchema: config.responseJsonSchema ?? config.responseSchema,
    includeUsage: false,
    hasStreamOptions: false,
  };
}

const FINISH = { stop: 'STOP', length: 'MAX_TOKENS', tool: 'STOP' } as const;

/** Gemini generateContent: /v1beta/models/{m}:(stream)generateContent, embeddings, countTokens, models. */
export function geminiWire(): Wire {
  return {
    requestIdHeader: 'x-request-id',
    route(method, url) {
      if (method === 'GET' && /^\/(v1beta|v1)\/models\/?$/.test(url.pathname))
        return { kind: 'models' };
      const match = method === 'POST' ? ROUTE.exec(url.pathname) : null;
      if (!match) return undefined;
      const model = match[2];
      switch (match[3]) {
        case 'generateContent':
          return { kind: 'chat', model, stream: false };
        case 'streamGenerateContent':
          return {
            kind: 'chat',
            model,
            stream: true,
            jsonArray: url.searchParams.get('alt') !== 'sse',
          };
        case 'batchEmbedContents':
          return { kind: 'embeddings', model };
        case 'embedContent':
          return { kind: 'embeddings', model, single: true };
        default:
          return { kind: 'count-tokens', model };
      }
    },
    parseTurn,
    embeddingInputs(endpoint, body) {
      if (!isRecord(body)) return 'Invalid JSON payload received.';
      if (endpoint.kind === 'embeddings' && endpoint.single) {
        return isRecord(body.content)
          ? [partsText(body.content.parts)]
          : 'content: required field missing.';
      }
      if (!Array.isArray(body.requests)) return 'requests: required field missing.';
      return body.requests.map((r) =>
        isRecord(r) && isRecord(r.content) ? partsText(r.content.parts) : '',
      );
    },
    keyFrom: (headers, url) =>
      (typeof headers['x-goog-api-key'] === 'string' ? headers['x-goog-api-key'] : undefined) ??
      url.searchParams.get('key') ??
      bearer(headers),
    precheck: () => undefined,
    json(_endpoint, answer, turn, ctx) {
      return response(
        [
          ...thoughts(answer),
          ...(answer.toolCalls.length > 0 ? calls(answer, turn) : [{ text: answer.text }]),
        ],
        FINISH[answer.finish],
        usage(answer),
        turn,
        ctx.id,
      );
    },
    events(endpoint, answer, turn, ctx): WireEvent[] {
      const chunks: Array<{ payload: unknown; tokens: number }> = [];
      const pieces = splitText(answer.text, ctx.chunks);
      const partial = { promptTokenCount: answer.inputTokens, totalTokenCount: answer.inputTokens };
      if (answer.reasoning !== undefined)
        chunks.push({
          payload: response(thoughts(answer), undefined, partial, turn, ctx.id),
          tokens: estimateTokens(answer.reasoning),
        });
      pieces.forEach((piece, i) => {
        const lastText = i === pieces.length - 1 && answer.toolCalls.length === 0;
        chunks.push({
          payload: response(
            [{ text: piece }],
            lastText ? FINISH[answer.finish] : undefined,
            lastText ? usage(answer) : partial,
            turn,
            ctx.id,
          ),
          tokens: estimateTokens(piece),
        });
      });
      // Gemini sends a function call whole, in one chunk, and parallel calls side by side.
      if (answer.toolCalls.length > 0 || pieces.length === 0) {
        const parts = answer.toolCalls.length > 0 ? calls(answer, turn) : [{ text: '' }];
        chunks.push({
          payload: response(parts, FINISH[answer.finish], usage(answer), turn, ctx.id),
          tokens: answer.outputTokens,
        });
      }
      if (endpoint.kind === 'chat' && endpoint.jsonArray) {
        return chunks.map((c, i) => ({
          text: `${i === 0 ? '[' : ',\r\n'}${JSON.stringify(c.payload)}${i === chunks.length - 1 ? ']' : ''}`,
          tokens: c.tokens,
        }));
      }
      return chunks.map((c) => ({ text: sseData(c.payload), tokens: c.tokens }));
    },
    embeddings(inputs, _model, body) {
      const single = isRecord(body) && isRecord(body.content);
      const values = inputs.map((input) => ({ values: fakeVector(input) }));
      return single ? { embedding: values[0] } : { embeddings: values };
    },
    models: (ids) => ({
      models: ids.map((id) => ({
        name: `models/${id}`,
        version: '001',
        displayName: id,
        supportedGenerationMethods: ['generateContent', 'countTokens'],
      })),
    }),
    countTokens: (tokens) => ({ totalTokens: tokens }),
    error,
    streamError: (ctx) => sseData(streamErrorBody(ctx)),
    errorBody: streamErrorBody,
    malformed: () => 'data: {"candidates": [{"content": {"parts": [{"text": "oo\n\n',
  };
}

function streamErrorBody(_ctx: ErrorContext): unknown {
  return {
    error: {
      code: 500,
      message:
        'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
      status: 'INTERNAL',
    },
  };
}

/** Function calls; a thinking model signs each one (Gemini 3 wants the signature back). */
function calls(answer: Answer, turn: Turn): unknown[] {
  return answer.toolCalls.map((c) => ({
    functionCall: { name: c.name, args: c.args },
    ...(answer.reasoning !== undefined
      ? { thoughtSignature: `mock-sig:${turn.model}:${c.id}` }
      : {}),
  }));
}

function thoughts(answer: Answer): unknown[] {
  return answer.reasoning === undefined ? [] : [{ text: answer.reasoning, thought: true }];
}

function usage(answer: Answer) {
  return {
    promptTokenCount: answer.inputTokens,
    candidatesTokenCount: answer.outputTokens,
    totalTokenCount: answer.inputTokens + answer.outputTokens,
    ...(answer.cachedTokens > 0 ? { cachedContentTokenCount: answer.cachedTokens } : {}),
  };
}

function response(
  parts: unknown[],
  finishReason: string | undefined,
  usageMetadata: unknown,
  turn: Turn,
  id: string,
) {
  return {
    candidates: [
      { content: { parts, role: 'model' }, ...(finishReason ? { finishReason } : {}), index: 0 },
    ],
    usageMetadata,
    modelVersion: turn.model,
    responseId: id,
  };
}
