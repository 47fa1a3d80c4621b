/**
 * OpenAI Chat Completions → Anthropic Messages, for an OpenAI-format caller whose target speaks
 * Anthropic: the request one way, the response back (the stream is in anthropicTargetStream.ts).
 *
 * What does not carry over, on purpose:
 * - `seed`, `presence_penalty`, `frequency_penalty`, `logit_bias`, `reasoning_effort` and
 *   `tool_choice`'s `strict` flags have no Messages equivalent and are dropped.
 * - `temperature` is clamped to Anthropic's 0–1; `top_p` is dropped when `temperature` is set,
 *   because recent Claude models refuse the two together.
 * - `response_format` becomes a system instruction (best effort: Claude follows it, nothing
 *   enforces it). `n > 1`, `logprobs`, audio input, uploaded `file_id`s, custom tools and the
 *   legacy `function` role are refused with a 400 the caller can read.
 */
import type { AnthropicUsage, UpstreamMessage } from './anthropic.ts';
import { isKnownResponseBlock } from './anthropic.ts';
import type { Translated } from './common.ts';
import { invalidRequest, mapReason, parseDataUrl } from './common.ts';
import {
  assistantTexts,
  contentText,
  legacyFunctionRole,
  stopSequences,
  toolCallArguments,
  translateTools,
  translateEach,
  turnAppender,
  type RequestedTools,
} from './hubRequest.ts';
import type {
  ChatCompletion,
  ChatCompletionRequest,
  ChatMessage,
  FinishReason,
  ToolCall,
  Usage,
  UserContentPart,
} from './openai.ts';

/** `max_tokens` sent when the caller gave none: Anthropic requires one, OpenAI does not. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

type TextBlock = { type: 'text'; text: string; cache_control?: object };
type ImageBlock = {
  type: 'image';
  source: { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string };
};
type DocumentBlock = {
  type: 'document';
  source: { type: 'base64'; media_type: string; data: string };
};
type ToolUseBlock = { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };
type ToolResultBlock = { type: 'tool_result'; tool_use_id: string; content?: string };

export type AnthropicRequestBlock =
  TextBlock | ImageBlock | DocumentBlock | ToolUseBlock | ToolResultBlock;

export type AnthropicToolChoice =
  | { type: 'auto' | 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  | { type: 'none' };

/** The Messages request Switchyard sends upstream. */
export type AnthropicRequest = {
  model: string;
  max_tokens: number;
  messages: Array<{ role: 'user' | 'assistant'; content: AnthropicRequestBlock[] }>;
  system?: TextBlock[];
  tools?: Array<{ name: string; description?: string; input_schema: Record<string, unknown> }>;
  tool_choice?: AnthropicToolChoice;
  stop_sequences?: string[];
  temperature?: number;
  top_p?: number;
  stream?: boolean;
  metadata?: { user_id: string };
};

const TOOL_ID_INVALID = /[^a-zA-Z0-9_-]/g;

/**
 * Anthropic only takes tool ids matching `^[a-zA-Z0-9_-]+$`, while a history may hold ids minted
 * by other vendors; the same mapping is applied to `tool_use` and `tool_result`, so pairs match.
 */
export function anthropicToolId(id: string): string {
  return id === '' ? '_' : id.replace(TOOL_ID_INVALID, '_');
}

function textBlock(text: string, part?: { [key: string]: unknown }): TextBlock {
  const block: TextBlock = { type: 'text', text };
  const cache = part?.cache_control;
  if (typeof cache === 'object' && cache !== null) block.cache_control = cache;
  return block;
}

function textBlocks(
  content: string | Array<{ text: string; [key: string]: unknown }>,
): TextBlock[] {
  if (typeof content === 'string') return content === '' ? [] : [textBlock(content)];
  const blocks: TextBlock[] = [];
  for (const part of content) if (part.text !== '') blocks.push(textBlock(part.text, part));
  return blocks;
}

