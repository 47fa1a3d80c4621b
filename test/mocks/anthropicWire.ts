import { contentText, splitJson, splitText, type ToolDef, type Turn } from './reply.ts';
import { estimateTokens, isRecord } from './util.ts';
import {
  BAD_GATEWAY,
  bearer,
  sseEvent,
  type ErrorContext,
  type ErrorReply,
  type Wire,
  type WireEvent,
} from './wire.ts';

function anthropicError(
  status: number,
  type: string,
  message: string,
  ctx: ErrorContext,
): ErrorReply {
  return {
    status,
    body: { type: 'error', error: { type, message }, request_id: `req_${ctx.requestId}` },
  };
}

function error(kind: Parameters<Wire['error']>[0], ctx: ErrorContext): ErrorReply {
  switch (kind) {
    case 'unauthorized':
      return anthropicError(
        401,
        'authentication_error',
        ctx.missingKey ? 'x-api-key header is required' : 'invalid x-api-key',
        ctx,
      );
    case 'rate-limit':
      return anthropicError(
        429,
        'rate_limit_error',
        `This request would exceed the rate limit for your organization (mock-org) of ${ctx.limit ?? 0} ${ctx.reason === 'tpm' || ctx.reason === 'tpd' ? 'input tokens' : 'requests'} per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later.`,
        ctx,
      );
    case 'overloaded':
      return anthropicError(529, 'overloaded_error', 'Overloaded', ctx);
    case 'server-error':
      if (ctx.status === 502) return BAD_GATEWAY;
      if (ctx.status === 503 || ctx.status === 504)
        return anthropicError(ctx.status, 'api_error', 'Service unavailable', ctx);
      return anthropicError(500, 'api_error', 'Internal server error', ctx);
    case 'insufficient-quota':
      return anthropicError(
        400,
        'invalid_request_error',
        'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
        ctx,
      );
    case 'context-length':
      return anthropicError(
        400,
        'invalid_request_error',
        `prompt is too long: ${ctx.inputTokens ?? 0} tokens > ${ctx.contextWindow ?? 0} maximum`,
        ctx,
      );
    case 'not-found':
      return anthropicError(404, 'not_found_error', ctx.message ?? `model: ${ctx.model}`, ctx);
    case 'bad-request':
      return anthropicError(400, 'invalid_request_error', ctx.message ?? 'Invalid request', ctx);
  }
}

function tools(body: Record<string, unknown>): ToolDef[] {
  if (!Array.isArray(body.tools)) return [];
  return body.tools.flatMap((tool) =>
    isRecord(tool) && typeof tool.name === 'string'
      ? [{ name: tool.name, parameters: tool.input_schema }]
      : [],
  );
}

/** `output_config.format`, or `output_format` as the structured-outputs beta spelled it. */
function outputSchema(body: Record<string, unknown>): unknown {
  const config = isRecord(body.output_config) ? body.output_config : {};
  const format = config.format ?? body.output_format;
  return isRecord(format) && format.type === 'json_schema' ? format.schema : undefined;
}

function parseTurn(_endpoint: unknown, body: unknown): Turn | string {
  if (!isRecord(body)) return 'Request body must be a JSON object';
  if (!Array.isArray(body.messages)) return 'messages: Field required';
  const messages = body.messages.filter(isRecord);
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const lastContent = lastUser?.content;
  const isToolResult =
    Array.isArray(lastContent) && lastContent.some((b) => isRecord(b) && b.type === 'tool_result');
  const system = contentText(body.system);
  return {
    model: typeof body.model === 'string' ? body.model : '',
    stream: body.stream === true,
    promptText: [system, ...messages.map((m) => contentText(m.content))].join('\n'),
    lastUserText: contentText(lastContent),
    lastIsToolResult: isToolResult && messages[messages.length - 1] === lastUser,
    tools: tools(body),
    maxTokens: typeof body.max_tokens === 'number' ? body.max_tokens : undefined,
    outputSchema: outputSchema(body),
    includeUsage: false,
    hasStreamOptions: false,
  };
}

const STOP = { stop: 'end_turn', length: 'max_tokens', tool: 'tool_use' } as const;

/** The signature the mock puts on its thinking: names the model, as a real one is bound to it. */
function signature(turn: Turn): string {
  return `mock-sig:${turn.model}`;
}

