import { describe, expect, it } from 'vitest';
import { parseConfigValue } from '../../../app/config/parse.ts';
import { RouteSchema, type Rule } from '../../../app/config/schema.ts';
import { requestShape, type RequestShape } from '../../../app/routing/requestShape.ts';
import { chooseRoute, ruleMatches } from '../../../app/routing/rules.ts';

const route = (name: string, aliases?: string[]) =>
  RouteSchema.parse({
    name,
    targets: [{ provider: 'groq', model: 'llama-3.1-8b-instant' }],
    ...(aliases ? { aliases } : {}),
  });
const ROUTES = [route('fast'), route('long'), route('main', ['claude-*']), route('strong')];
const RULES: Rule[] = [
  { name: 'background', when: { model: 'claude-*haiku*' }, route: 'fast' },
  { name: 'small output', when: { maxOutputTokens: 1024, client: 'claude-cli/*' }, route: 'fast' },
  { name: 'long context', when: { minPromptTokens: 60_000 }, route: 'long' },
  { name: 'thinking', when: { thinking: true }, route: 'strong' },
];
const context = { rules: RULES, routes: ROUTES, isProvider: (id: string) => id === 'groq' };

const shape = (over: Partial<RequestShape> = {}): RequestShape => ({
  model: 'claude-sonnet-4-5',
  format: 'anthropic',
  client: 'claude-cli/2.0.14 (external, cli)',
  stream: true,
  promptTokens: 2_000,
  maxTokens: 32_000,
  hasImages: false,
  hasTools: true,
  thinking: false,
  ...over,
});

const routeOf = (s: RequestShape, forced?: string) => {
  const choice = chooseRoute(s, forced, context);
  return choice.kind === 'match' && choice.match.kind === 'route'
    ? [choice.match.route.name, choice.via, choice.rule ?? null]
    : choice;
};

describe('chooseRoute', () => {
  it('takes the first rule whose conditions all hold, before the model name', () => {
    expect(routeOf(shape({ model: 'claude-haiku-4-5-20251001' }))).toEqual([
      'fast',
      'rule',
      'background',
    ]);
    expect(routeOf(shape({ maxTokens: 512 }))).toEqual(['fast', 'rule', 'small output']);
    // Same small output from another client: that rule's client glob does not hold.
    expect(routeOf(shape({ maxTokens: 512, client: 'codex_cli_rs/0.5' }))).toEqual([
      'main',
      'model',
      null,
    ]);
    expect(routeOf(shape({ promptTokens: 60_000 }))).toEqual(['long', 'rule', 'long context']);
    expect(routeOf(shape({ promptTokens: 59_999 }))).toEqual(['main', 'model', null]);
    expect(routeOf(shape({ thinking: true }))).toEqual(['strong', 'rule', 'thinking']);
    // Order decides: a long haiku call is still background.
    expect(routeOf(shape({ model: 'claude-haiku-4-5', promptTokens: 90_000 }))).toEqual([
      'fast',
      'rule',
      'background',
    ]);
  });

  it('a forced route wins over every rule; an unknown one names the routes', () => {
    expect(routeOf(shape({ model: 'claude-haiku-4-5' }), 'strong')).toEqual([
      'strong',
      'header',
      null,
    ]);
    expect(chooseRoute(shape(), 'nope', context)).toEqual({
      kind: 'no-such-route',
      asked: 'nope',
      message:
        'x-switchyard-route names no route "nope": send one of "fast", "long", "main", "strong", or drop the header.',
    });
  });

  it('conditions: format, stream, images, tools, token bounds, an absent max_tokens', () => {
    const s = shape();
    expect(ruleMatches({}, s)).toBe(true);
    expect(ruleMatches({ format: 'openai' }, s)).toBe(false);
    expect(ruleMatches({ stream: false }, s)).toBe(false);
    expect(ruleMatches({ hasImages: true }, s)).toBe(false);
    expect(ruleMatches({ hasTools: true, maxPromptTokens: 2_000 }, s)).toBe(true);
    expect(ruleMatches({ maxPromptTokens: 1_999 }, s)).toBe(false);
    expect(ruleMatches({ maxOutputTokens: 100 }, shape({ maxTokens: undefined }))).toBe(false);
  });
});

