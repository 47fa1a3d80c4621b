import type Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROXY_KEY, startTestEngine, type TestEngine } from './harness.ts';
import { keysFor } from './testConfig.ts';

const KEYS = keysFor('it', [
  ['openai-main', 'openai'],
  ['anthropic-main', 'anthropic'],
  // Paid: the matrix sends more than the free tier's 10 requests a minute to Gemini.
  ['gemini-main', 'gemini', 'paid'],
]);

const TARGETS = [
  { provider: 'openai', model: 'gpt-4o-mini' },
  { provider: 'anthropic', model: 'claude-haiku-4-5' },
  { provider: 'gemini', model: 'gemini-2.5-flash' },
] as const;

const WEATHER_TOOL = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

let t: TestEngine;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  t = await startTestEngine({
    mocks: {
      openai: { format: 'openai', keys: [{ key: KEYS[0]!.secret, label: 'openai-main' }] },
      anthropic: { format: 'anthropic', keys: [{ key: KEYS[1]!.secret, label: 'anthropic-main' }] },
      gemini: { format: 'gemini', keys: [{ key: KEYS[2]!.secret, label: 'gemini-main' }] },
    },
    keys: KEYS,
    routes: [
      ...TARGETS.map((target) => ({ name: `via-${target.provider}`, targets: [target] })),
      { name: 'long-context', targets: [TARGETS[0], TARGETS[2]] },
      { name: 'via-opus', targets: [{ provider: 'anthropic', model: 'claude-opus-4-5' }] },
    ],
  });
  openai = t.openai();
  anthropic = t.anthropic();
});
afterAll(async () => {
  await t?.close();
});

describe.each(TARGETS)('openai SDK → $provider', (target) => {
  const model = `via-${target.provider}`;

  it('answers a chat completion with usage and the Switchyard headers', async () => {
    const { data, response } = await openai.chat.completions
      .create({
        model,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'hello there' },
        ],
      })
      .withResponse();
    expect(data.choices[0]!.message.content).toContain('hello there');
    expect(data.choices[0]!.finish_reason).toBe('stop');
    expect(data.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(data.usage!.completion_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-switchyard-route')).toBe(model);
    expect(response.headers.get('x-switchyard-provider')).toBe(target.provider);
    expect(response.headers.get('x-switchyard-model')).toBe(target.model);
    expect(response.headers.get('x-switchyard-attempts')).toBe('1');
    const last = t.mocks[target.provider]!.requests.at(-1)!;
    expect(last.key?.label).toBe(`${target.provider}-main`);
  });

  it('streams a chat completion with include_usage', async () => {
    const stream = await openai.chat.completions.create({
      model,
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'stream me a few words please' }],
    });
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toContain('stream me a few words please');
    expect(finish).toBe('stop');
    expect(usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('round-trips a tool call, streamed, with arguments reassembled', async () => {
    const stream = await openai.chat.completions.create({
      model,
      stream: true,
      tools: [WEATHER_TOOL],
      messages: [{ role: 'user', content: 'use the get_weather tool for Paris' }],
    });
    const calls = new Map<number, { id: string; name: string; args: string }>();
    let finish: string | null = null;
    for await (const chunk of stream) {
      for (const call of chunk.choices[0]?.delta.tool_calls ?? []) {
        const entry = calls.get(call.index) ?? { id: '', name: '', args: '' };
        entry.id ||= call.id ?? '';
        entry.name ||= call.function?.name ?? '';
        entry.args += call.function?.arguments ?? '';
        calls.set(call.index, entry);
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(finish).toBe('tool_calls');
    const call = calls.get(0)!;
    expect(call.name).toBe('get_weather');
    expect(call.id).not.toBe('');
    expect(typeof JSON.parse(call.args).city).toBe('string');

    const followUp = await openai.chat.completions.create({
      model,
      tools: [WEATHER_TOOL],
      messages: [
        { role: 'user', content: 'use the get_weather tool for Paris' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: call.id, type: 'function', function: { name: call.name, arguments: call.args } },
          ],
        },
        { role: 'tool', tool_call_id: call.id, content: '{"temp": 21}' },
        { role: 'user', content: 'thanks, summarise' },
      ],
    });
    expect(followUp.choices[0]!.message.content).toContain('thanks, summarise');
  });

  it('makes parallel tool calls', async () => {
    const result = await openai.chat.completions.create({
      model,
      tools: [
        WEATHER_TOOL,
        {
          type: 'function',
          function: {
            name: 'get_time',
            parameters: { type: 'object', properties: { zone: { type: 'string' } } },
          },
        },
      ],
      messages: [{ role: 'user', content: 'call get_weather and get_time tools' }],
    });
    const names = result.choices[0]!.message.tool_calls!.map((c) =>
      c.type === 'function' ? c.function.name : '',
    );
    expect(names.sort()).toEqual(['get_time', 'get_weather']);
    expect(result.choices[0]!.finish_reason).toBe('tool_calls');
  });
});

describe.each(TARGETS)('anthropic SDK → $provider', (target) => {
  const model = `via-${target.provider}`;

  it('answers a message with a system prompt, stop reason and usage', async () => {
    const message = await anthropic.messages.create({
      model,
      max_tokens: 200,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'hello from claude code' }],
    });
    const text = message.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
    expect(text).toContain('hello from claude code');
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
  });

  it('streams a message with every event in order', async () => {
    const stream = anthropic.messages.stream({
      model,
      max_tokens: 200,
      messages: [{ role: 'user', content: 'stream some words for me' }],
    });
    const types: string[] = [];
    stream.on('streamEvent', (event) => types.push(event.type));
    const final = await stream.finalMessage();
    const text = final.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
    expect(text).toContain('stream some words for me');
    expect(types[0]).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
    expect(types).toContain('content_block_delta');
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBeGreaterThan(0);
  });

  it('round-trips tool_use and tool_result, streamed', async () => {
    const tools = [
      {
        name: 'get_weather',
        description: 'Weather',
        input_schema: {
          type: 'object' as const,
          properties: { city: { type: 'string' } },
          required: ['city'],
        },
      },
    ];
    const stream = anthropic.messages.stream({
      model,
      max_tokens: 200,
      tools,
      messages: [{ role: 'user', content: 'use the get_weather tool for Oslo' }],
    });
    const first = await stream.finalMessage();
    expect(first.stop_reason).toBe('tool_use');
    const use = first.content.find((b) => b.type === 'tool_use');
    expect(use?.type === 'tool_use' && use.name).toBe('get_weather');
    if (use?.type !== 'tool_use') return;
    expect(typeof (use.input as { city?: unknown }).city).toBe('string');

    const second = await anthropic.messages.create({
      model,
      max_tokens: 200,
      tools,
      messages: [
        { role: 'user', content: 'use the get_weather tool for Oslo' },
        { role: 'assistant', content: first.content },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: use.id, content: '{"temp": 3}' },
            { type: 'text', text: 'and now summarise' },
          ],
        },
      ],
    });
    expect(second.content.map((b) => (b.type === 'text' ? b.text : '')).join('')).toContain(
      'and now summarise',
    );
  });
});

