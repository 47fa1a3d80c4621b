import type { KeyView } from '../../../app/admin/types.ts';
import { aliasConflicts, RouteSchema, type Route } from '../../../app/config/schema.ts';

/** What is wrong with one route, by the field the editor shows it beside. */
export type RouteProblems = {
  name?: string;
  targets?: string;
  /** By target index. */
  target: Record<number, string>;
  onLimit?: string;
  latencyBudgetMs?: string;
  paidBudgetUsdPerDay?: string;
  /** By alias index. */
  alias: Record<number, string>;
  other: string[];
};

function empty(): RouteProblems {
  return { target: {}, alias: {}, other: [] };
}

/** Whether a route's problems would stop a save. */
export function hasProblems(p: RouteProblems): boolean {
  return (
    p.name !== undefined ||
    p.targets !== undefined ||
    Object.keys(p.target).length > 0 ||
    Object.keys(p.alias).length > 0 ||
    p.onLimit !== undefined ||
    p.latencyBudgetMs !== undefined ||
    p.paidBudgetUsdPerDay !== undefined ||
    p.other.length > 0
  );
}

/**
 * Checks the draft with the engine's own route schema, plus what only the whole config knows:
 * names must be unique, an alias must be reachable and a target's key must exist. One entry per
 * route, in order.
 */
export function validateRoutes(
  routes: readonly Route[],
  keys: readonly KeyView[],
): RouteProblems[] {
  const names = new Map<string, number>();
  for (const r of routes) names.set(r.name, (names.get(r.name) ?? 0) + 1);
  const conflicts = aliasConflicts(routes);
  return routes.map((route, index) => {
    const problems = empty();
    const parsed = RouteSchema.safeParse(route);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const [field, index] = issue.path;
        if (field === 'targets' && typeof index === 'number')
          problems.target[index] ??= issue.message;
        else if (field === 'aliases' && typeof index === 'number')
          problems.alias[index] ??= issue.message;
        else if (
          field === 'name' ||
          field === 'targets' ||
          field === 'latencyBudgetMs' ||
          field === 'paidBudgetUsdPerDay'
        ) {
          problems[field] ??= issue.message;
        } else if (field === 'onLimit') problems.onLimit ??= issue.message;
        else problems.other.push(issue.message);
      }
    }
    if ((names.get(route.name) ?? 0) > 1) {
      problems.name ??= `another route is also called "${route.name}"; clients pick a route by its name`;
    }
    for (const conflict of conflicts) {
      if (conflict.route === index) problems.alias[conflict.alias] ??= conflict.message;
    }
    route.targets.forEach((t, i) => {
      if (t.key !== undefined && !keys.some((k) => k.id === t.key)) {
        problems.target[i] ??=
          `no key "${t.key}" any more: pick another key or the provider's pool`;
      }
    });
    return problems;
  });
}

/** A name no route has yet: "route-2", "route-3", … */
export function freshRouteName(routes: readonly Route[]): string {
  for (let n = routes.length + 1; ; n++) {
    const name = n === 1 ? 'fast' : `route-${n}`;
    if (!routes.some((r) => r.name === name)) return name;
  }
}
