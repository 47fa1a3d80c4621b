import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CatalogSchema } from '../../../app/catalog/schema.ts';
import { ConfigSchema } from '../../../app/config/schema.ts';
import { applyTemplate, ruleTemplates } from '../../../app/routing/ruleTemplates.ts';

const catalog = CatalogSchema.parse(JSON.parse(readFileSync('resources/providers.json', 'utf8')));

describe('rule templates', () => {
  it('name only providers the user has keys for, and make a valid config', () => {
    const templates = ruleTemplates(catalog, new Set(['groq', 'gemini', 'anthropic']));
    expect(templates.map((t) => t.id)).toEqual(['claude-code', 'codex', 'cheap-first']);
    for (const template of templates) {
      for (const route of template.routes)
        for (const target of route.targets)
          expect(['groq', 'gemini', 'anthropic']).toContain(target.provider);
      const merged = applyTemplate(template, [], []);
      const parsed = ConfigSchema.safeParse({ version: 1, ...merged });
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    }
    const claude = templates[0];
    expect(claude?.rules.map((r) => [r.name, r.route])).toEqual([
      ['background', 'background'],
      ['small answers', 'background'],
      ['long context', 'long-context'],
      ['thinking', 'strongest'],
    ]);
    // Gemini's million-token window is the long-context route; Anthropic's price the strongest.
    expect(claude?.routes.find((r) => r.name === 'long-context')?.targets[0]?.provider).toBe(
      'gemini',
    );
    expect(claude?.routes.find((r) => r.name === 'strongest')?.targets[0]?.provider).toBe(
      'anthropic',
    );
  });

  it('offer nothing that needs a model no key reaches', () => {
    expect(ruleTemplates(catalog, new Set())).toEqual([]);
  });

  it('put the template’s rules first and replace a route of the same name', () => {
    const [template] = ruleTemplates(catalog, new Set(['groq', 'gemini', 'anthropic']));
    if (template === undefined) throw new Error('no template');
    const mine = { name: 'mine', when: {}, route: 'background' };
    const old = {
      name: 'background',
      targets: [{ provider: 'x', model: 'y' }],
      onLimit: { mode: 'spill' as const },
      privacy: 'standard' as const,
    };
    const merged = applyTemplate(template, [old], [mine]);
    expect(merged.rules.at(-1)).toEqual(mine);
    expect(merged.routes.filter((r) => r.name === 'background')).toHaveLength(1);
    expect(merged.routes.find((r) => r.name === 'background')?.targets[0]?.provider).not.toBe('x');
  });
});
