/**
 * Anthropic Messages callers (Claude Code, the Anthropic SDK) in front of non-Anthropic targets:
 * the Messages request → the OpenAI hub request, and an OpenAI response → a Messages response
 * (the stream is in anthropicInboundStream.ts).
 *
 * - Mid-conversation `role: "system"` messages (Claude Code) stay in place as system messages.
 * - `thinking` blocks go back as `reasoning_content` only to the model that wrote them
 *   (thinkingSignature.ts); Anthropic's own, redacted thinking and others' are dropped.
 *
 * - Structured outputs (`output_config.format`, the beta `output_format`) become
 *   `response_format` (structuredOutput.ts).
 *
 * What does not carry over, on purpose:
 * - The `thinking` setting, `cache_control`, `context_management` and other beta fields:
 *   OpenAI-format targets have no field for them. `top_k` is dropped (OpenAI refuses it).
 * - `output_config.effort`: `reasoning_effort` is its counterpart, but only reasoning models
 *   take it (gpt-4o-mini answers 400) and the catalog has no per-model flag saying which do.
 * - `tool_result.is_error` becomes an `Error: ` prefix on the tool message, the only place an
 *   OpenAI model can see it.
 * - Server tools (web search, code execution, …) and their blocks are left out (a tool_choice
 *   naming one is then left to the model); Files API images and documents by URL or file id
 *   become a one-line note; unmodelled block types give their text, if any. Nothing a caller
 *   sends is a reason for a 400 here: the translation drops what the target cannot take.
 * - Streaming requests ask for `stream_options.include_usage`, because an Anthropic stream
 *   must end with usage; a target that refuses `stream_options` has it stripped by its catalog
 *   entry's quirks.
 */
import type {
  AnthropicMessage,
  AnthropicUsage,
  ContentBlock,
  MessagesRequest,
  ResponseBlock,
  StopReason,
  ToolResultContent,
} from './anthropic.ts';
import { isKnownBlock } from './anthropic.ts';
import type { Translated } from './common.ts';
import { mapReason, parseJsonObject } from './common.ts';
import { anthropicResponseFormat } from './structuredOutput.ts';
import { readSignature, signThinking } from './thinkingSignature.ts';
import type {
  ChatCompletionRequest,
  ChatMessage,
  ChatTool,
  ToolCall,
  UpstreamChatCompletion,
  UserContentPart,
} from './openai.ts';

type Part = UserContentPart;

/** What a model is told in place of content it cannot be sent, so it knows something was there. */
function omitted(what: string): Part {
  return { type: 'text', text: `[${what} omitted: not available to this model]` };
}

/**
 * A user-side block as an OpenAI content part, or null for one that carries nothing a model
 * reads. Content no OpenAI-format model can take (Files API uploads, documents by URL) becomes
 * a short note; block types not modelled here give their text, if they have any.
 */
function userPart(block: ContentBlock | ToolResultContent): Part | null {
  if (!isKnownBlock(block)) {
    return typeof block.text === 'string' ? { type: 'text', text: block.text } : null;
  }
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text };
    case 'image': {
      const source = block.source;
      if (source.type === 'base64') {
        const url = `data:${source.media_type};base64,${source.data}`;
        return { type: 'image_url', image_url: { url } };
      }
      if (source.type === 'url') return { type: 'image_url', image_url: { url: source.url } };
      return omitted(`image ${source.file_id} from Anthropic's Files API`);
    }
    case 'document': {
      const { type, media_type, data, url } = block.source;
      if (type === 'text' && data !== undefined) return { type: 'text', text: data };
      if (type === 'base64' && data !== undefined) {
        const file: { file_data: string; filename?: string } = {
          file_data: `data:${media_type ?? 'application/pdf'};base64,${data}`,
        };
        if (block.title) file.filename = block.title;
        return { type: 'file', file };
      }
      const name = [block.title, url].filter(Boolean).join(' at ');
      return omitted(`document${name === '' ? '' : ` ${name}`} (a "${type}" source)`);
    }
    default:
      // thinking and redacted_thinking in a user turn, tool_use where it does not belong
      return null;
  }
}

/** Text parts alone become a string, which every OpenAI-compatible server accepts. */
function userContent(parts: Part[]): string | Part[] {
  if (parts.every((part) => part.type === 'text')) {
    return parts.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
  }
  return parts;
}

/**
 * A tool result as a `tool` message. OpenAI tool messages hold text only, so images and
 * documents in the result go to `media`, which the caller sends in the following user message.
 * `is_error` becomes an `Error: ` prefix, the only place an OpenAI model can see it.
 */
