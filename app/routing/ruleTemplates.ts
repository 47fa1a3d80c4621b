/**
 * One-click starting points for the Routes page's rules: routes and rules built only from
 * models of providers the user has a key for (or a keyless local server), chosen by what the
 * catalog records: a free model with the most requests a minute is "fast", the largest context
 * window is "long context", the highest output price is "strongest" (price tracks capability
 * closely enough for a starting point the user then edits).
 */
import type { Model } from '../catalog/model.ts';
import type { Catalog, Provider } from '../catalog/schema.ts';
import type { Route, Rule } from '../config/schema.ts';

export type TemplateId = 'claude-code' | 'codex' | 'cheap-first';

export interface RuleTemplate {
  id: TemplateId;
  title: string;
  description: string;
  routes: Route[];
  rules: Rule[];
}

type Pick = { provider: Provider; model: Model };

function usableModels(catalog: Catalog, keyProviders: ReadonlySet<string>): Pick[] {
  return catalog.providers
    .filter((p) => keyProviders.has(p.id) || p.local)
    .flatMap((provider) =>
      provider.models.filter((m) => m.kind === 'chat').map((model) => ({ provider, model })),
    );
}

function best(picks: readonly Pick[], score: (p: Pick) => number | undefined): Pick | undefined {
  let top: Pick | undefined;
  let topScore = -Infinity;
  for (const pick of picks) {
    const s = score(pick);
    if (s !== undefined && s > topScore) {
      top = pick;
      topScore = s;
    }
  }
  return top;
}

function route(name: string, picks: ReadonlyArray<Pick | undefined>): Route | undefined {
  const targets: Route['targets'] = [];
  for (const pick of picks) {
    if (pick === undefined) continue;
    const target = { provider: pick.provider.id, model: pick.model.id };
    if (!targets.some((t) => t.provider === target.provider && t.model === target.model))
      targets.push(target);
  }
  return targets.length === 0
    ? undefined
    : { name, targets, onLimit: { mode: 'spill' }, privacy: 'standard' };
}

/** The templates the user's keys can fill; a template needing a model no key reaches is left out. */
export function ruleTemplates(catalog: Catalog, keyProviders: ReadonlySet<string>): RuleTemplate[] {
  const picks = usableModels(catalog, keyProviders);
  const fast = best(
    picks.filter((p) => p.model.free),
    (p) => p.model.limits?.rpm ?? 1,
  );
  const long = best(picks, (p) => p.model.contextWindow);
  const strong = best(picks, (p) => p.model.pricePerMTokOut);
  const cheapPaid = best(
    picks.filter((p) => !p.model.free && p.model.pricePerMTokOut !== undefined),
    (p) => -(p.model.pricePerMTokOut ?? 0),
  );
  const free = picks.filter((p) => p.model.free);
  const templates: RuleTemplate[] = [];

  const background = route('background', [fast, cheapPaid]);
  const longRoute = route('long-context', [long]);
  const strongest = route('strongest', [strong, long]);
  if (background && longRoute && strongest) {
    templates.push({
      id: 'claude-code',
      title: 'Claude Code',
      description: `Background calls (haiku-class models, small max_tokens) go to ${background.targets[0]?.model}; prompts over 100k tokens to ${longRoute.targets[0]?.model}; thinking requests to ${strongest.targets[0]?.model}.`,
      routes: [background, longRoute, strongest],
      rules: [
        {
          name: 'background',
          when: { client: 'claude-cli/*', model: 'claude-*haiku*' },
          route: 'background',
        },
        {
          name: 'small answers',
          when: { client: 'claude-cli/*', maxOutputTokens: 1024 },
          route: 'background',
        },
        { name: 'long context', when: { minPromptTokens: 100_000 }, route: 'long-context' },
        { name: 'thinking', when: { client: 'claude-cli/*', thinking: true }, route: 'strongest' },
      ],
    });
  }
  if (longRoute && strongest) {
    templates.push({
      id: 'codex',
      title: 'Codex',
      description: `Codex's long prompts go to ${longRoute.targets[0]?.model}; its reasoning requests to ${strongest.targets[0]?.model}.`,
      routes: [longRoute, strongest],
      rules: [
        {
          name: 'codex long context',
          when: { client: 'codex_*', minPromptTokens: 100_000 },
          route: 'long-context',
        },
        {
          name: 'codex reasoning',
          when: { client: 'codex_*', thinking: true },
          route: 'strongest',
        },
      ],
    });
  }
  const cheap = route('cheap-first', [
    ...[...free].sort((a, b) => (b.model.limits?.rpm ?? 0) - (a.model.limits?.rpm ?? 0)),
    cheapPaid,
  ]);
  if (cheap) {
    templates.push({
      id: 'cheap-first',
      title: 'Cheap first',
      description: `Every request without images tries free models first (${cheap.targets.length} in the chain), then the cheapest paid one.`,
      routes: [cheap],
      rules: [{ name: 'cheap first', when: { hasImages: false }, route: 'cheap-first' }],
    });
  }
  return templates;
}

/**
 * A template merged into the user's config: its routes added (a route of the same name is
 * replaced), its rules put before the user's own so they take effect.
 */
export function applyTemplate(
  template: RuleTemplate,
  routes: readonly Route[],
  rules: readonly Rule[],
): { routes: Route[]; rules: Rule[] } {
  const names = new Set(template.routes.map((r) => r.name));
  const ruleNames = new Set(template.rules.map((r) => r.name));
  return {
    routes: [...routes.filter((r) => !names.has(r.name)), ...template.routes],
    rules: [...template.rules, ...rules.filter((r) => !ruleNames.has(r.name))],
  };
}