describe('direct provider/model addressing', () => {
  it('serves provider/model without a route', async () => {
    const { data, response } = await openai.chat.completions
      .create({
        model: 'gemini/gemini-2.5-flash',
        messages: [{ role: 'user', content: 'direct hit' }],
      })
      .withResponse();
    expect(data.choices[0]!.message.content).toContain('direct hit');
    expect(response.headers.get('x-switchyard-route')).toBeNull();
    expect(response.headers.get('x-switchyard-provider')).toBe('gemini');
  });

  it('lists routes and provider/model names', async () => {
    const models = await openai.models.list();
    const ids = models.data.map((m) => m.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'via-openai',
        'via-anthropic',
        'via-gemini',
        'anthropic/claude-haiku-4-5',
      ]),
    );
  });

  it('serves embeddings from an OpenAI-format provider', async () => {
    const result = await openai.embeddings.create({
      model: 'openai/text-embedding-3-small',
      input: ['one', 'two'],
    });
    expect(result.data).toHaveLength(2);
    expect(result.data[0]!.embedding.length).toBeGreaterThan(0);
  });

  it('serves embeddings from Gemini, translated to batchEmbedContents', async () => {
    const result = await openai.embeddings.create({
      model: 'gemini/text-embedding-004',
      input: ['alpha', 'beta', 'gamma'],
    });
    expect(result.data.map((d) => d.index)).toEqual([0, 1, 2]);
    expect(result.data[0]!.embedding.length).toBeGreaterThan(0);
    expect(t.mocks.gemini!.requests.at(-1)!.path).toMatch(/:batchEmbedContents$/);
  });

  it('serves legacy completions from an OpenAI-format provider, and refuses them elsewhere', async () => {
    const ok = await openai.completions.create({
      model: 'openai/gpt-3.5-turbo-instruct',
      prompt: 'say hi',
    });
    expect(ok.choices[0]!.text.length).toBeGreaterThan(0);
    await expect(
      openai.completions.create({ model: 'anthropic/claude-haiku-4-5', prompt: 'say hi' }),
    ).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/completions endpoint needs an OpenAI-format provider/),
    });
  });
});

