/**
 * A Responses API caller (the openai SDK's `responses.*`) gets what a chat caller gets from the
 * dispatcher: failover on 429 and 500, the latency-budget hedge, the privacy skip, the request
 * log row, and a failure after the first byte that its SDK raises.
 */
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestDetail, RequestLogPage } from '../../app/admin/types.ts';
import { startTestEngine, type TestEngine } from './harness.ts';
import { CHAINS, keysFor, mocksFor } from './testConfig.ts';

const KEYS = keysFor('resp', [
  ['openai-main', 'openai'],
  ['anthropic-main', 'anthropic'],
  ['groq-main', 'groq'],
  ['cerebras-main', 'cerebras'],
  ['gemini-free', 'gemini'],
]);

let t: TestEngine | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

// Every test has its own engine: faults and cool-downs teach the limiter.
async function start(): Promise<{ t: TestEngine; client: OpenAI }> {
  t = await startTestEngine({
    mocks: mocksFor(['openai', 'anthropic', 'groq', 'cerebras', 'gemini', 'ollama']),
    keys: KEYS,
    routes: [CHAINS.chain, CHAINS.fast, CHAINS.private],
  });
  return {
    t,
    client: t.openai(),
  };
}

async function detail(engine: TestEngine, id: string): Promise<RequestDetail> {
  return (await (await engine.adminFetch(`/admin/requests/${id}`)).json()) as RequestDetail;
}

describe('a Responses caller through the dispatcher', () => {
  it.each([
    ['a 429', { kind: 'rate-limit', retryAfterMs: 2000 } as const, 429],
    ['a 500', { kind: 'server-error', status: 500 } as const, 500],
  ])('falls over on %s to the next target, translated there', async (_name, fault, status) => {
    const { t, client } = await start();
    t.mocks.openai!.queueFaults(fault);
    const { data, response } = await client.responses
      .create({ model: 'chain', input: 'failover please' })
      .withResponse();
    expect(data.output_text).toContain('failover please');
    expect(response.headers.get('x-switchyard-provider')).toBe('anthropic');
    const found = await detail(t, response.headers.get('x-switchyard-request-id')!);
    expect(found.attempts.map((a) => [a.provider, a.status])).toEqual([
      ['openai', status],
      ['anthropic', 200],
    ]);
  });

  it('a stalled first target is overtaken within the latency budget, streamed', async () => {
    const { t, client } = await start();
    t.mocks.groq!.queueFaults({ kind: 'stall-before-headers' });
    const { data: stream, response } = await client.responses
      .create({ model: 'fast', input: 'race me', stream: true })
      .withResponse();
    let text = '';
    for await (const event of stream)
      if (event.type === 'response.output_text.delta') text += event.delta;
    expect(text).toContain('race me');
    expect(response.headers.get('x-switchyard-provider')).toBe('cerebras');
    const found = await detail(t, response.headers.get('x-switchyard-request-id')!);
    expect(found.attempts.map((a) => [a.provider, a.outcome, a.hedged])).toEqual([
      ['groq', 'lost-race', false],
      ['cerebras', 'ok', true],
    ]);
  });

  it('a sensitive route skips a provider that trains on free-tier inputs', async () => {
    const { t, client } = await start();
    const { response } = await client.responses
      .create({ model: 'private', input: 'my customer list' })
      .withResponse();
    expect(response.headers.get('x-switchyard-provider')).toBe('ollama');
    expect(t.mocks.gemini!.requests).toHaveLength(0);
  });

  it('is logged as a Responses request with its tokens', async () => {
    const { t, client } = await start();
    const { response } = await client.responses
      .create({ model: 'chain', input: 'log me', stream: true })
      .withResponse();
    const id = response.headers.get('x-switchyard-request-id')!;
    await expect
      .poll(async () => {
        const page = (await (await t.adminFetch('/admin/requests')).json()) as RequestLogPage;
        return page.items.find((r) => r.id === id);
      })
      .toMatchObject({
        kind: 'responses',
        inboundFormat: 'responses',
        requestedModel: 'chain',
        route: 'chain',
        provider: 'openai',
        status: 200,
        streamed: true,
        tokensIn: expect.any(Number) as number,
      });
  });

  it('a failure after the first byte ends the stream with response.failed, which the SDK raises', async () => {
    const { t, client } = await start();
    t.mocks.openai!.queueFaults({ kind: 'reset-after-headers', afterEvents: 2 });
    const stream = await client.responses.create({ model: 'chain', input: 'cut me', stream: true });
    const types: string[] = [];
    await expect(async () => {
      for await (const event of stream) types.push(event.type);
    }).rejects.toBeInstanceOf(OpenAI.APIError);
    expect(types[0]).toBe('response.created');
    expect(types).toContain('response.failed');
    expect(types).not.toContain('response.completed');
    expect(t.mocks.anthropic!.requests).toHaveLength(0);
  });

  it('an invalid body gets the error envelope before the first byte', async () => {
    const { client } = await start();
    await expect(
      client.responses.create({ model: 'chain', input: 'x', max_output_tokens: 0 }),
    ).rejects.toMatchObject({ status: 400, type: 'invalid_request_error' });
  });
});