function userBlock(part: UserContentPart, at: string): Translated<AnthropicRequestBlock | null> {
  switch (part.type) {
    case 'text':
      return { ok: true, value: part.text === '' ? null : textBlock(part.text, part) };
    case 'image_url': {
      const url = part.image_url.url;
      const data = parseDataUrl(url);
      if (data !== null) {
        const source = { type: 'base64' as const, media_type: data.mediaType, data: data.data };
        return { ok: true, value: { type: 'image', source } };
      }
      if (/^https?:\/\//i.test(url)) {
        return { ok: true, value: { type: 'image', source: { type: 'url', url } } };
      }
      return invalidRequest('image_url.url must be an http(s) or base64 data: URL', at);
    }
    case 'file': {
      const data = part.file.file_data === undefined ? null : parseDataUrl(part.file.file_data);
      if (data === null) {
        return invalidRequest('Only files sent inline as base64 data: URLs can be translated', at);
      }
      const source = { type: 'base64' as const, media_type: data.mediaType, data: data.data };
      return { ok: true, value: { type: 'document', source } };
    }
    case 'input_audio':
      return invalidRequest('Audio input cannot be sent to an Anthropic model', at);
  }
}

function toolUseBlocks(
  calls: ReadonlyArray<{ id: string; function: { name: string; arguments: string } }>,
  at: string,
): Translated<ToolUseBlock[]> {
  return translateEach(calls, (call, i) => {
    const input = toolCallArguments(call, at, i);
    if (!input.ok) return input;
    const id = anthropicToolId(call.id);
    return {
      ok: true,
      value: { type: 'tool_use', id, name: call.function.name, input: input.value },
    };
  });
}

function translateMessages(
  source: ChatMessage[],
): Translated<Pick<AnthropicRequest, 'messages' | 'system'>> {
  const system: TextBlock[] = [];
  const messages: AnthropicRequest['messages'] = [];
  const append = turnAppender(
    messages,
    (turn) => turn.content,
    (role, content) => ({ role, content }),
  );
  for (const [i, message] of source.entries()) {
    const at = `messages[${i}]`;
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(...textBlocks(message.content));
        break;
      case 'user': {
        if (typeof message.content === 'string') {
          append('user', textBlocks(message.content));
          break;
        }
        const blocks = translateEach(message.content, (part, j) =>
          userBlock(part, `${at}.content[${j}]`),
        );
        if (!blocks.ok) return blocks;
        append('user', blocks.value);
        break;
      }
      case 'assistant': {
        const blocks: AnthropicRequestBlock[] = assistantTexts(message.content).map(
          ({ text, part }) => textBlock(text, part),
        );
        if (message.tool_calls) {
          const uses = toolUseBlocks(message.tool_calls, at);
          if (!uses.ok) return uses;
          blocks.push(...uses.value);
        }
        append('assistant', blocks);
        break;
      }
      case 'tool': {
        const text = contentText(message.content);
        const block: ToolResultBlock = {
          type: 'tool_result',
          tool_use_id: anthropicToolId(message.tool_call_id),
        };
        if (text !== '') block.content = text;
        append('user', [block]);
        break;
      }
      case 'function':
        return legacyFunctionRole(at);
    }
  }
  const value: Pick<AnthropicRequest, 'messages' | 'system'> = { messages };
  if (system.length > 0) value.system = system;
  return { ok: true, value };
}

function anthropicTools(
  { functions, choice }: RequestedTools,
  parallel: boolean | null | undefined,
): Pick<AnthropicRequest, 'tools' | 'tool_choice'> {
  const tools: NonNullable<AnthropicRequest['tools']> = [];
  for (const { name, description, parameters } of functions) {
    const input_schema =
      parameters === undefined
        ? { type: 'object', properties: {} }
        : parameters.type === undefined
          ? { type: 'object', ...parameters }
          : parameters;
    tools.push(
      description === undefined ? { name, input_schema } : { name, description, input_schema },
    );
  }
  const noParallel = parallel === false ? { disable_parallel_tool_use: true } : {};
  let tool_choice: AnthropicToolChoice;
  if (choice.mode === 'none') tool_choice = { type: 'none' };
  else if (choice.name !== undefined) {
    tool_choice = { type: 'tool', name: choice.name, ...noParallel };
  } else tool_choice = { type: choice.mode === 'required' ? 'any' : 'auto', ...noParallel };
  return { tools, tool_choice };
}

function formatInstruction(req: ChatCompletionRequest): string | null {
  const format = req.response_format;
  if (!format || format.type === 'text') return null;
  if (format.type === 'json_object') {
    return 'Reply with a single valid JSON object and nothing else: no prose, no code fences.';
  }
  const { name, schema } = format.json_schema;
  return (
    `Reply with a single JSON value that conforms to the JSON Schema "${name}" below, ` +
    `and nothing else: no prose, no code fences.\n${JSON.stringify(schema ?? {})}`
  );
}