describe('usage of streamed answers', () => {
  it('is counted even when the client did not ask for it, and the client still gets no usage chunk', async () => {
    const stream = await openai.chat.completions.create({
      model: 'via-openai',
      stream: true,
      messages: [{ role: 'user', content: 'count my tokens' }],
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.some((c) => c.usage)).toBe(false);
    expect(chunks.every((c) => c.choices.length > 0)).toBe(true);
    const upstream = t.mocks.openai!.requests.at(-1)!.body as {
      stream_options?: { include_usage?: boolean };
    };
    expect(upstream.stream_options).toEqual({ include_usage: true });
    const log = (await (await t.adminFetch('/admin/requests?limit=1')).json()) as {
      items: Array<{ tokensIn: number; tokensOut: number; streamed: boolean }>;
    };
    expect(log.items[0]).toMatchObject({ streamed: true });
    expect(log.items[0]!.tokensIn).toBeGreaterThan(0);
    expect(log.items[0]!.tokensOut).toBeGreaterThan(0);
  });

  it('still reaches a client that asked for it', async () => {
    const stream = await openai.chat.completions.create({
      model: 'via-openai',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'and mine' }],
    });
    let usage: unknown;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    expect(usage).toMatchObject({ completion_tokens: expect.any(Number) });
  });
});

/** A /v1/messages body shaped the way Claude Code 2.1 sends it (PROVIDERS.md §9). */
function claudeCodeBody(model: string): Record<string, unknown> {
  return {
    model,
    max_tokens: 32000,
    stream: false,
    system: [{ type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } }],
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'first question' }] },
      { role: 'system', content: 'Agents available: general-purpose, explore.' },
      {
        role: 'user',
        content: [
          {
            type: 'text',
            text: 'tell me something',
            cache_control: { type: 'ephemeral', ttl: '1h' },
          },
        ],
      },
    ],
    tools: [
      {
        name: 'Bash',
        description: 'Run a command',
        input_schema: { type: 'object', properties: { command: { type: 'string' } } },
        cache_control: { type: 'ephemeral' },
      },
    ],
    thinking: { type: 'adaptive' },
    context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
    output_config: { effort: 'high' },
    metadata: { user_id: 'user_abc_account_def_session_ghi' },
  };
}

const CLAUDE_CODE_BETAS = 'claude-code-20250219,mid-conversation-system-2026-04-07';

