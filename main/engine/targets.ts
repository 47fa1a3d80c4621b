import type { Provider } from '../../app/catalog/schema.ts';
import type { Config, Route } from '../../app/config/schema.ts';
import type { KeyTier } from '../../app/limiter/state.ts';
import { resolveModelName, type ModelNameMatch } from '../../app/routing/modelName.ts';
import type { RequestShape } from '../../app/routing/requestShape.ts';
import { chooseRoute } from '../../app/routing/rules.ts';
import { expandTargets } from '../../app/routing/targets.ts';
import type { ProviderDirectory } from './providerDirectory.ts';

/** One concrete thing to try: a provider, a model, the key to use (none for keyless local servers) and its tier. */
export type Candidate = {
  provider: Provider;
  model: string;
  keyId: string | undefined;
  tier: KeyTier;
};

export type Resolution =
  | {
      ok: true;
      routeName: string | undefined;
      route: Route | undefined;
      candidates: readonly Candidate[];
      /** How the route was chosen: the x-switchyard-route header, a rule, or the model name. */
      via: 'header' | 'rule' | 'model';
      /** The rule that chose the route, for `via: "rule"`. */
      rule?: string;
      /** How the name was read, when it was not taken as sent (the `[1m]` suffix). */
      note?: string;
    }
  | { ok: false; status: 400 | 404; message: string; code: string };

/**
 * Turns the model a client sent into candidates, by app/routing's resolveModelName (route name,
 * `provider/model`, alias, default route): a route gives its chain, each target expanded to its
 * key pool; `provider/model` addresses one provider directly.
 */
export function resolveModel(
  model: string,
  config: Config,
  providers: ProviderDirectory,
): Resolution {
  const match = resolveModelName(model, {
    routes: config.routes,
    defaultRoute: config.settings.defaultRoute,
    isProvider: (id) => providers.get(id) !== undefined,
  });
  return candidatesOf(match, model, config, providers, { via: 'model' });
}

/**
 * A request's route by app/routing's chooseRoute (forced route, rules, then the model name),
 * expanded to candidates as {@link resolveModel} does.
 */
export function resolveRequest(
  shape: RequestShape,
  forced: string | undefined,
  config: Config,
  providers: ProviderDirectory,
): Resolution {
  const choice = chooseRoute(shape, forced, {
    rules: config.rules,
    routes: config.routes,
    defaultRoute: config.settings.defaultRoute,
    isProvider: (id) => providers.get(id) !== undefined,
  });
  if (choice.kind === 'no-such-route') {
    return { ok: false, status: 404, code: 'route_not_found', message: choice.message };
  }
  return candidatesOf(choice.match, shape.model, config, providers, {
    via: choice.via,
    ...(choice.rule !== undefined ? { rule: choice.rule } : {}),
  });
}

function candidatesOf(
  match: ModelNameMatch,
  model: string,
  config: Config,
  providers: ProviderDirectory,
  how: { via: 'header' | 'rule' | 'model'; rule?: string },
): Resolution {
  if (match.kind === 'unknown') return unknownModel(model, config);
  const route = match.kind === 'route' ? match.route : undefined;
  const { candidates, unusable: missing } =
    match.kind === 'route'
      ? routeCandidates(match.route, config, providers)
      : expand(
          [{ provider: match.provider, model: match.model, key: undefined }],
          config,
          providers,
        );
  if (candidates.length === 0) {
    return {
      ok: false,
      status: route ? 400 : 404,
      code: 'no_usable_target',
      message: `Nothing can serve "${model}": ${missing.join('; ')}.`,
    };
  }
  const resolved = { ok: true as const, routeName: route?.name, route, candidates, ...how };
  return match.note === undefined ? resolved : { ...resolved, note: match.note };
}

type Expansion = { candidates: readonly Candidate[]; unusable: string[] };

function expand(
  targets: Route['targets'],
  config: Config,
  providers: ProviderDirectory,
): Expansion {
  const expanded = expandTargets(targets, (id) => providers.get(id), config.keys);
  return {
    candidates: expanded.candidates.map(({ provider, model, keyId, tier }) => ({
      provider,
      model,
      keyId,
      tier,
    })),
    unusable: expanded.unusable,
  };
}

/**
 * A route's expansion, kept while its targets, the keys and the catalog are the objects they were
 * (a config or catalog change makes new ones): every request of a route had it made afresh, its
 * candidates, their copies and the lists that hold them. Shared, so read-only.
 */
const routeExpansions = new WeakMap<
  Route['targets'],
  Expansion & { keys: Config['keys']; catalog: ProviderDirectory['catalog'] }
>();

function routeCandidates(route: Route, config: Config, providers: ProviderDirectory): Expansion {
  const kept = routeExpansions.get(route.targets);
  if (kept !== undefined && kept.keys === config.keys && kept.catalog === providers.catalog)
    return kept;
  const made = {
    ...expand(route.targets, config, providers),
    keys: config.keys,
    catalog: providers.catalog,
  };
  routeExpansions.set(route.targets, made);
  return made;
}

function unknownModel(model: string, config: Config): Resolution {
  const routes = config.routes.map((r) => `"${r.name}"`);
  const known =
    routes.length > 0
      ? `Send a route name (${routes.slice(0, 8).join(', ')}${routes.length > 8 ? ', …' : ''}) or "provider/model", e.g. "groq/llama-3.1-8b-instant". To accept "${model}" as it is, add it (or a pattern such as "${aliasHint(model)}") to a route's "aliases", or set settings.defaultRoute to the route for every other model name.`
      : 'No routes are defined yet: add one in the dashboard (Routes), or send "provider/model", e.g. "groq/llama-3.1-8b-instant".';
  return {
    ok: false,
    status: 404,
    code: 'model_not_found',
    message: `Unknown model "${model}". ${known}`,
  };
}

/** `claude-opus-4-8` → `claude-opus-*`: the family, as a person would write the alias. */
function aliasHint(model: string): string {
  const dash = model.indexOf('-', model.indexOf('-') + 1);
  return dash > 0 ? `${model.slice(0, dash)}-*` : `${model}*`;
}
