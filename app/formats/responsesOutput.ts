/**
 * The hub's answer as a Responses API answer: a whole `response` object and the output items it
 * holds (the event stream that builds the same items is responsesStream.ts). A tool call whose
 * name is one of the request's custom tools goes back as a `custom_tool_call` with its `input`
 * string.
 */
import { parseJsonObject } from './common.ts';
import type { ChatCompletion, FinishReason, Usage } from './openai.ts';
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

export function finishStatus(
  finish: FinishReason | null | undefined,
): Pick<ResponseObject, 'status'> & { incomplete_details: { reason: string } | null } {
  if (finish === 'length')
    return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  if (finish === 'content_filter')
    return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  return { status: 'completed', incomplete_details: null };
}

export function reasoningItem(id: string, text: string): OutputItem {
  return { id, type: 'reasoning', summary: text === '' ? [] : [{ type: 'summary_text', text }] };
}

export function messageItem(id: string, text: string, status: string): OutputItem {
  return {
    id,
    type: 'message',
    status,
    role: 'assistant',
    content: status === 'in_progress' ? [] : [outputText(text)],
  };
}

export function outputText(text: string): Record<string, unknown> {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

/** A hub tool call as the item type the caller's tool is: function_call or custom_tool_call. */
export function callItem(
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
