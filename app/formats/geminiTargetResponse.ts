/**
 * Gemini `generateContent` response and `streamGenerateContent?alt=sse` stream → OpenAI Chat
 * Completions. Only the first candidate is read (the request translator refuses `n > 1`).
 */
import type { StreamError } from './common.ts';
import { malformedStream, mapReason, truncatedStream } from './common.ts';
import type { GenerateContentResponse, GeminiResponsePart, GeminiUsageMetadata } from './gemini.ts';
import { geminiStreamError, GenerateContentResponseSchema } from './gemini.ts';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChunkDelta,
  FinishReason,
  OpenAiStreamItem,
  ToolCall,
  Usage,
} from './openai.ts';
import type { SseEvent } from './sse.ts';

const GEMINI_FINISH: Readonly<Record<string, FinishReason | null>> = {
  FINISH_REASON_UNSPECIFIED: null,
  MAX_TOKENS: 'length',
  SAFETY: 'content_filter',
  RECITATION: 'content_filter',
  BLOCKLIST: 'content_filter',
  PROHIBITED_CONTENT: 'content_filter',
  SPII: 'content_filter',
  OTHER: 'content_filter',
  LANGUAGE: 'content_filter',
  IMAGE_SAFETY: 'content_filter',
  IMAGE_PROHIBITED_CONTENT: 'content_filter',
};

/** Gemini `finishReason` → OpenAI `finish_reason` (PROVIDERS.md §1, litellm's map). */
export function geminiFinishReason(reason: string | undefined): FinishReason | null {
  return mapReason(GEMINI_FINISH, 'stop', reason);
}

/**
 * Gemini usage → OpenAI usage. Gemini counts thinking apart from `candidatesTokenCount` and
 * tool-use prompts apart from `promptTokenCount`; OpenAI's totals include both.
 */
export function geminiUsageToOpenAi(usage: GeminiUsageMetadata): Usage {
  const thoughts = usage.thoughtsTokenCount ?? 0;
  const prompt = (usage.promptTokenCount ?? 0) + (usage.toolUsePromptTokenCount ?? 0);
  const completion = (usage.candidatesTokenCount ?? 0) + thoughts;
  const result: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: usage.totalTokenCount ?? prompt + completion,
    prompt_tokens_details: { cached_tokens: usage.cachedContentTokenCount ?? 0 },
  };
  if (thoughts > 0) result.completion_tokens_details = { reasoning_tokens: thoughts };
  return result;
}

function toolCall(part: GeminiResponsePart, newId: () => string): ToolCall | null {
  const call = part.functionCall;
  if (call === undefined) return null;
  const result: ToolCall = {
    id: newId(),
    type: 'function',
    function: { name: call.name, arguments: JSON.stringify(call.args ?? {}) },
  };
  if (part.thoughtSignature !== undefined) {
    result.extra_content = { google: { thought_signature: part.thoughtSignature } };
  }
  return result;
}

/** Where the finish reason comes from, with STOP after a function call read as `tool_calls`. */
function finishOf(reason: string | undefined, sawToolCall: boolean): FinishReason | null {
  const mapped = geminiFinishReason(reason);
  return mapped === 'stop' && sawToolCall ? 'tool_calls' : mapped;
}

export type GeminiToOpenAiOptions = {
  /** Unix seconds for `created`. */
  created: number;
  /** Makes a tool call id; Gemini's calls have none that OpenAI clients could echo back. */
  toolCallId: () => string;
  /** The response id when Gemini sends no `responseId`. */
  id: string;
  /** The model name the caller sees; defaults to Gemini's `modelVersion`. */
  model?: string;
};

/**
 * Translates a `generateContent` response. Text parts are joined, thought parts become
 * `reasoning_content`, function calls become tool calls (with their thought signature in
 * `extra_content`); a prompt blocked by `promptFeedback.blockReason` ends as `content_filter`.
 */
