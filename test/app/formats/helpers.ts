import type { StreamError } from '../../../app/formats/common.ts';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChunkDelta,
  FinishReason,
  OpenAiStreamItem,
  ResponseMessage,
  Usage,
} from '../../../app/formats/openai.ts';
import type { SseEvent } from '../../../app/formats/sse.ts';
import { SseParser, encodeSseEvent } from '../../../app/formats/sse.ts';

/**
 * An OpenAI tool call as requests and answers carry it; `signature` is the Gemini thought
 * signature it carries back (`extra_content.google.thought_signature`).
 */
export function toolCall(id: string, name: string, args: string, signature?: string) {
  return {
    id,
    type: 'function' as const,
    function: { name, arguments: args },
    ...(signature === undefined
      ? {}
      : { extra_content: { google: { thought_signature: signature } } }),
  };
}

/** An OpenAI assistant message that calls tools. */
export function assistantCalls(
  content: string | null,
  ...calls: Array<ReturnType<typeof toolCall>>
) {
  return { role: 'assistant' as const, content, tool_calls: calls };
}

/** An OpenAI tool message: the result of the call with this id. */
export function toolResult(id: string, content: string) {
  return { role: 'tool' as const, tool_call_id: id, content };
}

/** A one-choice ChatCompletion: the assistant's message (refusal null unless given) and why it ended. */
export function chatCompletion(
  head: { id: string; created: number; model: string; usage?: Usage },
  message: Omit<ResponseMessage, 'role' | 'refusal'> & { refusal?: string | null },
  finish: FinishReason,
): ChatCompletion {
  const { usage, ...rest } = head;
  return {
    ...rest,
    object: 'chat.completion',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', refusal: null, ...message },
        finish_reason: finish,
        logprobs: null,
      },
    ],
    ...(usage === undefined ? {} : { usage }),
  };
}

/** Anthropic stream events as the Messages API sends them, for inputs and expected outputs alike. */
export const anthropicEvent = {
  messageStart: (id: string, model: string, usage: Record<string, number>) => ({
    type: 'message_start',
    message: {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage,
    },
  }),
  textStart: (index: number) => ({
    type: 'content_block_start',
    index,
    content_block: { type: 'text', text: '' },
  }),
  text: (index: number, text: string) => ({
    type: 'content_block_delta',
    index,
    delta: { type: 'text_delta', text },
  }),
  toolStart: (index: number, id: string, name: string) => ({
    type: 'content_block_start',
    index,
    content_block: { type: 'tool_use', id, name, input: {} },
  }),
  json: (index: number, partial_json: string) => ({
    type: 'content_block_delta',
    index,
    delta: { type: 'input_json_delta', partial_json },
  }),
  stop: (index: number) => ({ type: 'content_block_stop', index }),
  messageDelta: (stop_reason: string, usage: Record<string, number>) => ({
    type: 'message_delta',
    delta: { stop_reason, stop_sequence: null },
    usage,
  }),
  messageStop: () => ({ type: 'message_stop' }),
  /** A whole text block: its start, a delta per piece, its stop. */
  textBlock: (index: number, ...pieces: string[]) => [
    anthropicEvent.textStart(index),
    ...pieces.map((piece) => anthropicEvent.text(index, piece)),
    anthropicEvent.stop(index),
  ],
  /** A whole tool_use block: its start, a JSON delta per piece of input, its stop. */
  toolBlock: (index: number, id: string, name: string, ...json: string[]) => [
    anthropicEvent.toolStart(index, id, name),
    ...json.map((piece) => anthropicEvent.json(index, piece)),
    anthropicEvent.stop(index),
  ],
};

/** A builder of one-choice OpenAI stream chunks of one answer (`id`, `model`), as upstreams send them. */
export function chunksOf(head: { id: string; model: string }) {
  return (delta: ChunkDelta, finish: FinishReason | null = null): ChatCompletionChunk => ({
    ...head,
    object: 'chat.completion.chunk',
    created: 1,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
}

/** Anthropic-style SSE text: every event named after its `type`. */
export function anthropicSse(events: Array<Record<string, unknown> & { type: string }>): string {
  return events.map((e) => encodeSseEvent({ event: e.type, data: JSON.stringify(e) })).join('');
}

/** Gemini-style SSE text: unnamed `data:` lines, CRLF framing as Google sends it, no [DONE]. */
export function geminiSse(chunks: unknown[]): string {
  return chunks.map((c) => `data: ${JSON.stringify(c)}\r\n\r\n`).join('');
}

/** Cuts text into pieces of the given sizes (cycled), to feed a parser in awkward chunks. */
export function cut(text: string, sizes: number[]): string[] {
  const pieces: string[] = [];
  let at = 0;
  for (let i = 0; at < text.length; i++) {
    const size = Math.max(1, sizes[i % sizes.length] ?? 1);
    pieces.push(text.slice(at, at + size));
    at += size;
  }
  return pieces;
}

/** Cuts text at the given points (taken modulo its length + 1, any order, repeats ignored). */
export function cutAt(text: string, points: number[]): string[] {
  const sorted = [...new Set(points.map((p) => p % (text.length + 1)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let from = 0;
  for (const point of sorted) {
    pieces.push(text.slice(from, point));
    from = point;
  }
  pieces.push(text.slice(from));
  return pieces;
}

/** Parses SSE text chunks and runs the events through a stream translator, end included. */
export function translateSse<T>(
  chunks: string[],
  translator: { push(e: SseEvent): T[]; end(): T[] },
): T[] {
  const parser = new SseParser();
  const out: T[] = [];
  for (const chunk of chunks)
    for (const event of parser.push(chunk)) out.push(...translator.push(event));
  for (const event of parser.end()) out.push(...translator.push(event));
  out.push(...translator.end());
  return out;
}

export type Accumulated = {
  role: string | undefined;
  content: string;
  reasoning: string;
  toolCalls: Array<{ id: string; name: string; arguments: string; signature?: string }>;
  finishReason: string | null;
  usage: Usage | null;
  error: StreamError | null;
  chunks: number;
};

/** Folds OpenAI chunks the way the OpenAI SDK's stream helper does. */
export function accumulate(items: OpenAiStreamItem[]): Accumulated {
  const acc: Accumulated = {
    role: undefined,
    content: '',
    reasoning: '',
    toolCalls: [],
    finishReason: null,
    usage: null,
    error: null,
    chunks: 0,
  };
  for (const item of items) {
    if ('kind' in item) {
      acc.error = item;
      continue;
    }
    acc.chunks++;
    expectChunkShape(item);
    if (item.usage) acc.usage = item.usage;
    const choice = item.choices[0];
    if (!choice) continue;
    const delta = choice.delta;
    if (delta.role) acc.role = delta.role;
    if (delta.content) acc.content += delta.content;
    if (delta.reasoning_content) acc.reasoning += delta.reasoning_content;
    for (const call of delta.tool_calls ?? []) {
      const slot = (acc.toolCalls[call.index] ??= { id: '', name: '', arguments: '' });
      if (call.id) slot.id = call.id;
      if (call.function?.name) slot.name = call.function.name;
      if (call.function?.arguments) slot.arguments += call.function.arguments;
      const signature = call.extra_content?.google?.thought_signature;
      if (signature) slot.signature = signature;
    }
    if (choice.finish_reason) acc.finishReason = choice.finish_reason;
  }
  return acc;
}

function expectChunkShape(chunk: ChatCompletionChunk): void {
  if (chunk.object !== 'chat.completion.chunk' || typeof chunk.created !== 'number') {
    throw new Error(`not a chunk: ${JSON.stringify(chunk)}`);
  }
}