async function postMessages(path: string, body: unknown, beta?: string): Promise<Response> {
  return fetch(`${t.engine.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-api-key': PROXY_KEY,
      'anthropic-version': '2023-06-01',
      ...(beta === undefined ? {} : { 'anthropic-beta': beta }),
    },
    body: JSON.stringify(body),
  });
}

describe.each(TARGETS)('Claude Code request shapes → $provider', (target) => {
  const model = `via-${target.provider}`;
  const mock = () => t.mocks[target.provider]!;

  it('accepts a mid-conversation system message and beta fields, and carries them to the target', async () => {
    const res = await postMessages(
      '/v1/messages?beta=true',
      claudeCodeBody(model),
      CLAUDE_CODE_BETAS,
    );
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { content: Array<{ type: string; text?: string }> };
    expect(
      answer.content.some((b) => b.type === 'text' && b.text?.includes('tell me something')),
    ).toBe(true);
    const seen = mock().requests.at(-1)!;
    const raw = JSON.stringify(seen.body);
    expect(raw).toContain('Agents available: general-purpose, explore.');
    if (target.provider === 'anthropic') {
      // Same format: forwarded as sent, beta header and beta-only fields together.
      expect(seen.headers['anthropic-beta']).toBe(CLAUDE_CODE_BETAS);
      const body = seen.body as { messages: Array<{ role: string }>; context_management?: unknown };
      expect(body.messages.map((m) => m.role)).toEqual(['user', 'system', 'user']);
      expect(body.context_management).toBeDefined();
      expect(raw).toContain('"ttl":"1h"');
    } else {
      expect(seen.headers['anthropic-beta']).toBeUndefined();
      expect(raw).not.toContain('cache_control');
      expect(raw).not.toContain('context_management');
    }
    if (target.provider === 'openai') {
      const body = seen.body as { messages: Array<{ role: string }>; max_tokens?: number };
      expect(body.messages.map((m) => m.role)).toEqual(['system', 'user', 'system', 'user']);
      // gpt-4o-mini writes at most 16,384 tokens: 32,000 would be a 400 from a real OpenAI.
      expect(body.max_tokens).toBe(16384);
    }
    if (target.provider === 'gemini') {
      const body = seen.body as {
        systemInstruction?: { parts: Array<{ text: string }> };
        generationConfig?: { maxOutputTokens?: number; thinkingConfig?: unknown };
      };
      expect(body.systemInstruction?.parts.map((p) => p.text)).toEqual([
        'You are Claude Code.',
        'Agents available: general-purpose, explore.',
      ]);
      expect(body.generationConfig?.maxOutputTokens).toBe(32000);
      // thinking: adaptive asks Gemini for its thoughts, without a budget it may refuse.
      expect(body.generationConfig?.thinkingConfig).toEqual({ includeThoughts: true });
    }
  });

  it('counts tokens with countTokens and never sends a chat request upstream', async () => {
    const before = mock().requests.length;
    const { data, response } = await anthropic.messages
      .countTokens({
        model,
        system: 'Be brief.',
        messages: [{ role: 'user', content: 'how many tokens is this sentence, roughly?' }],
      })
      .withResponse();
    expect(data.input_tokens).toBeGreaterThan(5);
    const upstream = mock().requests.slice(before);
    expect(upstream.filter((r) => !r.path.includes('count_tokens'))).toEqual([]);
    if (target.provider === 'anthropic') {
      expect(upstream.map((r) => r.path)).toEqual(['/v1/messages/count_tokens']);
      expect(response.headers.get('x-switchyard-token-count')).toBe('provider');
    } else {
      expect(upstream).toEqual([]);
      expect(response.headers.get('x-switchyard-token-count')).toBe('estimate');
    }
  });

  it('counts a Claude Code body at /v1/messages/count_tokens?beta=true', async () => {
    const before = mock().requests.length;
    const { max_tokens: _omit, stream: _s, ...body } = claudeCodeBody(model);
    const res = await postMessages('/v1/messages/count_tokens?beta=true', body, CLAUDE_CODE_BETAS);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { input_tokens: number }).input_tokens).toBeGreaterThan(5);
    const upstream = mock().requests.slice(before);
    if (target.provider === 'anthropic') {
      expect(upstream).toHaveLength(1);
      expect(upstream[0]!.headers['anthropic-beta']).toBe(CLAUDE_CODE_BETAS);
    } else expect(upstream).toEqual([]);
  });
});

describe.each(TARGETS)('prompt cache usage from $provider', (target) => {
  const model = `via-${target.provider}`;
  const CACHED = 3;
  const withCache = async (run: () => Promise<void>) => {
    t.mocks[target.provider]!.setBehavior({ cachedTokens: CACHED });
    try {
      await run();
    } finally {
      t.mocks[target.provider]!.setBehavior({ cachedTokens: 0 });
    }
  };
  const prompt = 'a prompt long enough to have a cached prefix of a few tokens';

  it('reaches an OpenAI caller as prompt_tokens_details.cached_tokens, streamed or not', () =>
    withCache(async () => {
      const whole = await openai.chat.completions.create({
        model,
        messages: [{ role: 'user', content: prompt }],
      });
      expect(whole.usage?.prompt_tokens_details?.cached_tokens).toBe(CACHED);
      const stream = await openai.chat.completions.create({
        model,
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: prompt }],
      });
      let cached: number | undefined;
      for await (const chunk of stream)
        cached = chunk.usage?.prompt_tokens_details?.cached_tokens ?? cached;
      expect(cached).toBe(CACHED);
    }));

  it('reaches an Anthropic caller as cache_read_input_tokens, streamed or not', () =>
    withCache(async () => {
      const whole = await anthropic.messages.create({
        model,
        max_tokens: 100,
        system: [{ type: 'text', text: 'cached system', cache_control: { type: 'ephemeral' } }],
        messages: [{ role: 'user', content: prompt }],
      });
      expect(whole.usage.cache_read_input_tokens).toBe(CACHED);
      const streamed = await anthropic.messages
        .stream({ model, max_tokens: 100, messages: [{ role: 'user', content: prompt }] })
        .finalMessage();
      expect(streamed.usage.cache_read_input_tokens).toBe(CACHED);
    }));
});

describe('cost of cached tokens', () => {
  it('prices cache reads at the catalog cached rate', async () => {
    t.mocks.anthropic!.setBehavior({ cachedTokens: 4 });
    try {
      await anthropic.messages.create({
        model: 'via-anthropic',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'price my cached prompt, please, it is long enough' }],
      });
    } finally {
      t.mocks.anthropic!.setBehavior({ cachedTokens: 0 });
    }
    const log = (await (await t.adminFetch('/admin/requests?limit=1')).json()) as {
      items: Array<{ tokensIn: number; tokensOut: number; costUsd: number }>;
    };
    const { tokensIn, tokensOut, costUsd } = log.items[0]!;
    // claude-haiku-4-5: $1 in, $0.10 cached in, $5 out per million.
    expect(costUsd).toBeCloseTo(((tokensIn - 4) * 1 + 4 * 0.1 + tokensOut * 5) / 1e6, 12);
  });
});

describe.each(TARGETS)('thinking from $provider', (target) => {
  const model = `via-${target.provider}`;
  const THOUGHT = 'Let me think about the weather first.';
  const mock = () => t.mocks[target.provider]!;
  const withThinking = async (run: () => Promise<void>) => {
    mock().setBehavior({ reasoning: THOUGHT });
    try {
      await run();
    } finally {
      mock().setBehavior({ reasoning: undefined });
    }
  };
  const tools = [
    {
      name: 'get_weather',
      description: 'Weather',
      input_schema: {
        type: 'object' as const,
        properties: { city: { type: 'string' } },
        required: ['city'],
      },
    },
  ];
  type Reasoning = { reasoning_content?: string };

  it('reaches an OpenAI caller as reasoning_content, streamed or not', () =>
    withThinking(async () => {
      const whole = await openai.chat.completions.create({
        model,
        messages: [{ role: 'user', content: 'think, then answer' }],
      });
      expect((whole.choices[0]!.message as Reasoning).reasoning_content).toBe(THOUGHT);
      const stream = await openai.chat.completions.create({
        model,
        stream: true,
        messages: [{ role: 'user', content: 'think, then answer' }],
      });
      let reasoning = '';
      for await (const chunk of stream)
        reasoning += (chunk.choices[0]?.delta as Reasoning | undefined)?.reasoning_content ?? '';
      expect(reasoning).toBe(THOUGHT);
    }));

  it('reaches an Anthropic caller as signed thinking and goes back to the same model intact', () =>
    withThinking(async () => {
      const first = await anthropic.messages
        .stream({
          model,
          max_tokens: 300,
          tools,
          messages: [{ role: 'user', content: 'use the get_weather tool for Oslo' }],
        })
        .finalMessage();
      const thinking = first.content.filter((b) => b.type === 'thinking');
      expect(thinking.map((b) => b.thinking).join('')).toBe(THOUGHT);
      expect(thinking.every((b) => b.signature !== '')).toBe(true);
      const whole = await anthropic.messages.create({
        model,
        max_tokens: 300,
        tools,
        messages: [{ role: 'user', content: 'use the get_weather tool for Oslo' }],
      });
      expect(whole.content.filter((b) => b.type === 'thinking').length).toBeGreaterThan(0);

      const use = first.content.find((b) => b.type === 'tool_use')!;
      if (use.type !== 'tool_use') return;
      await anthropic.messages.create({
        model,
        max_tokens: 300,
        tools,
        messages: [
          { role: 'user', content: 'use the get_weather tool for Oslo' },
          { role: 'assistant', content: first.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '3C' }] },
        ],
      });
      const sent = JSON.stringify(mock().requests.at(-1)!.body);
      if (target.provider === 'anthropic') {
        expect(sent).toContain(`"signature":"mock-sig:${target.model}"`);
      } else if (target.provider === 'openai') {
        expect(sent).toContain(`"reasoning_content":"${THOUGHT}"`);
      } else {
        // Gemini gets its thought back and, on the function call, its own thought signature.
        expect(sent).toContain(`"thought":true`);
        expect(sent).toMatch(new RegExp(`"thoughtSignature":"mock-sig:${target.model}:[^"]+"`));
        expect(sent).not.toContain('skip_thought_signature_validator');
      }
    }));

  it('is never replayed to a different model', () =>
    withThinking(async () => {
      const first = await anthropic.messages.create({
        model,
        max_tokens: 300,
        tools,
        messages: [{ role: 'user', content: 'use the get_weather tool for Oslo' }],
      });
      const use = first.content.find((b) => b.type === 'tool_use')!;
      if (use.type !== 'tool_use') return;
      for (const other of TARGETS.filter((o) => o.provider !== target.provider)) {
        await anthropic.messages.create({
          model: `via-${other.provider}`,
          max_tokens: 300,
          tools,
          messages: [
            { role: 'user', content: 'use the get_weather tool for Oslo' },
            { role: 'assistant', content: first.content },
            {
              role: 'user',
              content: [{ type: 'tool_result', tool_use_id: use.id, content: '3C' }],
            },
          ],
        });
        const sent = JSON.stringify(t.mocks[other.provider]!.requests.at(-1)!.body);
        expect(sent).not.toContain(THOUGHT);
        expect(sent).not.toContain('mock-sig');
        expect(sent).not.toContain('switchyard-v1');
      }
    }));
});