/** Anthropic Messages: POST /v1/messages (+ count_tokens), GET /v1/models, under the origin. */
export function anthropicWire(): Wire {
  return {
    requestIdHeader: 'request-id',
    route(method, url) {
      if (method === 'POST' && url.pathname === '/v1/messages') return { kind: 'chat' };
      if (method === 'POST' && url.pathname === '/v1/messages/count_tokens')
        return { kind: 'count-tokens' };
      if (
        method === 'GET' &&
        (url.pathname === '/v1/models' || url.pathname.startsWith('/v1/models/'))
      )
        return { kind: 'models' };
      return undefined;
    },
    parseTurn,
    embeddingInputs: () => 'Anthropic has no embeddings endpoint',
    keyFrom: (headers) =>
      typeof headers['x-api-key'] === 'string' ? headers['x-api-key'] : bearer(headers),
    precheck(headers, body, endpoint, ctx) {
      if (typeof headers['anthropic-version'] !== 'string') {
        return anthropicError(
          400,
          'invalid_request_error',
          'anthropic-version: header is required',
          ctx,
        );
      }
      if (endpoint.kind === 'chat' && isRecord(body) && typeof body.max_tokens !== 'number') {
        return anthropicError(400, 'invalid_request_error', 'max_tokens: Field required', ctx);
      }
      return undefined;
    },
    json(_endpoint, answer, turn, ctx) {
      const content: unknown[] = [];
      if (answer.reasoning !== undefined)
        content.push({ type: 'thinking', thinking: answer.reasoning, signature: signature(turn) });
      if (answer.toolCalls.length === 0) content.push({ type: 'text', text: answer.text });
      for (const call of answer.toolCalls)
        content.push({ type: 'tool_use', id: call.id, name: call.name, input: call.args });
      return {
        id: `msg_${ctx.id}`,
        type: 'message',
        role: 'assistant',
        model: turn.model,
        content,
        stop_reason: STOP[answer.finish],
        stop_sequence: null,
        usage: {
          input_tokens: answer.inputTokens - answer.cachedTokens,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: answer.cachedTokens,
          output_tokens: answer.outputTokens,
        },
      };
    },
    events(_endpoint, answer, turn, ctx): WireEvent[] {
      const out: WireEvent[] = [];
      const push = (name: string, payload: unknown, tokens = 0) =>
        out.push({ text: sseEvent(name, payload), tokens });
      push('message_start', {
        type: 'message_start',
        message: {
          id: `msg_${ctx.id}`,
          type: 'message',
          role: 'assistant',
          model: turn.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: {
            input_tokens: answer.inputTokens - answer.cachedTokens,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: answer.cachedTokens,
            output_tokens: 1,
          },
        },
      });
      let index = 0;
      if (answer.reasoning !== undefined) {
        push('content_block_start', {
          type: 'content_block_start',
          index,
          content_block: { type: 'thinking', thinking: '', signature: '' },
        });
        for (const piece of splitText(answer.reasoning)) {
          push(
            'content_block_delta',
            {
              type: 'content_block_delta',
              index,
              delta: { type: 'thinking_delta', thinking: piece },
            },
            estimateTokens(piece),
          );
        }
        push('content_block_delta', {
          type: 'content_block_delta',
          index,
          delta: { type: 'signature_delta', signature: signature(turn) },
        });
        push('content_block_stop', { type: 'content_block_stop', index });
        index += 1;
      }
      if (answer.toolCalls.length === 0) {
        push('content_block_start', {
          type: 'content_block_start',
          index,
          content_block: { type: 'text', text: '' },
        });
        push('ping', { type: 'ping' });
        for (const piece of splitText(answer.text, ctx.chunks)) {
          push(
            'content_block_delta',
            { type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } },
            estimateTokens(piece),
          );
        }
        push('content_block_stop', { type: 'content_block_stop', index });
        index += 1;
      } else {
        push('ping', { type: 'ping' });
      }
      for (const call of answer.toolCalls) {
        push('content_block_start', {
          type: 'content_block_start',
          index,
          content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} },
        });
        // The API opens with an empty partial_json, then cuts the JSON anywhere.
        for (const part of ['', ...splitJson(call.argsJson, 4)]) {
          push(
            'content_block_delta',
            {
              type: 'content_block_delta',
              index,
              delta: { type: 'input_json_delta', partial_json: part },
            },
            estimateTokens(part),
          );
        }
        push('content_block_stop', { type: 'content_block_stop', index });
        index += 1;
      }
      push('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: STOP[answer.finish], stop_sequence: null },
        usage: { output_tokens: answer.outputTokens },
      });
      push('message_stop', { type: 'message_stop' });
      return out;
    },
    embeddings: () => ({}),
    models: (ids) => ({
      data: ids.map((id) => ({
        type: 'model',
        id,
        display_name: id,
        created_at: '2025-01-01T00:00:00Z',
      })),
      has_more: false,
      first_id: ids[0] ?? null,
      last_id: ids[ids.length - 1] ?? null,
    }),
    countTokens: (tokens) => ({ input_tokens: tokens }),
    error,
    streamError: () =>
      sseEvent('error', {
        type: 'error',
        error: { type: 'overloaded_error', message: 'Overloaded' },
      }),
    errorBody: (ctx) => ({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
      request_id: `req_${ctx.requestId}`,
    }),
    malformed: () =>
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_de\n\n',
  };
}
