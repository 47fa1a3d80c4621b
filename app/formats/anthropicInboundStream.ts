/**
 * OpenAI Chat Completions chunks → an Anthropic Messages stream, for Anthropic-format callers
 * whose target speaks OpenAI (directly, or through the Gemini translator).
 */
import type {
  AnthropicStreamEvent,
  AnthropicUsage,
  ContentBlockDelta,
  ContentBlockStart,
  StopReason,
} from './anthropic.ts';
import { anthropicErrorType } from './anthropic.ts';
import type { OpenAiStreamItem } from './openai.ts';
import { openAiStopReason, toolCallSignature } from './anthropicInbound.ts';
import { signThinking } from './thinkingSignature.ts';

export type OpenAiToAnthropicOptions = {
  /** The model name the caller sees in `message_start`. */
  model: string;
  /** The message id when the chunks carry none. */
  id: string;
  /** `provider/model` that answered: thinking blocks are signed with it (thinkingSignature.ts). */
  producer?: string;
};

type BlockKind = 'text' | 'thinking' | 'tool_use';

/**
 * Feed it OpenAI chunks (or the `StreamError` that ends them); it returns Anthropic events in
 * the order Anthropic sends them: `message_start`, then per block `content_block_start`,
 * `content_block_delta`s (`text_delta`, `thinking_delta`, `input_json_delta`) and
 * `content_block_stop`, and at the end `message_delta` (stop reason and usage) and
 * `message_stop`.
 *
 * OpenAI sends usage after the finish chunk, so `message_delta` waits for `end()`, which the
 * caller calls at `[DONE]` (`end(true)`) or when the upstream body ends (`end()`). A stream
 * that ends with neither a finish reason nor `[DONE]` ends with an `error` event instead.
 *
 * Argument fragments for a tool call whose block is already closed (OpenAI never interleaves
 * parallel calls, but a vendor might) are still sent with that block's index; the Anthropic
 * SDK accumulates by index, so nothing is lost.
 */
export class OpenAiToAnthropicStream {
  readonly #options: OpenAiToAnthropicOptions;
  #started = false;
  #open: BlockKind | null = null;
  #index = -1;
  #toolBlocks = new Map<number, number>();
  #sawTools = false;
  #stop: StopReason | null = null;
  #usage: AnthropicUsage = { input_tokens: 0, output_tokens: 0 };
  #done = false;

  constructor(options: OpenAiToAnthropicOptions) {
    this.#options = options;
  }

  /** Translates one chunk or stream error. After the stream has ended, input is ignored. */
  push(item: OpenAiStreamItem): AnthropicStreamEvent[] {
    if (this.#done) return [];
    if ('kind' in item) {
      this.#done = true;
      return [
        { type: 'error', error: { type: anthropicErrorType(item.status), message: item.message } },
      ];
    }
    const events: AnthropicStreamEvent[] = [];
    this.#ensureStarted(events, item.id);
    if (item.usage) {
      const cached = item.usage.prompt_tokens_details?.cached_tokens ?? 0;
      this.#usage = {
        input_tokens: Math.max(0, item.usage.prompt_tokens - cached),
        output_tokens: item.usage.completion_tokens,
        cache_read_input_tokens: cached,
      };
    }
    const choice = item.choices[0];
    if (choice === undefined) return events;
    const delta = choice.delta as typeof choice.delta & { reasoning?: string | null };
    const reasoning = delta.reasoning_content ?? delta.reasoning;
    if (reasoning) {
      this.#ensureBlock(events, 'thinking', { type: 'thinking', thinking: '', signature: '' });
      this.#delta(events, this.#index, { type: 'thinking_delta', thinking: reasoning });
    }
    if (delta.content) {
      this.#ensureBlock(events, 'text', { type: 'text', text: '' });
      this.#delta(events, this.#index, { type: 'text_delta', text: delta.content });
    }
    for (const call of Array.isArray(delta.tool_calls) ? delta.tool_calls : []) {
      let block = this.#toolBlocks.get(call.index);
      if (block === undefined) {
        this.#sawTools = true;
        const signature = toolCallSignature(call);
        if (signature !== undefined && this.#options.producer !== undefined) {
          // A Gemini thought signature rides in an empty thinking block before its tool_use.
          this.#openBlock(events, 'thinking', { type: 'thinking', thinking: '', signature: '' });
          this.#closeBlock(events, signature);
        }
        this.#openBlock(events, 'tool_use', {
          type: 'tool_use',
          id: call.id ?? `call_${item.id}_${call.index}`,
          name: call.function?.name ?? '',
          input: {},
        });
        block = this.#index;
        this.#toolBlocks.set(call.index, block);
      }
      const fragment = call.function?.arguments;
      if (fragment)
        this.#delta(events, block, { type: 'input_json_delta', partial_json: fragment });
    }
    if (choice.finish_reason != null) {
      this.#closeBlock(events);
      const stop = openAiStopReason(choice.finish_reason);
      this.#stop = this.#sawTools && stop === 'end_turn' ? 'tool_use' : stop;
    }
    return events;
  }

  /**
   * Ends the stream: `message_delta` and `message_stop` after a finish reason or `[DONE]`
   * (`sawDone`), else an `error` event for a stream cut short.
   */
  end(sawDone = false): AnthropicStreamEvent[] {
    if (this.#done) return [];
    this.#done = true;
    if (this.#stop === null && !sawDone) {
      return [
        {
          type: 'error',
          error: {
            type: 'api_error',
            message: 'The upstream stream ended before it was complete.',
          },
        },
      ];
    }
    const events: AnthropicStreamEvent[] = [];
    this.#ensureStarted(events, '');
    this.#closeBlock(events);
    events.push(
      {
        type: 'message_delta',
        delta: { stop_reason: this.#stop ?? 'end_turn', stop_sequence: null },
        usage: this.#usage,
      },
      { type: 'message_stop' },
    );
    return events;
  }

  #ensureStarted(events: AnthropicStreamEvent[], id: string): void {
    if (this.#started) return;
    this.#started = true;
    events.push({
      type: 'message_start',
      message: {
        id: id === '' ? this.#options.id : id,
        type: 'message',
        role: 'assistant',
        model: this.#options.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 0, output_tokens: 0 },
      },
    });
  }

  #ensureBlock(events: AnthropicStreamEvent[], kind: BlockKind, start: ContentBlockStart): void {
    if (this.#open !== kind) this.#openBlock(events, kind, start);
  }

  #openBlock(events: AnthropicStreamEvent[], kind: BlockKind, start: ContentBlockStart): void {
    this.#closeBlock(events);
    this.#index++;
    this.#open = kind;
    events.push({ type: 'content_block_start', index: this.#index, content_block: start });
  }

  /** Closes the open block; a thinking block first gets its signature (with `payload`). */
  #closeBlock(events: AnthropicStreamEvent[], payload?: string): void {
    if (this.#open === null) return;
    const producer = this.#options.producer;
    if (this.#open === 'thinking' && producer !== undefined)
      this.#delta(events, this.#index, {
        type: 'signature_delta',
        signature: signThinking(producer, payload),
      });
    events.push({ type: 'content_block_stop', index: this.#index });
    this.#open = null;
  }

  #delta(events: AnthropicStreamEvent[], index: number, delta: ContentBlockDelta): void {
    events.push({ type: 'content_block_delta', index, delta });
  }
}
