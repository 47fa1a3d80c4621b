import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MessageResponseSchema,
  MessagesRequestSchema,
  encodeAnthropicEvent,
} from '../../../app/formats/anthropic.ts';
import { anthropicToOpenAiRequest } from '../../../app/formats/anthropicInbound.ts';
import { OpenAiToAnthropicStream } from '../../../app/formats/anthropicInboundStream.ts';
import {
  anthropicToOpenAiResponse,
  openAiToAnthropicRequest,
} from '../../../app/formats/anthropicTarget.ts';
import { AnthropicToOpenAiStream } from '../../../app/formats/anthropicTargetStream.ts';
import { openAiToGeminiRequest } from '../../../app/formats/geminiTarget.ts';
import type { ChatCompletionChunk, FinishReason } from '../../../app/formats/openai.ts';
import { ChatCompletionRequestSchema } from '../../../app/formats/openai.ts';
import { accumulate, cut, translateSse } from './helpers.ts';

const key = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/);
const argsArb = fc.dictionary(key, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
const nameArb = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_]{0,15}$/);
const textArb = fc.string({ minLength: 1, maxLength: 20 });

/** JSON-normalised (drops -0 and undefined the way a wire round trip does). */
const viaJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('OpenAI → Anthropic → OpenAI', () => {
  it('keeps tool calls: ids, names and arguments', () => {
    const callsArb = fc.array(fc.tuple(nameArb, argsArb), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(callsArb, (calls) => {
        const toolCalls = calls.map(([name, args], i) => ({
          id: `call_${i}`,
          type: 'function',
          function: { name, arguments: JSON.stringify(args) },
        }));
        const req = ChatCompletionRequestSchema.parse({
          model: 'm',
          messages: [
            { role: 'user', content: 'go' },
            { role: 'assistant', content: null, tool_calls: toolCalls },
          ],
        });
        const anthropic = openAiToAnthropicRequest(req, 'claude');
        if (!anthropic.ok) throw new Error(anthropic.error.message);
        const assistantTurn = anthropic.value.messages[1];
        const response = MessageResponseSchema.parse({
          id: 'msg',
          model: 'claude',
          content: viaJson(assistantTurn?.content),
          stop_reason: 'tool_use',
          usage: { input_tokens: 1, output_tokens: 1 },
        });
        const back =
          anthropicToOpenAiResponse(response, { created: 0 }).choices[0]?.message.tool_calls ?? [];
        expect(back.map((c) => [c.id, c.function.name, JSON.parse(c.function.arguments)])).toEqual(
          calls.map(([name, args], i) => [`call_${i}`, name, viaJson(args)]),
        );
      }),
      { numRuns: 200 },
    );
  });
});

type Turn = { role: 'user' | 'assistant'; content: string | Array<Record<string, unknown>> };

/** Alternating turns; every tool_use is answered by a tool_result in the next user turn. */
const conversationArb = fc
  .array(
    fc.record({
      text: fc.option(textArb, { nil: undefined }),
      tools: fc.array(fc.tuple(nameArb, argsArb), { maxLength: 3 }),
      results: fc.array(textArb, { minLength: 3, maxLength: 3 }),
      reply: fc.option(textArb, { nil: undefined }),
    }),
    { minLength: 1, maxLength: 4 },
  )
  .map((rounds) => {
    const turns: Turn[] = [{ role: 'user', content: 'start' }];
    rounds.forEach((round, r) => {
      const assistant: Array<Record<string, unknown>> = [];
      if (round.text !== undefined || round.tools.length === 0) {
        assistant.push({ type: 'text', text: round.text ?? 'ok' });
      }
      round.tools.forEach(([name, input], k) => {
        assistant.push({ type: 'tool_use', id: `toolu_${r}_${k}`, name, input });
      });
      turns.push({ role: 'assistant', content: assistant });
      const user: Array<Record<string, unknown>> = round.tools.map((_, k) => ({
        type: 'tool_result',
        tool_use_id: `toolu_${r}_${k}`,
        content: round.results[k],
      }));
      if (round.reply !== undefined || user.length === 0)
        user.push({ type: 'text', text: round.reply ?? 'next' });
      turns.push({ role: 'user', content: user });
    });
    return turns;
  });

const asBlocks = (turn: Turn) => ({
  role: turn.role,
  content: typeof turn.content === 'string' ? [{ type: 'text', text: turn.content }] : turn.content,
});

describe('Anthropic → OpenAI hub → Anthropic', () => {
  it('keeps a tool conversation turn for turn', () => {
    fc.assert(
      fc.property(conversationArb, (turns) => {
        const inbound = MessagesRequestSchema.parse({
          model: 'claude',
          max_tokens: 100,
          messages: turns,
        });
        const hub = anthropicToOpenAiRequest(inbound);
        if (!hub.ok) throw new Error(hub.error.message);
        const back = openAiToAnthropicRequest(
          ChatCompletionRequestSchema.parse(hub.value),
          'claude',
        );
        if (!back.ok) throw new Error(back.error.message);
        expect(viaJson(back.value.messages)).toEqual(viaJson(turns.map(asBlocks)));
      }),
      { numRuns: 200 },
    );
  });
});

