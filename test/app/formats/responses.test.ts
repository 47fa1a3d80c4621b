import { describe, expect, it } from 'vitest';
import type { ChatCompletion } from '../../../app/formats/openai.ts';
import {
  customToolNames,
  namespacedToolNames,
  ResponsesRequestSchema,
  responsesToOpenAiRequest,
  type ResponsesRequest,
} from '../../../app/formats/responses.ts';
import { openAiToResponse, type ResponseContext } from '../../../app/formats/responsesOutput.ts';
import { OpenAiToResponsesStream } from '../../../app/formats/responsesStream.ts';
import { assistantCalls, chatCompletion, chunksOf, toolCall, toolResult } from './helpers.ts';

function parse(body: Record<string, unknown>): ResponsesRequest {
  return ResponsesRequestSchema.parse({ model: 'm', ...body });
}

function hub(body: Record<string, unknown>) {
  const out = responsesToOpenAiRequest(parse(body));
  if (!out.ok) throw new Error(out.error.message);
  return out.value;
}

const APPLY_PATCH = {
  type: 'custom',
  name: 'apply_patch',
  description: 'Edit files.',
  format: { type: 'grammar', syntax: 'lark', definition: 'start: "*** Begin Patch"' },
};

function ctx(request: ResponsesRequest): ResponseContext {
  let n = 0;
  return {
    id: 'resp_1',
    model: 'quick',
    createdAt: 1700000000,
    request,
    customTools: customToolNames(request),
    namespacedTools: namespacedToolNames(request),
    itemId: (prefix) => `${prefix}_${++n}`,
  };
}

const chunk = chunksOf({ id: 'c', model: 'm' });

describe('Responses request → hub', () => {
  it('takes a string input with instructions as system + user', () => {
    expect(hub({ input: 'hi', instructions: 'be brief' }).messages).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'hi' },
    ]);
  });

  it('translates message parts, calls and their outputs in order; reasoning items are dropped', () => {
    const out = hub({
      input: [
        { role: 'developer', content: 'dev note' },
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'input_text', text: 'look' },
            { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'low' },
            {
              type: 'input_file',
              file_data: 'data:application/pdf;base64,BBBB',
              filename: 'a.pdf',
            },
          ],
        },
        { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'secret' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'ok' }] },
        { type: 'function_call', call_id: 'c1', name: 'ls', arguments: '{"d":"."}' },
        { type: 'custom_tool_call', call_id: 'c2', name: 'apply_patch', input: '*** Begin Patch' },
        { type: 'function_call_output', call_id: 'c1', output: 'a.txt' },
        {
          type: 'custom_tool_call_output',
          call_id: 'c2',
          output: [{ type: 'input_text', text: 'done' }],
        },
      ],
    });
    expect(out.messages).toEqual([
      { role: 'system', content: 'dev note' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'look' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } },
          {
            type: 'file',
            file: { file_data: 'data:application/pdf;base64,BBBB', filename: 'a.pdf' },
          },
        ],
      },
      assistantCalls(
        'ok',
        toolCall('c1', 'ls', '{"d":"."}'),
        toolCall('c2', 'apply_patch', '{"input":"*** Begin Patch"}'),
      ),
      toolResult('c1', 'a.txt'),
      toolResult('c2', 'done'),
    ]);
    expect(JSON.stringify(out)).not.toContain('secret');
  });

  it('turns function, custom and namespaced tools into functions and drops hosted tools', () => {
    const out = hub({
      input: 'x',
      tools: [
        {
          type: 'function',
          name: 'ls',
          parameters: { type: 'object', properties: {} },
          strict: true,
        },
        APPLY_PATCH,
        {
          type: 'namespace',
          name: 'agents',
          tools: [{ type: 'function', name: 'spawn', parameters: {} }],
        },
        { type: 'web_search' },
      ],
      tool_choice: { type: 'custom', name: 'apply_patch' },
      parallel_tool_calls: false,
    });
    const names = out.tools?.map((t) => (t.type === 'function' ? t.function.name : t.type));
    expect(names).toEqual(['ls', 'apply_patch', 'agents__spawn']);
    const patch = out.tools?.[1];
    expect(patch).toMatchObject({
      function: { parameters: { required: ['input'] } },
    });
    expect(JSON.stringify(patch)).toContain('*** Begin Patch');
    expect(out.tool_choice).toEqual({ type: 'function', function: { name: 'apply_patch' } });
    expect(out.parallel_tool_calls).toBe(false);
  });

  it('maps text.format, reasoning effort, output cap and stream; drops store, include, cache key and metadata', () => {
    const out = hub({
      input: 'x',
      text: {
        format: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true },
      },
      reasoning: { effort: 'low', summary: 'auto' },
      max_output_tokens: 99,
      stream: true,
      store: false,
      include: ['reasoning.encrypted_content'],
      prompt_cache_key: 'k',
      metadata: { a: 'b' },
    });
    expect(out).toEqual({
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'answer', schema: { type: 'object' }, strict: true },
      },
      reasoning_effort: 'low',
      max_tokens: 99,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(hub({ input: 'x', text: { format: { type: 'json_object' } } }).response_format).toEqual({
      type: 'json_object',
    });
  });
});