/**
 * Translates a validated Chat Completions request into a Messages request for `model`.
 * System and developer messages become `system`; tool messages become `tool_result` blocks in
 * one user turn; consecutive turns of one role are merged, as Anthropic wants them alternating.
 */
export function openAiToAnthropicRequest(
  req: ChatCompletionRequest,
  model: string,
): Translated<AnthropicRequest> {
  if (req.n != null && req.n > 1) return invalidRequest('n > 1 is not supported by Anthropic', 'n');
  if (req.logprobs === true) {
    return invalidRequest('logprobs are not available from Anthropic', 'logprobs');
  }
  const translated = translateMessages(req.messages);
  if (!translated.ok) return translated;
  const tools = translateTools(req, 'Anthropic', (requested) =>
    anthropicTools(requested, req.parallel_tool_calls),
  );
  if (!tools.ok) return tools;
  const out: AnthropicRequest = {
    model,
    max_tokens: req.max_completion_tokens ?? req.max_tokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
    messages: translated.value.messages,
    ...tools.value,
  };
  const instruction = formatInstruction(req);
  const system = translated.value.system ?? [];
  if (instruction !== null) system.push(textBlock(instruction));
  if (system.length > 0) out.system = system;
  const stops = stopSequences(req);
  if (stops.length > 0) out.stop_sequences = stops;
  if (req.temperature != null) out.temperature = Math.min(req.temperature, 1);
  else if (req.top_p != null) out.top_p = req.top_p;
  if (req.stream) out.stream = true;
  if (req.user) out.metadata = { user_id: req.user };
  return { ok: true, value: out };
}

const ANTHROPIC_FINISH: Readonly<Record<string, FinishReason>> = {
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

/** Anthropic `stop_reason` → OpenAI `finish_reason` (PROVIDERS.md §1, litellm's map). */
export function anthropicFinishReason(reason: string | null | undefined): FinishReason | null {
  return mapReason(ANTHROPIC_FINISH, 'stop', reason);
}

/**
 * Anthropic usage → OpenAI usage. Anthropic counts cache reads and writes apart from
 * `input_tokens`; OpenAI's `prompt_tokens` is the whole prompt, cache reads included.
 */
export function anthropicUsageToOpenAi(usage: AnthropicUsage): Usage {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const prompt = usage.input_tokens + cacheRead + (usage.cache_creation_input_tokens ?? 0);
  return {
    prompt_tokens: prompt,
    completion_tokens: usage.output_tokens,
    total_tokens: prompt + usage.output_tokens,
    prompt_tokens_details: { cached_tokens: cacheRead },
  };
}

/**
 * Translates a Messages response into a Chat Completion. Text blocks are joined, `tool_use`
 * blocks become tool calls, thinking text becomes `reasoning_content`; server-tool blocks and
 * redacted thinking have no OpenAI form and are left out.
 */
export function anthropicToOpenAiResponse(
  message: UpstreamMessage,
  options: { created: number; model?: string },
): ChatCompletion {
  let text = '';
  let reasoning = '';
  const toolCalls: ToolCall[] = [];
  for (const block of message.content) {
    if (!isKnownResponseBlock(block)) continue;
    if (block.type === 'text') text += block.text;
    else if (block.type === 'thinking') reasoning += block.thinking;
    else if (block.type === 'tool_use') {
      toolCalls.push({
        id: block.id,
        type: 'function',
        function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
      });
    }
  }
  const result: ChatCompletion['choices'][number]['message'] = {
    role: 'assistant',
    content: text === '' && toolCalls.length > 0 ? null : text,
    refusal: null,
  };
  if (toolCalls.length > 0) result.tool_calls = toolCalls;
  if (reasoning !== '') result.reasoning_content = reasoning;
  return {
    id: message.id,
    object: 'chat.completion',
    created: options.created,
    model: options.model ?? message.model,
    choices: [
      {
        index: 0,
        message: result,
        finish_reason: anthropicFinishReason(message.stop_reason),
        logprobs: null,
      },
    ],
    usage: anthropicUsageToOpenAi(message.usage),
  };
}