function toolMessage(
  block: Extract<ContentBlock, { type: 'tool_result' }>,
  media: Part[],
): ChatMessage {
  let text = '';
  if (typeof block.content === 'string') text = block.content;
  else if (block.content !== undefined) {
    const texts: string[] = [];
    for (const item of block.content) {
      const part = userPart(item);
      if (part?.type === 'text') texts.push(part.text);
      else if (part !== null) media.push(part);
    }
    text = texts.join('\n');
  }
  if (block.is_error === true) text = `Error: ${text}`;
  return { role: 'tool', tool_call_id: block.tool_use_id, content: text };
}

function translateUser(blocks: ContentBlock[], out: ChatMessage[]): void {
  const parts: Part[] = [];
  for (const block of blocks) {
    if (isKnownBlock(block) && block.type === 'tool_result') {
      out.push(toolMessage(block, parts));
      continue;
    }
    const part = userPart(block);
    if (part !== null) parts.push(part);
  }
  if (parts.length > 0) out.push({ role: 'user', content: userContent(parts) });
}

/**
 * An assistant turn. Thinking goes back only to the model that wrote it (see
 * thinkingSignature.ts): its text as `reasoning_content`, its signature payload as the Gemini
 * thought signature of the tool call that follows it. Server-tool blocks (`server_tool_use`,
 * `web_search_tool_result`, …) ran on Anthropic's side and are left out.
 */
function translateAssistant(
  blocks: ContentBlock[],
  out: ChatMessage[],
  target: string | undefined,
): void {
  let text = '';
  let reasoning = '';
  let signature: string | undefined;
  const toolCalls: ToolCall[] = [];
  for (const block of blocks) {
    if (!isKnownBlock(block)) continue;
    if (block.type === 'text') text += block.text;
    else if (block.type === 'tool_use') {
      const call: ToolCall = {
        id: block.id,
        type: 'function',
        function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
      };
      if (signature !== undefined)
        call.extra_content = { google: { thought_signature: signature } };
      signature = undefined;
      toolCalls.push(call);
    } else if (block.type === 'thinking') {
      const signed = readSignature(block.signature);
      if (signed === null || signed.producer !== target) continue;
      reasoning += block.thinking;
      if (signed.payload !== '') signature = signed.payload;
    }
  }
  const message: ChatMessage =
    toolCalls.length > 0
      ? { role: 'assistant', content: text === '' ? null : text, tool_calls: toolCalls }
      : { role: 'assistant', content: text };
  if (reasoning !== '') message.reasoning_content = reasoning;
  out.push(message);
}

/** Custom tools as functions. Anthropic's server tools (web search, …) run only there: left out. */
function translateTools(req: MessagesRequest): ChatTool[] {
  const tools: ChatTool[] = [];
  for (const tool of req.tools ?? []) {
    if ((tool.type ?? 'custom') !== 'custom' || tool.input_schema === undefined) continue;
    const fn: Extract<ChatTool, { type: 'function' }>['function'] = {
      name: tool.name,
      parameters: tool.input_schema,
    };
    if (tool.description !== undefined) fn.description = tool.description;
    tools.push({ type: 'function', function: fn });
  }
  return tools;
}

/** The text of a system prompt or system message; non-text blocks carry no instruction. */
function systemText(content: string | ContentBlock[]): string {
  if (typeof content === 'string') return content;
  return content
    .flatMap((block) => (isKnownBlock(block) && block.type === 'text' ? [block.text] : []))
    .join('\n\n');
}

/**
 * Translates a validated Messages request into the OpenAI hub request. `system` becomes the
 * first message; `tool_result` blocks become `tool` messages placed before the rest of their
 * user turn (OpenAI wants them right after the assistant's tool calls).
 */
