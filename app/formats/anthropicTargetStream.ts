/**
 * An Anthropic Messages stream → OpenAI Chat Completions chunks.
 */
import type { AnthropicUsage } from './anthropic.ts';
import { anthropicErrorStatus } from './anthropic.ts';
import { anthropicFinishReason, anthropicUsageToOpenAi } from './anthropicTarget.ts';
import type { StreamError } from './common.ts';
import { malformedStream, truncatedStream } from './common.ts';
import type {
  ChatCompletionChunk,
  ChunkDelta,
  FinishReason,
  OpenAiStreamItem,
  Usage,
} from './openai.ts';
import type { SseEvent } from './sse.ts';

const OPENAI_TYPE: Record<string, string> = {
  invalid_request_error: 'invalid_request_error',
  request_too_large: 'invalid_request_error',
  authentication_error: 'authentication_error',
  permission_error: 'permission_error',
  not_found_error: 'not_found_error',
  rate_limit_error: 'rate_limit_error',
  billing_error: 'insufficient_quota',
  overloaded_error: 'service_unavailable_error',
};

/** The stream error for an Anthropic `error` event's `error` object. */
export function anthropicStreamError(error: unknown): StreamError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const type = typeof e.type === 'string' ? e.type : 'api_error';
  return {
    kind: 'error',
    status: anthropicErrorStatus(type),
    type: OPENAI_TYPE[type] ?? 'server_error',
    message: typeof e.message === 'string' ? e.message : 'Anthropic stream error',
    code: type,
  };
}

type Json = Record<string, unknown>;

function record(value: unknown): Json {
  return typeof value === 'object' && value !== null ? (value as Json) : {};
}

function count(value: unknown): number | null {
  return typeof value === 'number' ? value : null;
}

export type AnthropicToOpenAiOptions = {
  /** Unix seconds for every chunk's `created`. */
  created: number;
  /** Send a last chunk with `usage` and no choices, as `stream_options.include_usage` asks. */
  includeUsage: boolean;
  /** The model name the caller sees; defaults to the one Anthropic reports. */
  model?: string;
};

/**
 * Feed it the parsed events of an Anthropic stream; it returns OpenAI chunks: a role chunk
 * first, text deltas, tool calls (index, id and name, then argument fragments from
 * `input_json_delta`), thinking as `reasoning_content`, a finish chunk and, if asked, a usage
 * chunk. An `error` event (Anthropic sends them after HTTP 200) becomes a `StreamError`; `ping`
 * is ignored. `end()` reports a stream that stopped before `message_stop` as truncated.
 */
export class AnthropicToOpenAiStream {
  readonly #created: number;
  readonly #includeUsage: boolean;
  #model: string;
  #id = '';
  #toolIndexByBlock = new Map<number, number>();
  #usage: AnthropicUsage = { input_tokens: 0, output_tokens: 0 };
  #finish: FinishReason | null = null;
  #finishSent = false;
  #state: 'open' | 'complete' | 'failed' = 'open';

  constructor(options: AnthropicToOpenAiOptions) {
    this.#created = options.created;
    this.#includeUsage = options.includeUsage;
    this.#model = options.model ?? '';
  }

