/**
 * Anthropic's Messages wire format: the inbound request schema, the response and stream event
 * types, the error body, and the mapping between its error types and HTTP statuses.
 *
 * Content blocks are an open set: block types this file does not know (new server tools and the
 * like) are accepted as `OtherBlock`, so a request passed through to Anthropic is not refused for
 * a block Anthropic itself understands; a translator that meets one says it cannot translate it.
 * Known block types are fully checked.
 */
import { z } from 'zod';
import { encodeSseEvent } from './sse.ts';

/** A content block of a type this module does not model. */
export type OtherBlock = { type: string; [key: string]: unknown };

/**
 * Accepts any object with a string `type`, and checks the ones whose type `known` models with
 * `known`'s rules. The output type is honest: a value of an unmodelled type is an `OtherBlock`.
 */
function openUnion<K extends z.ZodType<{ type: string }>>(
  known: K,
  types: readonly string[],
): z.ZodType<z.output<K> | OtherBlock> {
  const knownTypes = new Set(types);
  return z.looseObject({ type: z.string() }).superRefine((block, ctx) => {
    if (!knownTypes.has(block.type)) return;
    const result = known.safeParse(block);
    if (result.success) return;
    for (const issue of result.error.issues) {
      ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path, input: block });
    }
  });
}

const CacheControl = z.looseObject({ type: z.string() }).nullish();

const TextBlockSchema = z.looseObject({
  type: z.literal('text'),
  text: z.string(),
  cache_control: CacheControl,
});

const ImageBlockSchema = z.looseObject({
  type: z.literal('image'),
  source: z.discriminatedUnion('type', [
    z.looseObject({ type: z.literal('base64'), media_type: z.string(), data: z.string() }),
    z.looseObject({ type: z.literal('url'), url: z.string() }),
    z.looseObject({ type: z.literal('file'), file_id: z.string() }),
  ]),
  cache_control: CacheControl,
});

const DocumentBlockSchema = z.looseObject({
  type: z.literal('document'),
  source: z.looseObject({
    type: z.string(),
    media_type: z.string().optional(),
    data: z.string().optional(),
    url: z.string().optional(),
  }),
  title: z.string().nullish(),
});

const ToolResultContentSchema = openUnion(
  z.discriminatedUnion('type', [TextBlockSchema, ImageBlockSchema, DocumentBlockSchema]),
  ['text', 'image', 'document'],
);

const KNOWN_BLOCK_TYPES = [
  'text',
  'image',
  'document',
  'tool_use',
  'tool_result',
  'thinking',
  'redacted_thinking',
] as const;

const KnownBlockSchema = z.discriminatedUnion('type', [
  TextBlockSchema,
  ImageBlockSchema,
  DocumentBlockSchema,
  z.looseObject({
    type: z.literal('tool_use'),
    id: z.string(),
    name: z.string(),
    input: z.unknown(),
  }),
  z.looseObject({
    type: z.literal('tool_result'),
    tool_use_id: z.string(),
    content: z.union([z.string(), z.array(ToolResultContentSchema)]).optional(),
    is_error: z.boolean().optional(),
  }),
  z.looseObject({ type: z.literal('thinking'), thinking: z.string(), signature: z.string() }),
  z.looseObject({ type: z.literal('redacted_thinking'), data: z.string() }),
]);
export type KnownBlock = z.infer<typeof KnownBlockSchema>;
export type ContentBlock = KnownBlock | OtherBlock;
export type ToolResultContent = z.infer<typeof ToolResultContentSchema>;

const KNOWN_SET: ReadonlySet<string> = new Set(KNOWN_BLOCK_TYPES);

/** Whether a validated block is one of the modelled types (narrows away `OtherBlock`). */
export function isKnownBlock(block: ContentBlock): block is KnownBlock {
  return KNOWN_SET.has(block.type);
}

const ToolSchema = z
  .looseObject({
    name: z.string().min(1),
    type: z.string().nullish(),
    description: z.string().optional(),
    input_schema: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((tool) => (tool.type ?? 'custom') !== 'custom' || tool.input_schema !== undefined, {
    message: 'a custom tool needs an input_schema',
    path: ['input_schema'],
  });

const ToolChoiceSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({
    type: z.literal('tool'),
    name: z.string(),
    disable_parallel_tool_use: z.boolean().optional(),
  }),
  z.looseObject({ type: z.literal('none') }),
]);

/**
 * The fields a Messages request and a token count share. `role: "system"` inside `messages` is
 * Claude Code's mid-conversation system message (beta `mid-conversation-system-2026-04-07`).
 * Beta fields (`context_management`, `output_config`, …) are kept by the loose object.
 */
const MessagesShape = {
  model: z.string().min(1, 'model must not be empty'),
  messages: z
    .array(
      z.looseObject({
        role: z.enum(['user', 'assistant', 'system']),
        content: z.union([z.string(), z.array(openUnion(KnownBlockSchema, KNOWN_BLOCK_TYPES))]),
      }),
    )
    .min(1, 'messages must not be empty'),
  system: z.union([z.string(), z.array(TextBlockSchema)]).optional(),
  tools: z.array(ToolSchema).optional(),
  tool_choice: ToolChoiceSchema.optional(),
  stop_sequences: z.array(z.string()).optional(),
  temperature: z.number().optional(),
  top_p: z.number().optional(),
  top_k: z.int().optional(),
  stream: z.boolean().optional(),
  metadata: z.looseObject({ user_id: z.string().nullish() }).optional(),
  thinking: z.looseObject({ type: z.string(), budget_tokens: z.int().optional() }).optional(),
};

