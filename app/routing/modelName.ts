/**
 * Which route (or provider) a model name a client sent lands on. The engine resolves every request
 * with this and the dashboard's Connect page shows its answers for Claude Code's model names, so
 * the two cannot disagree.
 */
import type { Route } from '../config/schema.ts';

/**
 * Claude Code shows `claude-sonnet-4-5[1m]` for its 1M-context variant; the suffix names a context
 * window, not a model, so it is removed before matching.
 */
const CONTEXT_SUFFIX = /\[1m\]$/i;

export type ModelNameMatch =
  | {
      kind: 'route';
      route: Route;
      /** How the name reached the route: its own name, one of its aliases, or settings.defaultRoute. */
      via: 'name' | 'alias' | 'default';
      /** The alias pattern that matched, for `via: "alias"`. */
      alias?: string;
      /** Set when the `[1m]` suffix was removed before matching. */
      note?: string;
    }
  | { kind: 'direct'; provider: string; model: string; note?: string }
  | { kind: 'unknown'; note?: string };

export interface ModelNameContext {
  routes: readonly Route[];
  /** settings.defaultRoute: the route for a name nothing else claims. */
  defaultRoute?: string | undefined;
  /** Whether `id` is a provider, so `provider/model` is told apart from an alias holding a slash. */
  isProvider: (id: string) => boolean;
}

/**
 * Resolves a model name, first rule wins:
 * 1. a route's exact name (case-sensitive, as the route is named);
 * 2. `provider/model` whose provider is known (the model part may hold more slashes);
 * 3. a route alias, a glob where `*` is any run of characters and `?` one character, matched
 *    case-insensitively; the first matching route in config order wins;
 * 4. settings.defaultRoute, when it names a route;
 * 5. `provider/model` with a provider that is not known (so the answer can say so);
 * otherwise unknown. A trailing `[1m]` is removed first, and the match carries a note saying so.
 */
/** Each routes list's index by name, built on first use: a config is never changed in place. */
const routeIndexes = new WeakMap<readonly Route[], Map<string, Route>>();

/**
 * The route called `name`. A map built once per routes list, not a scan: seeding the limiter
 * resolves every route, and a scan per route made a load of 100,000 routes take 23 s.
 */
export function routeNamed(routes: readonly Route[], name: string): Route | undefined {
  let index = routeIndexes.get(routes);
  if (index === undefined) {
    index = new Map();
    // The first of a name wins, as `find` did (the schema refuses duplicates anyway).
    for (const route of routes) if (!index.has(route.name)) index.set(route.name, route);
    routeIndexes.set(routes, index);
  }
  return index.get(name);
}

export function resolveModelName(asked: string, context: ModelNameContext): ModelNameMatch {
  const exact = routeNamed(context.routes, asked);
  if (exact !== undefined) return { kind: 'route', route: exact, via: 'name' };
  const name = asked.replace(CONTEXT_SUFFIX, '');
  const noted = <M extends ModelNameMatch>(match: M): M =>
    name === asked
      ? match
      : {
          ...match,
          note: `"${asked}" was matched as "${name}": the "[1m]" suffix marks Claude Code's 1M-context variant, not a model.`,
        };

  const route = routeNamed(context.routes, name);
  if (route !== undefined) return noted({ kind: 'route', route, via: 'name' });
  const direct = splitProviderModel(name);
  if (direct !== undefined && context.isProvider(direct.provider)) return noted(direct);
  for (const candidate of context.routes) {
    const alias = candidate.aliases?.find((pattern) => globMatches(pattern, name));
    if (alias !== undefined) return noted({ kind: 'route', route: candidate, via: 'alias', alias });
  }
  const fallback =
    context.defaultRoute === undefined
      ? undefined
      : routeNamed(context.routes, context.defaultRoute);
  if (fallback !== undefined) return noted({ kind: 'route', route: fallback, via: 'default' });
  if (direct !== undefined) return noted(direct);
  return noted({ kind: 'unknown' });
}

function splitProviderModel(
  name: string,
): { kind: 'direct'; provider: string; model: string } | undefined {
  const slash = name.indexOf('/');
  if (slash <= 0 || slash === name.length - 1) return undefined;
  return { kind: 'direct', provider: name.slice(0, slash), model: name.slice(slash + 1) };
}

/**
 * Case-insensitive glob match where `*` is any run of characters (slashes too: model names are
 * not paths) and `?` exactly one; every other character stands for itself. Greedy with one
 * backtrack point, so it runs in O(pattern × name) at worst and never builds a RegExp from input.
 */
export function globMatches(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase();
  const s = name.toLowerCase();
  let pi = 0;
  let si = 0;
  let star = -1;
  let resume = 0;
  while (si < s.length) {
    if (pi < p.length && (p[pi] === '?' || (p[pi] !== '*' && p[pi] === s[si]))) {
      pi++;
      si++;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi++;
      resume = si;
    } else if (star >= 0) {
      pi = star + 1;
      si = ++resume;
    } else {
      return false;
    }
  }
  while (p[pi] === '*') pi++;
  return pi === p.length;
}