describe('hub answer → Responses', () => {
  const request = parse({ input: 'x', tools: [APPLY_PATCH] });
  const completion: ChatCompletion = chatCompletion(
    {
      id: 'c',
      created: 1,
      model: 'm',
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    },
    {
      content: 'Patching.',
      reasoning_content: 'think',
      tool_calls: [
        toolCall('call_1', 'apply_patch', '{"input":"P"}'),
        toolCall('call_2', 'ls', '{}'),
      ],
    },
    'tool_calls',
  );

  it('gives reasoning, message, a custom tool call back as custom_tool_call, and usage', () => {
    const response = openAiToResponse(completion, ctx(request));
    expect(response).toMatchObject({
      id: 'resp_1',
      object: 'response',
      status: 'completed',
      model: 'quick',
    });
    expect(response.output).toEqual([
      { id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'think' }] },
      {
        id: 'msg_2',
        type: 'message',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'Patching.', annotations: [], logprobs: [] }],
      },
      {
        id: 'ctc_3',
        type: 'custom_tool_call',
        status: 'completed',
        call_id: 'call_1',
        name: 'apply_patch',
        input: 'P',
      },
      {
        id: 'fc_4',
        type: 'function_call',
        status: 'completed',
        call_id: 'call_2',
        name: 'ls',
        arguments: '{}',
      },
    ]);
    expect(response.usage).toMatchObject({ input_tokens: 10, output_tokens: 5, total_tokens: 15 });
  });

  it('marks a length finish incomplete', () => {
    const cut = {
      ...completion,
      choices: [{ ...completion.choices[0]!, finish_reason: 'length' as const }],
    };
    expect(openAiToResponse(cut, ctx(request))).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
    });
  });
});

describe('namespaced tools (Codex)', () => {
  const request = parse({
    input: [
      { role: 'user', content: 'spawn' },
      { type: 'function_call', call_id: 'c0', namespace: 'agents', name: 'wait', arguments: '{}' },
      { type: 'function_call_output', call_id: 'c0', output: 'ok' },
    ],
    tools: [{ type: 'namespace', name: 'agents', tools: [{ type: 'function', name: 'wait' }] }],
  });

  it('a call in the history goes up under the flattened name its function has', () => {
    const out = responsesToOpenAiRequest(request);
    if (!out.ok) throw new Error(out.error.message);
    expect(out.value.messages[1]).toMatchObject({
      tool_calls: [{ function: { name: 'agents__wait' } }],
    });
  });

  it('a call of the flattened function goes back split into namespace and name', () => {
    const completion: ChatCompletion = chatCompletion(
      { id: 'c', created: 1, model: 'm' },
      {
        content: null,
        tool_calls: [toolCall('c1', 'agents__wait', '{}')],
      },
      'tool_calls',
    );
    expect(openAiToResponse(completion, ctx(request)).output[0]).toMatchObject({
      type: 'function_call',
      namespace: 'agents',
      name: 'wait',
      call_id: 'c1',
    });
  });
});

describe('hub stream → Responses events', () => {
  it('sends events in the order clients rely on, numbered, ending in response.completed with usage', () => {
    const stream = new OpenAiToResponsesStream(ctx(parse({ input: 'x', tools: [APPLY_PATCH] })));
    const events = [
      ...stream.push(chunk({ reasoning_content: 'hm' })),
      ...stream.push(chunk({ content: 'He' })),
      ...stream.push(chunk({ content: 'llo' })),
      ...stream.push(
        chunk({
          tool_calls: [{ index: 0, id: 'call_1', function: { name: 'ls', arguments: '{"a"' } }],
        }),
      ),
      ...stream.push(chunk({ tool_calls: [{ index: 0, function: { arguments: ':1}' } }] })),
      ...stream.push(
        chunk(
          {
            tool_calls: [
              {
                index: 1,
                id: 'call_2',
                function: { name: 'apply_patch', arguments: '{"input":"P"}' },
              },
            ],
          },
          'tool_calls',
        ),
      ),
      ...stream.push({
        ...chunk({}),
        choices: [],
        usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
      }),
      ...stream.end(true),
    ];
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.custom_tool_call_input.delta',
      'response.custom_tool_call_input.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const completed = events.at(-1)?.response as {
      output: unknown[];
      usage: unknown;
      status: string;
    };
    expect(completed.status).toBe('completed');
    expect(completed.usage).toMatchObject({ input_tokens: 3, output_tokens: 4, total_tokens: 7 });
    expect(completed.output).toHaveLength(4);
    expect(completed.output[2]).toMatchObject({ type: 'function_call', arguments: '{"a":1}' });
    expect(completed.output[3]).toMatchObject({
      type: 'custom_tool_call',
      input: 'P',
      call_id: 'call_2',
    });
  });

  it('ends a failed stream with response.failed and an error event', () => {
    const stream = new OpenAiToResponsesStream(ctx(parse({ input: 'x' })));
    stream.push(chunk({ content: 'Hi' }));
    const events = stream.push({
      kind: 'error',
      status: 500,
      type: 'server_error',
      message: 'boom',
      code: 'upstream_error',
    });
    expect(events.map((e) => e.type)).toEqual(['response.failed', 'error']);
    expect(events[0]?.response).toMatchObject({
      status: 'failed',
      error: { code: 'upstream_error', message: 'boom' },
    });
    expect(stream.end(true)).toEqual([]);
  });

  it('fails a stream that ends before it was complete', () => {
    const stream = new OpenAiToResponsesStream(ctx(parse({ input: 'x' })));
    stream.push(chunk({ content: 'Hi' }));
    expect(stream.end(false).map((e) => e.type)).toEqual(['response.failed', 'error']);
  });
});