describe('OpenAI chunks → Anthropic events → OpenAI chunks', () => {
  const fragments = (text: string, cuts: number[]): string[] => {
    const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
    const out: string[] = [];
    let last = 0;
    for (const p of [...points, text.length]) {
      out.push(text.slice(last, p));
      last = p;
    }
    return out;
  };
  const streamArb = fc.record({
    reasoning: fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }),
    text: fc.array(fc.string({ maxLength: 8 }), { maxLength: 5 }),
    tools: fc.array(fc.tuple(nameArb, argsArb, fc.array(fc.nat(), { maxLength: 4 })), {
      maxLength: 3,
    }),
    finish: fc.constantFrom<FinishReason>('stop', 'length', 'content_filter'),
    prompt: fc.nat({ max: 100000 }),
    cachedShare: fc.double({ min: 0, max: 1, noNaN: true }),
    completion: fc.nat({ max: 5000 }),
    sizes: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }),
  });

  it('comes back with the same text, tool calls, finish reason and usage', () => {
    fc.assert(
      fc.property(streamArb, (s) => {
        const base = {
          id: 'chatcmpl-p',
          object: 'chat.completion.chunk' as const,
          created: 1,
          model: 'gpt',
        };
        const chunk = (
          delta: ChatCompletionChunk['choices'][number]['delta'],
          finish: FinishReason | null = null,
        ) => ({
          ...base,
          choices: [{ index: 0, delta, finish_reason: finish }],
        });
        const cached = Math.floor(s.prompt * s.cachedShare);
        const chunks: ChatCompletionChunk[] = [chunk({ role: 'assistant', content: '' })];
        for (const r of s.reasoning) chunks.push(chunk({ reasoning_content: r }));
        for (const t of s.text) chunks.push(chunk({ content: t }));
        s.tools.forEach(([name, args, cuts], index) => {
          chunks.push(
            chunk({
              tool_calls: [
                { index, id: `call_${index}`, type: 'function', function: { name, arguments: '' } },
              ],
            }),
          );
          for (const piece of fragments(JSON.stringify(args), cuts)) {
            chunks.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
          }
        });
        const finish: FinishReason = s.tools.length > 0 ? 'tool_calls' : s.finish;
        chunks.push(chunk({}, finish));
        const usage = {
          prompt_tokens: s.prompt,
          completion_tokens: s.completion,
          total_tokens: s.prompt + s.completion,
          prompt_tokens_details: { cached_tokens: cached },
        };
        chunks.push({ ...base, choices: [], usage });

        const toAnthropic = new OpenAiToAnthropicStream({ model: 'claude', id: 'msg' });
        const events = chunks.flatMap((c) => toAnthropic.push(c));
        events.push(...toAnthropic.end(true));
        const sse = events.map(encodeAnthropicEvent).join('');
        const back = accumulate(
          translateSse(
            cut(sse, s.sizes),
            new AnthropicToOpenAiStream({ created: 1, includeUsage: true }),
          ),
        );
        const original = accumulate(chunks);
        expect(back.error).toBeNull();
        expect(back.content).toBe(original.content);
        expect(back.reasoning).toBe(original.reasoning);
        expect(back.toolCalls).toEqual(original.toolCalls);
        expect(back.finishReason).toBe(finish);
        expect(back.usage).toEqual(usage);
      }),
      { numRuns: 200 },
    );
  });
});

describe('OpenAI → Gemini', () => {
  it('names every function response after the call it answers, in any order', () => {
    const arb = fc.array(nameArb, { minLength: 1, maxLength: 5 }).chain((names) =>
      fc.tuple(
        fc.constant(names),
        fc.shuffledSubarray(
          names.map((_, i) => i),
          { minLength: names.length },
        ),
      ),
    );
    fc.assert(
      fc.property(arb, ([names, order]) => {
        const req = ChatCompletionRequestSchema.parse({
          model: 'm',
          messages: [
            { role: 'user', content: 'go' },
            {
              role: 'assistant',
              content: null,
              tool_calls: names.map((name, i) => ({
                id: `c${i}`,
                type: 'function',
                function: { name, arguments: '{}' },
              })),
            },
            ...order.map((i) => ({ role: 'tool', tool_call_id: `c${i}`, content: `r${i}` })),
          ],
        });
        const out = openAiToGeminiRequest(req);
        if (!out.ok) throw new Error(out.error.message);
        expect(out.value.contents).toHaveLength(3);
        expect(
          out.value.contents[2]?.parts.map((p) => [
            p.functionResponse?.name,
            p.functionResponse?.response,
          ]),
        ).toEqual(order.map((i) => [names[i], { output: `r${i}` }]));
      }),
      { numRuns: 100 },
    );
  });
});