describe('requestShape', () => {
  it('reads images, tools, thinking and the engine’s token estimate from any caller format', () => {
    const anthropic = requestShape({
      body: {
        thinking: { type: 'enabled', budget_tokens: 4000 },
        tools: [{ name: 'Bash' }],
        messages: [
          { role: 'user', content: [{ type: 'image', source: { type: 'base64', data: 'x' } }] },
        ],
      },
      model: 'claude-sonnet-4-5',
      format: 'anthropic',
      client: '',
      stream: false,
      promptChars: 4001,
      maxTokens: 100,
    });
    expect(anthropic).toMatchObject({
      hasImages: true,
      hasTools: true,
      thinking: true,
      promptTokens: 1001,
    });
    const openai = requestShape({
      body: { reasoning_effort: 'minimal', tools: [], messages: [{ role: 'user', content: 'hi' }] },
      model: 'gpt-5',
      format: 'openai',
      client: '',
      stream: false,
      promptChars: 2,
      maxTokens: undefined,
    });
    expect(openai).toMatchObject({
      hasImages: false,
      hasTools: false,
      thinking: false,
      promptTokens: 1,
    });
    const gemini = (generationConfig: Record<string, unknown>) =>
      requestShape({
        body: {
          generationConfig,
          contents: [
            { role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: 'x' } }] },
          ],
        },
        model: 'gemini-2.5-pro',
        format: 'gemini',
        client: 'GeminiCLI/0.9.0 (linux; x64)',
        stream: true,
        promptChars: 4000,
        maxTokens: undefined,
      });
    expect(gemini({ thinkingConfig: { thinkingBudget: 8192 } })).toMatchObject({
      hasImages: true,
      thinking: true,
    });
    expect(gemini({ thinkingConfig: { includeThoughts: true } }).thinking).toBe(true);
    expect(gemini({ thinkingConfig: { thinkingBudget: 0 } }).thinking).toBe(false);
    expect(gemini({}).thinking).toBe(false);
  });

  it('walks the prompt for images only when asked, and once', () => {
    let walks = 0;
    const body = {
      get messages() {
        walks++;
        return [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }];
      },
    };
    const shape = requestShape({
      body,
      model: 'gpt-5',
      format: 'openai',
      client: '',
      stream: false,
      promptChars: 0,
      maxTokens: undefined,
    });
    expect(walks).toBe(0);
    expect(ruleMatches({ hasImages: true }, shape)).toBe(true);
    expect(ruleMatches({ hasImages: false }, shape)).toBe(false);
    expect(walks).toBe(1);
  });
});

describe('rules in the config schema', () => {
  it('name the field of each problem', () => {
    const result = parseConfigValue({
      version: 1,
      routes: [{ name: 'fast', targets: [{ provider: 'groq', model: 'm' }] }],
      rules: [
        { name: 'a', when: {}, route: 'fast' },
        { name: 'b', when: { minPromptTokens: 10, maxPromptTokens: 5 }, route: 'fast' },
      ],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      'rules[1].when.maxPromptTokens: maxPromptTokens (5) is below minPromptTokens (10): no request could match',
    ]);
    const format = parseConfigValue({
      version: 1,
      rules: [{ name: 'c', when: { format: 'cobol' }, route: 'x' }],
    });
    expect(format.ok ? [] : format.errors).toEqual([
      'rules[0].when.format: Invalid option: expected one of "openai"|"anthropic"|"responses"|"gemini"',
    ]);
    const second = parseConfigValue({
      version: 1,
      routes: [{ name: 'fast', targets: [{ provider: 'groq', model: 'm' }] }],
      rules: [{ name: 'c', when: {}, route: 'x' }],
    });
    expect(second.ok ? [] : second.errors).toEqual([
      'rules[0].route: no route named "x": name one of "fast"',
    ]);
  });
});
