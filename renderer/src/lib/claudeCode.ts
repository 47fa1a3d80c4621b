import type { Route } from '../../../app/config/schema.ts';
import { resolveModelName, type ModelNameMatch } from '../../../app/routing/modelName.ts';

/**
 * The model names Claude Code sends when it is not told otherwise, as Claude Code 2.1.332 sends
 * them (seen by test/conformance), each with the variable that overrides it. The `[1m]` row is
 * the 1M-context variant as a person may write it in ANTHROPIC_MODEL.
 */
export const CLAUDE_CODE_MODELS = [
  { family: 'opus', name: 'claude-opus-5-5', variable: 'ANTHROPIC_DEFAULT_OPUS_MODEL' },
  { family: 'sonnet', name: 'claude-sonnet-5-5', variable: 'ANTHROPIC_DEFAULT_SONNET_MODEL' },
  { family: 'haiku', name: 'claude-haiku-5-5', variable: 'ANTHROPIC_DEFAULT_HAIKU_MODEL' },
  { family: 'sonnet', name: 'claude-sonnet-5-5[1m]', variable: 'ANTHROPIC_MODEL' },
] as const;

export type ClaudeCodeFamily = (typeof CLAUDE_CODE_MODELS)[number]['family'];

export interface RoutingFacts {
  routes: readonly Route[];
  defaultRoute: string | undefined;
  isProvider: (id: string) => boolean;
}

/** Where each of Claude Code's own model names lands, by the engine's own resolver. */
export function claudeCodeLanding(
  facts: RoutingFacts,
): Array<{ name: string; variable: string; match: ModelNameMatch }> {
  return CLAUDE_CODE_MODELS.map(({ name, variable }) => ({
    name,
    variable,
    match: resolveModelName(name, facts),
  }));
}

/**
 * The route each of Claude Code's model variables should name: the route its own name already
 * lands on, or `fallback` (the route picked for the snippets) when it lands nowhere.
 */
export function claudeCodeRoutes(
  facts: RoutingFacts,
  fallback: string,
): Record<ClaudeCodeFamily, string> {
  const routeFor = (family: ClaudeCodeFamily): string => {
    const entry = CLAUDE_CODE_MODELS.find((m) => m.family === family);
    const match = entry === undefined ? undefined : resolveModelName(entry.name, facts);
    return match?.kind === 'route' ? match.route.name : fallback;
  };
  return { opus: routeFor('opus'), sonnet: routeFor('sonnet'), haiku: routeFor('haiku') };
}

/** One line on where a name lands, for a person deciding whether to add an alias. */
export function describeLanding(match: ModelNameMatch): string {
  switch (match.kind) {
    case 'route':
      if (match.via === 'alias') return `route ${match.route.name} (alias ${match.alias ?? ''})`;
      if (match.via === 'default') return `route ${match.route.name} (the default route)`;
      return `route ${match.route.name}`;
    case 'direct':
      return `${match.provider} / ${match.model}, directly`;
    case 'unknown':
      return 'nowhere: 404 "Unknown model". Add an alias on a route, or pick a default route.';
  }
}
