/**
 * Which route a request takes: a forced route (the `x-switchyard-route` header), else the first
 * rule whose conditions all hold, else the model name's own resolution (modelName.ts). The
 * engine calls this for every request and the Routes page's rule tester calls it through the
 * admin API, so the two cannot disagree.
 */
import type { Route, Rule, RuleWhen } from '../config/schema.ts';
import {
  globMatches,
  resolveModelName,
  routeNamed,
  type ModelNameContext,
  type ModelNameMatch,
} from './modelName.ts';
import type { RequestShape } from './requestShape.ts';

export type RouteChoice =
  | { kind: 'match'; match: ModelNameMatch; via: 'header' | 'rule' | 'model'; rule?: string }
  /** The forced route does not exist: the caller is told which routes do. */
  | { kind: 'no-such-route'; asked: string; message: string };

export interface RuleContext extends ModelNameContext {
  rules: readonly Rule[];
}

/** Whether every condition of `when` holds for the request (an empty `when` matches all). */
export function ruleMatches(when: RuleWhen, shape: RequestShape): boolean {
  if (when.model !== undefined && !globMatches(when.model, shape.model)) return false;
  if (when.client !== undefined && !globMatches(when.client, shape.client)) return false;
  if (when.format !== undefined && when.format !== shape.format) return false;
  if (when.stream !== undefined && when.stream !== shape.stream) return false;
  if (when.hasImages !== undefined && when.hasImages !== shape.hasImages) return false;
  if (when.hasTools !== undefined && when.hasTools !== shape.hasTools) return false;
  if (when.thinking !== undefined && when.thinking !== shape.thinking) return false;
  if (when.minPromptTokens !== undefined && shape.promptTokens < when.minPromptTokens) return false;
  if (when.maxPromptTokens !== undefined && shape.promptTokens > when.maxPromptTokens) return false;
  if (
    when.maxOutputTokens !== undefined &&
    (shape.maxTokens === undefined || shape.maxTokens > when.maxOutputTokens)
  )
    return false;
  return true;
}

function routeMatch(route: Route): ModelNameMatch {
  return { kind: 'route', route, via: 'name' };
}

export function chooseRoute(
  shape: RequestShape,
  forced: string | undefined,
  context: RuleContext,
): RouteChoice {
  if (forced !== undefined) {
    const route = routeNamed(context.routes, forced);
    if (route === undefined) {
      const names = context.routes.map((r) => `"${r.name}"`);
      return {
        kind: 'no-such-route',
        asked: forced,
        message: `x-switchyard-route names no route "${forced}": send one of ${names.length > 0 ? names.join(', ') : 'your routes (there are none yet)'}, or drop the header.`,
      };
    }
    return { kind: 'match', match: routeMatch(route), via: 'header' };
  }
  for (const rule of context.rules) {
    if (!ruleMatches(rule.when, shape)) continue;
    const route = routeNamed(context.routes, rule.route);
    // The schema refuses a rule naming no route; a stale one is passed over, not obeyed.
    if (route !== undefined)
      return { kind: 'match', match: routeMatch(route), via: 'rule', rule: rule.name };
  }
  return { kind: 'match', match: resolveModelName(shape.model, context), via: 'model' };
}