export function geminiToOpenAiResponse(
  response: GenerateContentResponse,
  options: GeminiToOpenAiOptions,
): ChatCompletion {
  const candidate = response.candidates?.[0];
  let text = '';
  let reasoning = '';
  const toolCalls: ToolCall[] = [];
  for (const part of candidate?.content?.parts ?? []) {
    const call = toolCall(part, options.toolCallId);
    if (call !== null) toolCalls.push(call);
    else if (part.text !== undefined) {
      if (part.thought === true) reasoning += part.text;
      else text += part.text;
    }
  }
  const blocked = candidate === undefined && response.promptFeedback?.blockReason !== undefined;
  const message: ChatCompletion['choices'][number]['message'] = {
    role: 'assistant',
    content: blocked || (text === '' && toolCalls.length > 0) ? null : text,
    refusal: null,
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (reasoning !== '') message.reasoning_content = reasoning;
  const completion: ChatCompletion = {
    id: response.responseId ?? options.id,
    object: 'chat.completion',
    created: options.created,
    model: options.model ?? response.modelVersion ?? '',
    choices: [
      {
        index: 0,
        message,
        finish_reason: blocked
          ? 'content_filter'
          : finishOf(candidate?.finishReason, toolCalls.length > 0),
        logprobs: null,
      },
    ],
  };
  if (response.usageMetadata) completion.usage = geminiUsageToOpenAi(response.usageMetadata);
  return completion;
}

/**
 * Feed it the events of a `streamGenerateContent?alt=sse` stream (each `data:` is a whole
 * `GenerateContentResponse`; there is no `[DONE]`); it returns OpenAI chunks. Function calls
 * arrive whole, so each becomes one complete tool call delta. A chunk with `error` becomes a
 * `StreamError`. Since Gemini has no end marker, the usage chunk (when asked for) is sent by
 * `end()`, and a stream that ends without any `finishReason` is reported as truncated.
 */
export class GeminiToOpenAiStream {
  readonly #options: GeminiToOpenAiOptions;
  readonly #includeUsage: boolean;
  #id: string;
  #model: string;
  #started = false;
  #tools = 0;
  #usage: GeminiUsageMetadata | undefined = undefined;
  #finish: FinishReason | null = null;
  #state: 'open' | 'finished' | 'failed' = 'open';

  constructor(options: GeminiToOpenAiOptions & { includeUsage: boolean }) {
    this.#options = options;
    this.#includeUsage = options.includeUsage;
    this.#id = options.id;
    this.#model = options.model ?? '';
  }

  /** The usage Gemini last reported, in OpenAI's terms; null before any. */
  get usage(): Usage | null {
    return this.#usage === undefined ? null : geminiUsageToOpenAi(this.#usage);
  }

  /** The finish reason, once Gemini has sent one. */
  get finishReason(): FinishReason | null {
    return this.#finish;
  }

  /** Translates one event. After a failure, events are ignored. */
  push(event: SseEvent): OpenAiStreamItem[] {
    if (this.#state === 'failed') return [];
    let raw: unknown;
    try {
      raw = JSON.parse(event.data);
    } catch {
      return this.#fail(malformedStream('Gemini'));
    }
    if (typeof raw !== 'object' || raw === null) return this.#fail(malformedStream('Gemini'));
    if ((raw as { error?: unknown }).error !== undefined) {
      return this.#fail(geminiStreamError((raw as { error?: unknown }).error));
    }
    // Each chunk is checked at this edge, so the translation below can trust its shape.
    const parsed = GenerateContentResponseSchema.safeParse(raw);
    if (!parsed.success) return this.#fail(malformedStream('Gemini'));
    const chunk: GenerateContentResponse = parsed.data;
    if (chunk.usageMetadata) this.#usage = chunk.usageMetadata;
    if (this.#state === 'finished') return [];
    const items: OpenAiStreamItem[] = [];
    if (!this.#started) {
      this.#started = true;
      if (chunk.responseId !== undefined) this.#id = chunk.responseId;
      if (this.#model === '' && chunk.modelVersion !== undefined) this.#model = chunk.modelVersion;
      items.push(this.#chunk({ role: 'assistant', content: '' }));
    }
    const candidate = chunk.candidates?.[0];
    if (candidate === undefined) {
      if (chunk.promptFeedback?.blockReason !== undefined)
        this.#finishWith('content_filter', items);
      return items;
    }
    const delta = this.#delta(candidate.content?.parts);
    if (delta !== null) items.push(this.#chunk(delta));
    const finish = finishOf(candidate.finishReason, this.#tools > 0);
    if (finish !== null) this.#finishWith(finish, items);
    return items;
  }

  /** Call when the upstream body ends: sends the usage chunk, or reports truncation. */
  end(): OpenAiStreamItem[] {
    if (this.#state === 'failed') return [];
    if (this.#state === 'open') return this.#fail(truncatedStream('Gemini'));
    const usage = this.usage;
    if (!this.#includeUsage || usage === null) return [];
    return [
      {
        id: this.#id,
        object: 'chat.completion.chunk',
        created: this.#options.created,
        model: this.#model,
        choices: [],
        usage,
      },
    ];
  }

  #delta(parts: GeminiResponsePart[] | undefined): ChunkDelta | null {
    if (parts === undefined || parts.length === 0) return null;
    let content: string | undefined;
    let reasoning: string | undefined;
    let calls: ChunkDelta['tool_calls'];
    for (const part of parts) {
      const call = toolCall(part, this.#options.toolCallId);
      if (call !== null) {
        (calls ??= []).push({ index: this.#tools++, ...call });
      } else if (part.text !== undefined && part.text !== '') {
        if (part.thought === true) reasoning = (reasoning ?? '') + part.text;
        else content = (content ?? '') + part.text;
      }
    }
    if (content === undefined && reasoning === undefined && calls === undefined) return null;
    const delta: ChunkDelta = {};
    if (content !== undefined) delta.content = content;
    if (reasoning !== undefined) delta.reasoning_content = reasoning;
    if (calls !== undefined) delta.tool_calls = calls;
    return delta;
  }

  #finishWith(reason: FinishReason, items: OpenAiStreamItem[]): void {
    this.#finish = reason;
    this.#state = 'finished';
    items.push(this.#chunk({}, reason));
  }

  #fail(error: StreamError): OpenAiStreamItem[] {
    this.#state = 'failed';
    return [error];
  }

  #chunk(delta: ChunkDelta, finish: FinishReason | null = null): ChatCompletionChunk {
    return {
      id: this.#id,
      object: 'chat.completion.chunk',
      created: this.#options.created,
      model: this.#model,
      choices: [{ index: 0, delta, finish_reason: finish }],
    };
  }
}