describe('stored responses', () => {
  it('store keeps an answer: previous_response_id continues it, GET reads it, DELETE removes it', async () => {
    const { t, client } = await start();
    const first = await client.responses.create({
      model: 'chain',
      instructions: 'Be brief.',
      input: 'remember the word pelican',
    });
    const second = await client.responses.create({
      model: 'chain',
      previous_response_id: first.id,
      input: 'which word?',
      stream: false,
    });
    expect(second.previous_response_id).toBe(first.id);
    // The follow-up reached the upstream with the whole conversation before it.
    const sent = JSON.stringify(t.mocks.openai!.requests.at(-1)?.body);
    expect(sent).toContain('remember the word pelican');
    expect(sent).toContain(first.output_text);
    expect(sent).toContain('which word?');
    // Instructions are not carried over, as OpenAI does.
    expect(sent).not.toContain('Be brief.');
    expect((await client.responses.retrieve(first.id)).output_text).toBe(first.output_text);
    await client.responses.delete(first.id);
    await expect(client.responses.retrieve(first.id)).rejects.toMatchObject({ status: 404 });
  });

  it('a streamed answer is kept too; store: false is not', async () => {
    const { client } = await start();
    const stream = client.responses.stream({ model: 'chain', input: 'streamed and kept' });
    const kept = await stream.finalResponse();
    expect((await client.responses.retrieve(kept.id)).status).toBe('completed');
    const unkept = await client.responses.create({ model: 'chain', input: 'x', store: false });
    await expect(client.responses.retrieve(unkept.id)).rejects.toMatchObject({ status: 404 });
  });

  it('an unknown previous_response_id answers 404 before any upstream request', async () => {
    const { t, client } = await start();
    await expect(
      client.responses.create({ model: 'chain', previous_response_id: 'resp_nope', input: 'x' }),
    ).rejects.toMatchObject({ status: 404, code: 'previous_response_not_found' });
    expect(t.mocks.openai!.requests).toHaveLength(0);
  });
});

describe('a provider that speaks the Responses API itself', () => {
  it('gets the request as sent (include, encrypted reasoning, store) with its model name', async () => {
    const { t, client } = await start();
    const input = [
      { type: 'reasoning' as const, id: 'rs_1', summary: [], encrypted_content: 'opaque-blob' },
      { role: 'user' as const, content: 'native please' },
    ];
    const response = await client.responses.create({
      model: 'chain',
      input,
      include: ['reasoning.encrypted_content'],
      store: false,
      prompt_cache_key: 'cache-me',
    });
    expect(response.output_text).toContain('native please');
    const sent = t.mocks.openai!.requests.at(-1)!;
    expect(sent.path).toBe('/v1/responses');
    expect(sent.body).toEqual({
      model: 'gpt-4o-mini',
      input,
      include: ['reasoning.encrypted_content'],
      store: false,
      prompt_cache_key: 'cache-me',
    });
  });

  it('an OpenAI-format provider without it gets the request translated to chat', async () => {
    const { t, client } = await start();
    await client.responses.create({
      model: 'fast',
      input: 'translated please',
      include: ['reasoning.encrypted_content'],
    });
    const sent = t.mocks.groq!.requests.at(-1)!;
    expect(sent.path).toBe('/v1/chat/completions');
    expect(JSON.stringify(sent.body)).not.toContain('include');
  });
});

describe('Codex-style tools and reasoning through a translating target', () => {
  const APPLY_PATCH = {
    type: 'custom' as const,
    name: 'apply_patch',
    description: 'Edit files with a patch.',
    format: { type: 'grammar' as const, syntax: 'lark' as const, definition: 'start: /.+/' },
  };
  const PATCH = '*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch';

  it.each([false, true])(
    'a custom tool goes up as a function and its call comes back as custom_tool_call (stream: %s)',
    async (stream) => {
      const { t, client } = await start();
      t.mocks.anthropic!.setBehavior({ callTool: { name: 'apply_patch', args: { input: PATCH } } });
      t.mocks.openai!.queueFaults({ kind: 'server-error', status: 500 });
      const request = { model: 'chain', input: 'Add a.txt.', tools: [APPLY_PATCH] };
      const response = stream
        ? await client.responses.stream(request).finalResponse()
        : await client.responses.create(request);
      const call = response.output.find((item) => item.type === 'custom_tool_call');
      expect(call).toMatchObject({ type: 'custom_tool_call', name: 'apply_patch', input: PATCH });
      const sent = t.mocks.anthropic!.requests.at(-1)!.body as { tools: unknown[] };
      expect(sent.tools).toMatchObject([
        { name: 'apply_patch', input_schema: { required: ['input'] } },
      ]);
    },
  );

  it('reasoning from the target comes back as a reasoning summary item', async () => {
    const { t, client } = await start();
    t.mocks.groq!.setBehavior({ reasoning: 'thinking it over' });
    const events: string[] = [];
    let summary = '';
    const stream = client.responses.stream({ model: 'fast', input: 'think first' });
    for await (const event of stream) {
      events.push(event.type);
      if (event.type === 'response.reasoning_summary_text.delta') summary += event.delta;
    }
    const final = await stream.finalResponse();
    expect(summary).toBe('thinking it over');
    expect(final.output[0]).toMatchObject({
      type: 'reasoning',
      summary: [{ type: 'summary_text', text: 'thinking it over' }],
    });
    expect(events.indexOf('response.reasoning_summary_text.delta')).toBeLessThan(
      events.indexOf('response.output_text.delta'),
    );
  });
});
