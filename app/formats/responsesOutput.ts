/**
 * The hub's answer as a Responses API answer: a whole `response` object, and the event stream
 * in the order Codex and the openai SDKs read it (`response.created`, `response.in_progress`,
 * per output item `output_item.added` … `output_item.done`, then `response.completed` with usage).
 * Every event carries its `sequence_number`. A tool call whose name is one of the request's
 * custom tools goes back as a `custom_tool_call` with its `input` string.
 */
import { parseJsonObject, type StreamError } from './common.ts';
import type { ChatCompletion, ChatCompletionChunk, FinishReason, Usage } from './openai.ts';
import type { NamespacedTools, ResponsesRequest } from './responses.ts';

/** What the answer echoes of its request, and how its ids are made. */
export type ResponseContext = {
  id: string;
  model: string;
  createdAt: number;
  request: ResponsesRequest;
  customTools: ReadonlySet<string>;
  /** Flattened names of namespaced tools: their calls go back with `namespace`. */
  namespacedTools: NamespacedTools;
  /** A fresh item id with its prefix (`msg`, `fc`, `rs`, `ctc`). */
  itemId: (prefix: string) => string;
};

export type ResponsesUsage = {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
};

export type OutputItem = Record<string, unknown> & { type: string; id: string };

export type ResponseObject = Record<string, unknown> & {
  id: string;
  object: 'response';
  status: 'in_progress' | 'completed' | 'incomplete' | 'failed';
  output: OutputItem[];
};

export function responsesUsage(usage: Usage | null | undefined): ResponsesUsage {
  const input = usage?.prompt_tokens ?? 0;
  const output = usage?.completion_tokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: usage?.prompt_tokens_details?.cached_tokens ?? 0 },
    output_tokens: output,
    output_tokens_details: {
      reasoning_tokens: usage?.completion_tokens_details?.reasoning_tokens ?? 0,
    },
    total_tokens: usage?.total_tokens ?? input + output,
  };
}

/** The response object with what it echoes of the request; `status`, `output`, `usage` vary. */
export function responseObject(
  ctx: ResponseContext,
  status: ResponseObject['status'],
  output: OutputItem[],
  extra: Record<string, unknown> = {},
): ResponseObject {
  const req = ctx.request;
  return {
    id: ctx.id,
    object: 'response',
    created_at: ctx.createdAt,
    status,
    error: null,
    incomplete_details: null,
    instructions: req.instructions ?? null,
    max_output_tokens: req.max_output_tokens ?? null,
    model: ctx.model,
    output,
    parallel_tool_calls: req.parallel_tool_calls ?? true,
    previous_response_id: req.previous_response_id ?? null,
    reasoning: { effort: req.reasoning?.effort ?? null, summary: req.reasoning?.summary ?? null },
    store: req.store ?? true,
    temperature: req.temperature ?? null,
    text: req.text ?? { format: { type: 'text' } },
    tool_choice: req.tool_choice ?? 'auto',
    tools: req.tools ?? [],
    top_p: req.top_p ?? null,
    truncation: 'disabled',
    usage: null,
    metadata: req.metadata ?? {},
    ...extra,
  };
}

function finishStatus(
  finish: FinishReason | null | undefined,
): Pick<ResponseObject, 'status'> & { incomplete_details: { reason: string } | null } {
  if (finish === 'length')
    return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  if (finish === 'content_filter')
    return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  return { status: 'completed', incomplete_details: null };
}

function reasoningItem(id: string, text: string): OutputItem {
  return { id, type: 'reasoning', summary: text === '' ? [] : [{ type: 'summary_text', text }] };
}

function messageItem(id: string, text: string, status: string): OutputItem {
  return {
    id,
    type: 'message',
    status,
    role: 'assistant',
    content: status === 'in_progress' ? [] : [outputText(text)],
  };
}

function outputText(text: string): Record<string, unknown> {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

/** A hub tool call as the item type the caller's tool is: function_call or custom_tool_call. */
function callItem(
  ctx: ResponseContext,
  id: string,
  callId: string,
  name: string,
  args: string,
  status: string,
): OutputItem {
  if (ctx.customTools.has(name)) {
    const input = parseJsonObject(args)?.input;
    return {
      id,
      type: 'custom_tool_call',
      status,
      call_id: callId,
      name,
      input: typeof input === 'string' ? input : status === 'in_progress' ? '' : args,
    };
  }
  const namespaced = ctx.namespacedTools.get(name);
  return {
    id,
    type: 'function_call',
    status,
    call_id: callId,
    ...(namespaced ?? { name }),
    arguments: args,
  };
}

/** A whole hub answer as a Responses `response` object. */
export function openAiToResponse(completion: ChatCompletion, ctx: ResponseContext): ResponseObject {
  const choice = completion.choices[0];
  const message = choice?.message as
    (ChatCompletion['choices'][number]['message'] & { reasoning?: string | null }) | undefined;
  const output: OutputItem[] = [];
  const reasoning = message?.reasoning_content ?? message?.reasoning;
  if (reasoning) output.push(reasoningItem(ctx.itemId('rs'), reasoning));
  if (message?.content) output.push(messageItem(ctx.itemId('msg'), message.content, 'completed'));
  for (const call of message?.tool_calls ?? []) {
    const custom = ctx.customTools.has(call.function.name);
    output.push(
      callItem(
        ctx,
        ctx.itemId(custom ? 'ctc' : 'fc'),
        call.id,
        call.function.name,
        call.function.arguments,
        'completed',
      ),
    );
  }
  return responseObject(ctx, 'completed', output, {
    ...finishStatus(choice?.finish_reason),
    usage: responsesUsage(completion.usage),
  });
}

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
