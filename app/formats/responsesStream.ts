/**
 * The hub's stream as a Responses API event stream, in the order Codex and the openai SDKs read
 * it (`response.created`, `response.in_progress`, per output item `output_item.added` …
 * `output_item.done`, then `response.completed` with usage). Every event carries its
 * `sequence_number`. The items are the ones responsesOutput.ts builds for a whole answer.
 */
import type { StreamError } from './common.ts';
import type { ChatCompletionChunk, FinishReason, Usage } from './openai.ts';
import {
  callItem,
  finishStatus,
  messageItem,
  outputText,
  reasoningItem,
  responseObject,
  responsesUsage,
  type OutputItem,
  type ResponseContext,
  type ResponseObject,
} from './responsesOutput.ts';

export type ResponsesEvent = Record<string, unknown> & { type: string; sequence_number: number };

type OpenItem =
  | { kind: 'reasoning'; id: string; index: number; text: string }
  | { kind: 'message'; id: string; index: number; text: string }
  | { kind: 'call'; id: string; index: number; callId: string; name: string; args: string };

/**
 * Hub chunks (or the error ending them) → Responses events. One output item is open at a time;
 * a new kind of delta closes it. `end(true)` after the upstream's finish (and usage) sends
 * `response.completed` (or `response.incomplete`); an error sends `response.failed` and an
 * `error` event, which the openai SDKs raise.
 */
export class OpenAiToResponsesStream {
  readonly #ctx: ResponseContext;
  #seq = 0;
  #started = false;
  #done = false;
  #failed = false;
  #open: OpenItem | null = null;
  #calls = new Map<number, OpenItem & { kind: 'call' }>();
  #output: OutputItem[] = [];
  #finish: FinishReason | null = null;
  #usage: Usage | null = null;

  constructor(ctx: ResponseContext) {
    this.#ctx = ctx;
  }