describe('a prompt too big for a model', () => {
  it('skips it before sending, counting tool definitions as prompt', async () => {
    // About 140,000 tokens of tool schemas: more than gpt-4o-mini's 128,000-token window.
    const tools = Array.from({ length: 40 }, (_, i) => ({
      name: `tool_${i}`,
      description: 'x'.repeat(14_000),
      input_schema: { type: 'object' as const, properties: {} },
    }));
    const before = t.mocks.openai!.requests.length;
    const { data, response } = await anthropic.messages
      .create({
        model: 'long-context',
        max_tokens: 100,
        tools,
        messages: [{ role: 'user', content: 'a short question' }],
      })
      .withResponse();
    expect(data.content.map((b) => (b.type === 'text' ? b.text : '')).join('')).toContain(
      'a short question',
    );
    expect(response.headers.get('x-switchyard-provider')).toBe('gemini');
    expect(t.mocks.openai!.requests.length).toBe(before);
  });
});

describe('count_tokens when the Anthropic target cannot count', () => {
  it('estimates locally instead, still without a chat request', async () => {
    const mock = t.mocks.anthropic!;
    mock.queueFaults({ kind: 'server-error', status: 500 });
    const before = mock.requests.length;
    const { data, response } = await anthropic.messages
      .countTokens({ model: 'via-anthropic', messages: [{ role: 'user', content: 'count me' }] })
      .withResponse();
    expect(data.input_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-switchyard-token-count')).toBe('estimate');
    expect(mock.requests.slice(before).map((r) => r.path)).toEqual(['/v1/messages/count_tokens']);
  });
});

describe('thinking across Claude models', () => {
  it('is given back to the Claude model that wrote it, never to another one', async () => {
    const mock = t.mocks.anthropic!;
    mock.setBehavior({ reasoning: 'Haiku thinks.' });
    try {
      const tools = [
        { name: 'get_weather', input_schema: { type: 'object' as const, properties: {} } },
      ];
      const question = { role: 'user' as const, content: 'use the get_weather tool' };
      const first = await anthropic.messages
        .stream({ model: 'via-anthropic', max_tokens: 300, tools, messages: [question] })
        .finalMessage();
      const use = first.content.find((b) => b.type === 'tool_use');
      if (use?.type !== 'tool_use') throw new Error('expected a tool call');
      const history = [
        question,
        { role: 'assistant' as const, content: first.content },
        {
          role: 'user' as const,
          content: [{ type: 'tool_result' as const, tool_use_id: use.id, content: 'sunny' }],
        },
      ];
      await anthropic.messages.create({
        model: 'via-opus',
        max_tokens: 300,
        tools,
        messages: history,
      });
      const toOpus = JSON.stringify(mock.requests.at(-1)!.body);
      expect(toOpus).not.toContain('Haiku thinks.');
      expect(toOpus).not.toContain('mock-sig');
      await anthropic.messages.create({
        model: 'via-anthropic',
        max_tokens: 300,
        tools,
        messages: history,
      });
      const toHaiku = JSON.stringify(mock.requests.at(-1)!.body);
      expect(toHaiku).toContain('"signature":"mock-sig:claude-haiku-4-5"');
    } finally {
      mock.setBehavior({ reasoning: undefined });
    }
  });
});