  /** The usage so far, in OpenAI's terms (final once the stream is complete). */
  get usage(): Usage {
    return anthropicUsageToOpenAi(this.#usage);
  }

  /** The finish reason, once Anthropic has sent its stop reason. */
  get finishReason(): FinishReason | null {
    return this.#finish;
  }

  /** Translates one event. After the stream is complete or failed, events are ignored. */
  push(event: SseEvent): OpenAiStreamItem[] {
    if (this.#state !== 'open' || event.event === 'ping') return [];
    let data: Json;
    try {
      data = record(JSON.parse(event.data));
    } catch {
      this.#state = 'failed';
      return [malformedStream('Anthropic')];
    }
    switch (data.type) {
      case 'message_start':
        return this.#start(record(data.message));
      case 'content_block_start':
        return this.#blockStart(count(data.index) ?? -1, record(data.content_block));
      case 'content_block_delta':
        return this.#blockDelta(count(data.index) ?? -1, record(data.delta));
      case 'message_delta':
        return this.#messageDelta(record(data.delta), record(data.usage));
      case 'message_stop':
        return this.#stop();
      case 'error':
        this.#state = 'failed';
        return [anthropicStreamError(data.error)];
      default:
        return [];
    }
  }

  /** Call when the upstream body ends: a stream that never reached `message_stop` is an error. */
  end(): OpenAiStreamItem[] {
    if (this.#state !== 'open') return [];
    this.#state = 'failed';
    return [truncatedStream('Anthropic')];
  }

  #chunk(delta: ChunkDelta, finish: FinishReason | null = null): ChatCompletionChunk {
    return {
      id: this.#id,
      object: 'chat.completion.chunk',
      created: this.#created,
      model: this.#model,
      choices: [{ index: 0, delta, finish_reason: finish }],
    };
  }

  #start(message: Json): OpenAiStreamItem[] {
    if (typeof message.id === 'string') this.#id = message.id;
    if (this.#model === '' && typeof message.model === 'string') this.#model = message.model;
    this.#mergeUsage(record(message.usage));
    return [this.#chunk({ role: 'assistant', content: '' })];
  }

  #blockStart(index: number, block: Json): OpenAiStreamItem[] {
    if (block.type === 'tool_use') {
      const toolIndex = this.#toolIndexByBlock.size;
      this.#toolIndexByBlock.set(index, toolIndex);
      const id = typeof block.id === 'string' ? block.id : '';
      const name = typeof block.name === 'string' ? block.name : '';
      return [
        this.#chunk({
          tool_calls: [
            { index: toolIndex, id, type: 'function', function: { name, arguments: '' } },
          ],
        }),
      ];
    }
    if (block.type === 'text' && typeof block.text === 'string' && block.text !== '') {
      return [this.#chunk({ content: block.text })];
    }
    return [];
  }

  #blockDelta(index: number, delta: Json): OpenAiStreamItem[] {
    switch (delta.type) {
      case 'text_delta':
        return typeof delta.text === 'string' && delta.text !== ''
          ? [this.#chunk({ content: delta.text })]
          : [];
      case 'input_json_delta': {
        const toolIndex = this.#toolIndexByBlock.get(index);
        const fragment = delta.partial_json;
        if (toolIndex === undefined || typeof fragment !== 'string' || fragment === '') {
          return [];
        }
        return [
          this.#chunk({ tool_calls: [{ index: toolIndex, function: { arguments: fragment } }] }),
        ];
      }
      case 'thinking_delta':
        return typeof delta.thinking === 'string' && delta.thinking !== ''
          ? [this.#chunk({ reasoning_content: delta.thinking })]
          : [];
      default:
        return [];
    }
  }

  #messageDelta(delta: Json, usage: Json): OpenAiStreamItem[] {
    this.#mergeUsage(usage);
    const reason = typeof delta.stop_reason === 'string' ? delta.stop_reason : null;
    if (reason === null || this.#finishSent) return [];
    this.#finish = anthropicFinishReason(reason);
    this.#finishSent = true;
    return [this.#chunk({}, this.#finish)];
  }

  #stop(): OpenAiStreamItem[] {
    this.#state = 'complete';
    const items: OpenAiStreamItem[] = [];
    if (!this.#finishSent) {
      this.#finish = 'stop';
      this.#finishSent = true;
      items.push(this.#chunk({}, 'stop'));
    }
    if (this.#includeUsage) {
      items.push({
        id: this.#id,
        object: 'chat.completion.chunk',
        created: this.#created,
        model: this.#model,
        choices: [],
        usage: this.usage,
      });
    }
    return items;
  }

  /** Usage counters in `message_delta` are cumulative totals: overwrite, never add. */
  #mergeUsage(usage: Json): void {
    const input = count(usage.input_tokens);
    const output = count(usage.output_tokens);
    const cacheRead = count(usage.cache_read_input_tokens);
    const cacheWrite = count(usage.cache_creation_input_tokens);
    if (input !== null) this.#usage.input_tokens = input;
    if (output !== null) this.#usage.output_tokens = output;
    if (cacheRead !== null) this.#usage.cache_read_input_tokens = cacheRead;
    if (cacheWrite !== null) this.#usage.cache_creation_input_tokens = cacheWrite;
  }
}