/** An inbound `POST /v1/messages` body. */
export const MessagesRequestSchema = z.looseObject({
  ...MessagesShape,
  max_tokens: z.int().positive(),
});
export type MessagesRequest = z.infer<typeof MessagesRequestSchema>;

/** An inbound `POST /v1/messages/count_tokens` body: a Messages request without `max_tokens`. */
export const CountTokensRequestSchema = z.looseObject(MessagesShape);
export type CountTokensRequest = z.infer<typeof CountTokensRequestSchema>;

export type StopReason =
  | 'end_turn'
  | 'max_tokens'
  | 'stop_sequence'
  | 'tool_use'
  | 'pause_turn'
  | 'refusal'
  | 'model_context_window_exceeded';

export type AnthropicUsage = {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
};

export type ResponseBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'thinking'; thinking: string; signature: string };

/** A Messages response as Switchyard sends it to an Anthropic-format caller. */
export type AnthropicMessage = {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ResponseBlock[];
  stop_reason: StopReason | null;
  stop_sequence: string | null;
  usage: AnthropicUsage;
};

const RESPONSE_BLOCK_TYPES = ['text', 'tool_use', 'thinking'] as const;
const RESPONSE_SET: ReadonlySet<string> = new Set(RESPONSE_BLOCK_TYPES);

const KnownResponseBlockSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text'), text: z.string() }),
  z.looseObject({
    type: z.literal('tool_use'),
    id: z.string(),
    name: z.string(),
    input: z.unknown(),
  }),
  z.looseObject({ type: z.literal('thinking'), thinking: z.string() }),
]);
type KnownResponseBlock = z.infer<typeof KnownResponseBlockSchema>;

/** Whether a validated upstream response block is text, tool use or thinking. */
export function isKnownResponseBlock(
  block: KnownResponseBlock | OtherBlock,
): block is KnownResponseBlock {
  return RESPONSE_SET.has(block.type);
}

/** An upstream Messages response body, checked at the edge before it is translated. */
export const MessageResponseSchema = z.looseObject({
  id: z.string(),
  model: z.string(),
  content: z.array(openUnion(KnownResponseBlockSchema, RESPONSE_BLOCK_TYPES)),
  stop_reason: z.string().nullish(),
  stop_sequence: z.string().nullish(),
  usage: z.looseObject({
    input_tokens: z.number(),
    output_tokens: z.number(),
    cache_creation_input_tokens: z.number().nullish(),
    cache_read_input_tokens: z.number().nullish(),
  }),
});
export type UpstreamMessage = z.infer<typeof MessageResponseSchema>;

export type ContentBlockStart =
  | { type: 'text'; text: '' }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, never> }
  | { type: 'thinking'; thinking: ''; signature: '' };

export type ContentBlockDelta =
  | { type: 'text_delta'; text: string }
  | { type: 'input_json_delta'; partial_json: string }
  | { type: 'thinking_delta'; thinking: string }
  | { type: 'signature_delta'; signature: string };

/** The events of a Messages stream; each is sent as `event: <type>` with itself as data. */
export type AnthropicStreamEvent =
  | { type: 'message_start'; message: AnthropicMessage }
  | { type: 'content_block_start'; index: number; content_block: ContentBlockStart }
  | { type: 'content_block_delta'; index: number; delta: ContentBlockDelta }
  | { type: 'content_block_stop'; index: number }
  | {
      type: 'message_delta';
      delta: { stop_reason: StopReason | null; stop_sequence: string | null };
      usage: AnthropicUsage;
    }
  | { type: 'message_stop' }
  | { type: 'ping' }
  | { type: 'error'; error: { type: string; message: string } };

/** The body of an Anthropic-format error response (and the data of an `error` stream event). */
export function anthropicErrorBody(
  type: string,
  message: string,
): { type: 'error'; error: { type: string; message: string } } {
  return { type: 'error', error: { type, message } };
}

/**
 * Encodes one stream event as Anthropic sends it: named after its type. A text delta, nearly every
 * event of a translated stream, is written from a template with only its text serialized: the
 * same bytes as serializing the whole event, for less work per token.
 */
export function encodeAnthropicEvent(event: AnthropicStreamEvent): string {
  if (event.type === 'content_block_delta' && event.delta.type === 'text_delta')
    return `event: content_block_delta\ndata: {"type":"content_block_delta","index":${event.index},"delta":{"type":"text_delta","text":${JSON.stringify(event.delta.text)}}}\n\n`;
  return encodeSseEvent({ event: event.type, data: JSON.stringify(event) });
}

const STATUS_BY_ERROR_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/** The HTTP status Anthropic uses for an error type (docs.claude.com/en/api/errors). */
export function anthropicErrorStatus(type: string): number {
  return STATUS_BY_ERROR_TYPE[type] ?? 500;
}

/** The Anthropic error type for an HTTP status, for errors that started in another format. */
export function anthropicErrorType(status: number): string {
  switch (status) {
    case 400:
    case 422:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 503:
    case 529:
      return 'overloaded_error';
    case 504:
      return 'timeout_error';
    default:
      return status >= 400 && status < 500 ? 'invalid_request_error' : 'api_error';
  }
}