export function anthropicToOpenAiRequest(
  req: MessagesRequest,
  options: { target?: string } = {},
): Translated<ChatCompletionRequest> {
  const messages: ChatMessage[] = [];
  if (req.system !== undefined) {
    const text = systemText(req.system);
    if (text !== '') messages.push({ role: 'system', content: text });
  }
  for (const message of req.messages) {
    if (message.role === 'system') {
      // Claude Code's mid-conversation system message stays where it was sent: OpenAI-format
      // models take system messages anywhere in the conversation.
      const text = systemText(message.content);
      if (text !== '') messages.push({ role: 'system', content: text });
      continue;
    }
    if (typeof message.content === 'string') {
      messages.push({ role: message.role, content: message.content });
      continue;
    }
    if (message.role === 'user') translateUser(message.content, messages);
    else translateAssistant(message.content, messages, options.target);
  }
  const tools = translateTools(req);
  const out: ChatCompletionRequest = { model: req.model, messages, max_tokens: req.max_tokens };
  if (tools.length > 0) out.tools = tools;
  const choice = req.tool_choice;
  // A choice naming a tool that was left out (a server tool), or any tool when none is left,
  // cannot be honoured: the model chooses.
  const honoured =
    choice !== undefined &&
    (choice.type === 'none' ||
      (tools.length > 0 &&
        (choice.type !== 'tool' ||
          tools.some((t) => t.type === 'function' && t.function.name === choice.name))));
  if (choice !== undefined && honoured) {
    if (choice.type === 'none') out.tool_choice = 'none';
    else if (choice.type === 'auto') out.tool_choice = 'auto';
    else if (choice.type === 'any') out.tool_choice = 'required';
    else out.tool_choice = { type: 'function', function: { name: choice.name } };
    if (choice.type !== 'none' && choice.disable_parallel_tool_use === true) {
      out.parallel_tool_calls = false;
    }
  }
  if (req.stop_sequences && req.stop_sequences.length > 0) out.stop = req.stop_sequences;
  if (req.temperature !== undefined) out.temperature = req.temperature;
  if (req.top_p !== undefined) out.top_p = req.top_p;
  if (req.metadata?.user_id) out.user = req.metadata.user_id;
  const responseFormat = anthropicResponseFormat(req);
  if (responseFormat !== undefined) out.response_format = responseFormat;
  if (req.stream === true) {
    out.stream = true;
    out.stream_options = { include_usage: true };
  }
  return { ok: true, value: out };
}

const OPENAI_STOP: Readonly<Record<string, StopReason>> = {
  length: 'max_tokens',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  content_filter: 'refusal',
};

/**
 * OpenAI `finish_reason` → Anthropic `stop_reason`. OpenAI does not say which stop sequence
 * matched, so `stop` is always `end_turn`, never `stop_sequence`.
 */
export function openAiStopReason(finish: string | null | undefined): StopReason | null {
  return mapReason(OPENAI_STOP, 'end_turn', finish);
}

/** OpenAI usage → Anthropic usage, where `input_tokens` excludes cache reads. */
export function openAiUsageToAnthropic(usage: UpstreamChatCompletion['usage']): AnthropicUsage {
  if (!usage) return { input_tokens: 0, output_tokens: 0 };
  const cached = usage.prompt_tokens_details?.cached_tokens ?? 0;
  return {
    input_tokens: Math.max(0, usage.prompt_tokens - cached),
    output_tokens: usage.completion_tokens,
    cache_read_input_tokens: cached,
  };
}

/** The Gemini thought signature a hub tool call carries, if any. */
export function toolCallSignature(call: object): string | undefined {
  const extra = (call as { extra_content?: { google?: { thought_signature?: unknown } } })
    .extra_content;
  const google = extra?.google;
  return typeof google?.thought_signature === 'string' ? google.thought_signature : undefined;
}

/**
 * Translates an OpenAI response into a Messages response. Reasoning text (`reasoning_content`,
 * or OpenRouter's `reasoning`) becomes a thinking block signed with its `producer` (see
 * thinkingSignature.ts); a tool call's Gemini thought signature travels in an empty thinking
 * block just before its `tool_use`. Arguments that are not a JSON object become `{}`, since
 * `input` must be an object.
 */
export function openAiToAnthropicResponse(
  response: UpstreamChatCompletion,
  options: { model?: string; producer?: string } = {},
): AnthropicMessage {
  const choice = response.choices[0];
  const content: ResponseBlock[] = [];
  const message = choice?.message;
  const sign = (payload?: string) =>
    options.producer === undefined ? '' : signThinking(options.producer, payload);
  const reasoning = message?.reasoning_content ?? message?.reasoning;
  if (reasoning) content.push({ type: 'thinking', thinking: reasoning, signature: sign() });
  if (message?.content) content.push({ type: 'text', text: message.content });
  for (const call of message?.tool_calls ?? []) {
    const input = parseJsonObject(call.function.arguments) ?? {};
    const signature = toolCallSignature(call);
    if (signature !== undefined && options.producer !== undefined)
      content.push({ type: 'thinking', thinking: '', signature: sign(signature) });
    content.push({ type: 'tool_use', id: call.id, name: call.function.name, input });
  }
  const hasTools = (message?.tool_calls?.length ?? 0) > 0;
  const stop = openAiStopReason(choice?.finish_reason);
  return {
    id: response.id,
    type: 'message',
    role: 'assistant',
    model: options.model ?? response.model,
    content,
    stop_reason: hasTools && stop === 'end_turn' ? 'tool_use' : stop,
    stop_sequence: null,
    usage: openAiUsageToAnthropic(response.usage),
  };
}
