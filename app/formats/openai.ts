/**
 * OpenAI's wire format, the hub every translation goes through: the inbound request schemas
 * (Chat Completions, legacy Completions, Embeddings), the response and stream chunk types. The
 * error bodies OpenAI SDKs understand and the stream's `data:` lines are openaiWire.ts.
 *
 * Request schemas are loose: fields this file does not name are kept, because an OpenAI-format
 * target gets them as sent. They check shapes, not vendor limits (temperature ranges and the
 * like differ between vendors, and the target answers for its own).
 */
import { z } from 'zod';
import type { StreamError } from './common.ts';

const TextPartSchema = z.looseObject({ type: z.literal('text'), text: z.string() });

const ImageUrlPartSchema = z.looseObject({
  type: z.literal('image_url'),
  image_url: z.looseObject({
    url: z.string().min(1, 'image_url.url must not be empty'),
    detail: z.string().optional(),
  }),
});

const InputAudioPartSchema = z.looseObject({
  type: z.literal('input_audio'),
  input_audio: z.looseObject({ data: z.string(), format: z.string() }),
});

const FilePartSchema = z.looseObject({
  type: z.literal('file'),
  file: z.looseObject({
    file_data: z.string().optional(),
    file_id: z.string().optional(),
    filename: z.string().optional(),
  }),
});

const RefusalPartSchema = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });

const UserPartSchema = z.discriminatedUnion('type', [
  TextPartSchema,
  ImageUrlPartSchema,
  InputAudioPartSchema,
  FilePartSchema,
]);

const ToolCallSchema = z.looseObject({
  id: z.string(),
  type: z.literal('function'),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});

const TextContentSchema = z.union([z.string(), z.array(TextPartSchema)]);

const MessageSchema = z.discriminatedUnion('role', [
  z.looseObject({
    role: z.literal('system'),
    content: TextContentSchema,
    name: z.string().optional(),
  }),
  z.looseObject({
    role: z.literal('developer'),
    content: TextContentSchema,
    name: z.string().optional(),
  }),
  z.looseObject({
    role: z.literal('user'),
    content: z.union([z.string(), z.array(UserPartSchema)]),
    name: z.string().optional(),
  }),
  z.looseObject({
    role: z.literal('assistant'),
    content: z
      .union([
        z.string(),
        z.array(z.discriminatedUnion('type', [TextPartSchema, RefusalPartSchema])),
      ])
      .nullish(),
    tool_calls: z.array(ToolCallSchema).nullish(),
    refusal: z.string().nullish(),
    name: z.string().optional(),
  }),
  z.looseObject({
    role: z.literal('tool'),
    content: TextContentSchema,
    tool_call_id: z.string(),
  }),
  z.looseObject({
    role: z.literal('function'),
    name: z.string(),
    content: z.string().nullable(),
  }),
]);

const FunctionToolSchema = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});

const NamedFunctionSchema = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({ name: z.string() }),
});

const ToolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  NamedFunctionSchema,
  z.looseObject({
    type: z.literal('allowed_tools'),
    allowed_tools: z.looseObject({
      mode: z.enum(['auto', 'required']),
      tools: z.array(NamedFunctionSchema),
    }),
  }),
  z.looseObject({ type: z.literal('custom'), custom: z.looseObject({ name: z.string() }) }),
]);

const ResponseFormatSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    json_schema: z.looseObject({
      name: z.string(),
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

const TokenCount = z.int().positive();
const StopSchema = z.union([z.string(), z.array(z.string())]);
const StreamOptionsSchema = z.looseObject({ include_usage: z.boolean().optional() });

/** An inbound `POST /v1/chat/completions` body. */
export const ChatCompletionRequestSchema = z.looseObject({
  model: z.string().min(1, 'model must not be empty'),
  messages: z.array(MessageSchema).min(1, 'messages must not be empty'),
  stream: z.boolean().nullish(),
  stream_options: StreamOptionsSchema.nullish(),
  max_tokens: TokenCount.nullish(),
  max_completion_tokens: TokenCount.nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  n: z.int().min(1).nullish(),
  stop: StopSchema.nullish(),
  tools: z
    .array(
      z.discriminatedUnion('type', [
        FunctionToolSchema,
        z.looseObject({ type: z.literal('custom'), custom: z.looseObject({ name: z.string() }) }),
      ]),
    )
    .nullish(),
  tool_choice: ToolChoiceSchema.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  response_format: ResponseFormatSchema.nullish(),
  user: z.string().nullish(),
  seed: z.int().nullish(),
  presence_penalty: z.number().nullish(),
  frequency_penalty: z.number().nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.int().nullish(),
  logit_bias: z.record(z.string(), z.number()).nullish(),
  reasoning_effort: z.string().nullish(),
});
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequestSchema>;
export type ChatMessage = ChatCompletionRequest['messages'][number];
export type UserContentPart = z.infer<typeof UserPartSchema>;
export type ChatTool = NonNullable<ChatCompletionRequest['tools']>[number];
export type ToolChoice = z.infer<typeof ToolChoiceSchema>;
export type ResponseFormat = z.infer<typeof ResponseFormatSchema>;

/** An inbound `POST /v1/completions` (legacy) body. */
export const CompletionRequestSchema = z.looseObject({
  model: z.string().min(1, 'model must not be empty'),
  prompt: z.union([z.string(), z.array(z.string()), z.array(z.int()), z.array(z.array(z.int()))]),
  stream: z.boolean().nullish(),
  stream_options: StreamOptionsSchema.nullish(),
  max_tokens: TokenCount.nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  n: z.int().min(1).nullish(),
  stop: StopSchema.nullish(),
  suffix: z.string().nullish(),
  echo: z.boolean().nullish(),
  best_of: z.int().nullish(),
  logprobs: z.int().nullish(),
  presence_penalty: z.number().nullish(),
  frequency_penalty: z.number().nullish(),
  logit_bias: z.record(z.string(), z.number()).nullish(),
  seed: z.int().nullish(),
  user: z.string().nullish(),
});
export type CompletionRequest = z.infer<typeof CompletionRequestSchema>;

/** An inbound `POST /v1/embeddings` body. */
export const EmbeddingsRequestSchema = z.looseObject({
  model: z.string().min(1, 'model must not be empty'),
  input: z.union([
    z.string(),
    z.array(z.string()).min(1, 'input must not be empty'),
    z.array(z.int()).min(1, 'input must not be empty'),
    z.array(z.array(z.int())).min(1, 'input must not be empty'),
  ]),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.int().positive().optional(),
  user: z.string().optional(),
});
export type EmbeddingsRequest = z.infer<typeof EmbeddingsRequestSchema>;

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

/**
 * A tool call in a response. `extra_content.google.thought_signature` is how Gemini's own
 * OpenAI-compatible endpoint hands out thought signatures; clients that echo the message back
 * return it, and the Gemini translator sends it on again.
 */
export type ToolCall = {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
  extra_content?: { google?: { thought_signature?: string } };
};

export type Usage = {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number };
  completion_tokens_details?: { reasoning_tokens?: number };
};

/**
 * The assistant message of a response. `reasoning_content` carries thinking text the way
 * DeepSeek, vLLM and others do; OpenAI itself never sends it.
 */
export type ResponseMessage = {
  role: 'assistant';
  content: string | null;
  refusal: string | null;
  tool_calls?: ToolCall[];
  reasoning_content?: string;
};

export type ChatCompletion = {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: ResponseMessage;
    finish_reason: FinishReason | null;
    logprobs: null;
  }>;
  usage?: Usage;
};

export type ToolCallDelta = {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
  extra_content?: ToolCall['extra_content'];
};

export type ChunkDelta = {
  role?: 'assistant';
  content?: string | null;
  refusal?: string | null;
  reasoning_content?: string | null;
  tool_calls?: ToolCallDelta[];
};

export type ChatCompletionChunk = {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    delta: ChunkDelta;
    finish_reason: FinishReason | null;
    logprobs?: null;
  }>;
  usage?: Usage | null;
};

/** What a stream translator hands the caller: a chunk to send, or the error ending the stream. */
export type OpenAiStreamItem = ChatCompletionChunk | StreamError;

/** An upstream OpenAI-format response body, checked at the edge before it is translated. */
export const ChatCompletionSchema = z.looseObject({
  id: z.string(),
  model: z.string(),
  created: z.number().optional(),
  choices: z.array(
    z.looseObject({
      index: z.int(),
      message: z.looseObject({
        content: z.string().nullish(),
        refusal: z.string().nullish(),
        reasoning_content: z.string().nullish(),
        reasoning: z.string().nullish(),
        tool_calls: z.array(ToolCallSchema).nullish(),
      }),
      finish_reason: z.string().nullish(),
    }),
  ),
  usage: z
    .looseObject({
      prompt_tokens: z.number(),
      completion_tokens: z.number(),
      total_tokens: z.number().optional(),
      prompt_tokens_details: z.looseObject({ cached_tokens: z.number().nullish() }).nullish(),
    })
    .nullish(),
});
export type UpstreamChatCompletion = z.infer<typeof ChatCompletionSchema>;