  /** The response as it stands (for storing it once complete). */
  get response(): ResponseObject {
    if (this.#failed) return responseObject(this.#ctx, 'failed', this.#output);
    return responseObject(this.#ctx, this.#done ? 'completed' : 'in_progress', this.#output, {
      ...(this.#done ? finishStatus(this.#finish) : {}),
      usage: this.#done ? responsesUsage(this.#usage) : null,
    });
  }

  push(item: ChatCompletionChunk | StreamError): ResponsesEvent[] {
    if (this.#done) return [];
    const events: ResponsesEvent[] = [];
    if ('kind' in item) return this.#fail(events, item);
    this.#start(events);
    if (item.usage) this.#usage = item.usage;
    const choice = item.choices[0];
    if (choice === undefined) return events;
    const delta = choice.delta as typeof choice.delta & { reasoning?: string | null };
    const reasoning = delta.reasoning_content ?? delta.reasoning;
    if (reasoning) this.#reasoning(events, reasoning);
    if (delta.content) this.#text(events, delta.content);
    for (const call of Array.isArray(delta.tool_calls) ? delta.tool_calls : []) {
      let open = this.#calls.get(call.index);
      if (open === undefined) {
        this.#close(events);
        const name = call.function?.name ?? '';
        open = {
          kind: 'call',
          id: this.#ctx.itemId(this.#ctx.customTools.has(name) ? 'ctc' : 'fc'),
          index: this.#output.length,
          callId: call.id ?? `call_${this.#ctx.itemId('')}`,
          name,
          args: '',
        };
        this.#calls.set(call.index, open);
        this.#openItem(
          events,
          open,
          callItem(this.#ctx, open.id, open.callId, name, '', 'in_progress'),
        );
      }
      const fragment = call.function?.arguments;
      if (fragment) {
        open.args += fragment;
        // A custom tool's input is a string inside the JSON arguments: it is sent whole at close.
        if (this.#open === open && !this.#ctx.customTools.has(open.name))
          this.#emit(events, 'response.function_call_arguments.delta', {
            item_id: open.id,
            output_index: open.index,
            delta: fragment,
          });
      }
    }
    if (choice.finish_reason != null) {
      this.#finish = choice.finish_reason;
      this.#close(events);
    }
    return events;
  }

  end(complete: boolean): ResponsesEvent[] {
    if (this.#done) return [];
    const events: ResponsesEvent[] = [];
    if (!complete)
      return this.#fail(events, {
        kind: 'error',
        status: 502,
        type: 'server_error',
        message: 'The upstream stream ended before it was complete.',
        code: 'upstream_truncated',
      });
    this.#start(events);
    this.#close(events);
    this.#done = true;
    const response = this.response;
    this.#emit(
      events,
      response.status === 'incomplete' ? 'response.incomplete' : 'response.completed',
      { response },
    );
    return events;
  }

  #fail(events: ResponsesEvent[], error: StreamError): ResponsesEvent[] {
    this.#start(events);
    this.#done = true;
    this.#failed = true;
    const failure = { code: error.code ?? error.type, message: error.message };
    this.#emit(events, 'response.failed', {
      response: responseObject(this.#ctx, 'failed', this.#output, { error: failure }),
    });
    this.#emit(events, 'error', { code: failure.code, message: error.message, param: null });
    return events;
  }

  #start(events: ResponsesEvent[]): void {
    if (this.#started) return;
    this.#started = true;
    const response = responseObject(this.#ctx, 'in_progress', []);
    this.#emit(events, 'response.created', { response });
    this.#emit(events, 'response.in_progress', { response });
  }

  #reasoning(events: ResponsesEvent[], text: string): void {
    let open = this.#open;
    if (open?.kind !== 'reasoning') {
      this.#close(events);
      open = {
        kind: 'reasoning',
        id: this.#ctx.itemId('rs'),
        index: this.#output.length,
        text: '',
      };
      this.#openItem(events, open, reasoningItem(open.id, ''));
      this.#emit(events, 'response.reasoning_summary_part.added', {
        item_id: open.id,
        output_index: open.index,
        summary_index: 0,
        part: { type: 'summary_text', text: '' },
      });
    }
    open.text += text;
    this.#emit(events, 'response.reasoning_summary_text.delta', {
      item_id: open.id,
      output_index: open.index,
      summary_index: 0,
      delta: text,
    });
  }

  #text(events: ResponsesEvent[], text: string): void {
    let open = this.#open;
    if (open?.kind !== 'message') {
      this.#close(events);
      open = { kind: 'message', id: this.#ctx.itemId('msg'), index: this.#output.length, text: '' };
      this.#openItem(events, open, messageItem(open.id, '', 'in_progress'));
      this.#emit(events, 'response.content_part.added', {
        item_id: open.id,
        output_index: open.index,
        content_index: 0,
        part: outputText(''),
      });
    }
    open.text += text;
    this.#emit(events, 'response.output_text.delta', {
      item_id: open.id,
      output_index: open.index,
      content_index: 0,
      delta: text,
      logprobs: [],
    });
  }

  #openItem(events: ResponsesEvent[], open: OpenItem, item: OutputItem): void {
    this.#open = open;
    this.#output.push(item);
    this.#emit(events, 'response.output_item.added', { output_index: open.index, item });
  }

  #close(events: ResponsesEvent[]): void {
    const open = this.#open;
    if (open === null) return;
    this.#open = null;
    const at = { item_id: open.id, output_index: open.index };
    let item: OutputItem;
    if (open.kind === 'reasoning') {
      const part = { type: 'summary_text', text: open.text };
      this.#emit(events, 'response.reasoning_summary_text.done', {
        ...at,
        summary_index: 0,
        text: open.text,
      });
      this.#emit(events, 'response.reasoning_summary_part.done', { ...at, summary_index: 0, part });
      item = reasoningItem(open.id, open.text);
    } else if (open.kind === 'message') {
      this.#emit(events, 'response.output_text.done', {
        ...at,
        content_index: 0,
        text: open.text,
        logprobs: [],
      });
      this.#emit(events, 'response.content_part.done', {
        ...at,
        content_index: 0,
        part: outputText(open.text),
      });
      item = messageItem(open.id, open.text, 'completed');
    } else {
      item = callItem(this.#ctx, open.id, open.callId, open.name, open.args, 'completed');
      if (item.type === 'custom_tool_call') {
        this.#emit(events, 'response.custom_tool_call_input.delta', { ...at, delta: item.input });
        this.#emit(events, 'response.custom_tool_call_input.done', { ...at, input: item.input });
      } else
        this.#emit(events, 'response.function_call_arguments.done', {
          ...at,
          name: item.name,
          arguments: open.args,
        });
    }
    this.#output[open.index] = item;
    this.#emit(events, 'response.output_item.done', { output_index: open.index, item });
  }

  #emit(events: ResponsesEvent[], type: string, fields: Record<string, unknown>): void {
    events.push({ type, sequence_number: this.#seq++, ...fields });
  }
}

/** One event on the wire: its type as the SSE event name, the whole event as data. */
export function encodeResponsesEvent(event: ResponsesEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}
