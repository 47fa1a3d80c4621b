import { describe, expect, it } from 'vitest';
import type { Rule } from '../../../app/config/schema.ts';
import { describeWhen, ruleErrors, rulesFor } from '../../../renderer/src/lib/ruleForm.ts';

const rule = (over: Partial<Rule> = {}): Rule => ({
  name: 'background',
  when: { model: 'claude-*haiku*' },
  route: 'fast',
  ...over,
});

describe('rule form', () => {
  it('gives each field the config schema’s own message', () => {
    const routes = new Set(['fast']);
    expect(ruleErrors(rule(), routes)).toEqual({});
    expect(ruleErrors(rule({ route: 'slow' }), routes)).toEqual({
      route: 'no route named "slow": name one of "fast"',
    });
    expect(ruleErrors(rule({ name: '' }), routes)).toEqual({ name: 'a rule needs a name' });
    expect(ruleErrors(rule({ when: { model: 'has space' } }), routes)).toEqual({
      model: 'model is a name or a pattern such as "claude-*haiku*", without spaces',
    });
    expect(ruleErrors(rule({ when: { minPromptTokens: 10, maxPromptTokens: 1 } }), routes)).toEqual(
      {
        maxPromptTokens:
          'maxPromptTokens (1) is below minPromptTokens (10): no request could match',
      },
    );
  });

  it('picks the rules a tool meets by its user agent, and words their conditions', () => {
    const rules = [
      rule(),
      rule({ name: 'codex', when: { client: 'codex_*' } }),
      rule({ name: 'claude', when: { client: 'claude-cli/*', thinking: true } }),
    ];
    expect(rulesFor(rules, 'claude-cli/2.0.14 (external, cli)').map((r) => r.name)).toEqual([
      'background',
      'claude',
    ]);
    expect(rulesFor(rules, undefined).map((r) => r.name)).toEqual(['background']);
    expect(describeWhen({ client: 'claude-cli/*', thinking: true, minPromptTokens: 5 })).toBe(
      'client claude-cli/*, prompt ≥ 5 tokens, thinking',
    );
    expect(describeWhen({})).toBe('every request');
  });
});
