import type { Provider } from '../../app/catalog/schema.ts';
import type { Config, Route } from '../../app/config/schema.ts';
import type { KeyTier } from '../../app/limiter/state.ts';
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
  | { ok: true; routeName: string | undefined; route: Route | undefined; candidates: Candidate[] }
  | { ok: false; status: 400 | 404; message: string; code: string };

/** Each config's routes by name, built on first use: a config is never changed in place. */
const routeIndexes = new WeakMap<readonly Route[], Map<string, Route>>();

/**
 * The route called `name`. A map built once per config, not a scan: seeding the limiter
 * resolves every route, and a scan per route made a load of 100,000 routes take 23 s.
 */
export function routeNamed(config: Config, name: string): Route | undefined {
  let index = routeIndexes.get(config.routes);
  if (index === undefined) {
    index = new Map();
    // The first of a name wins, as `find` did (the schema refuses duplicates anyway).
    for (const route of config.routes) if (!index.has(route.name)) index.set(route.name, route);
    routeIndexes.set(config.routes, index);
  }
  return index.get(name);
}

/**
 * Turns the model a client sent into candidates: a route name gives its chain (each target
 * expanded to its key pool); `provider/model` addresses one provider directly. The model part
 * may itself hold slashes (OpenRouter's `meta-llama/llama-3.3-70b-instruct:free`).
 */
export function resolveModel(
  model: string,
  config: Config,
  providers: ProviderDirectory,
): Resolution {
  const route = routeNamed(config, model);
  const targets = route
    ? route.targets
    : (() => {
        const slash = model.indexOf('/');
        if (slash <= 0 || slash === model.length - 1) return undefined;
        return [{ provider: model.slice(0, slash), model: model.slice(slash + 1), key: undefined }];
      })();
  if (!targets) {
    const routes = config.routes.slice(0, 8).map((r) => r.name);
    return {
      ok: false,
      status: 404,
      code: 'model_not_found',
      message: `Unknown model "${model}". Send a route name${routes.length ? ` (${routes.join(', ')})` : ' (none defined yet: add one in the dashboard)'} or "provider/model", e.g. "groq/llama-3.1-8b-instant".`,
    };
  }
  const expanded = expandTargets(targets, (id) => providers.get(id), config.keys);
  const candidates: Candidate[] = expanded.candidates.map(
    ({ provider, model: m, keyId, tier }) => ({ provider, model: m, keyId, tier }),
  );
  const missing = expanded.unusable;
  if (candidates.length === 0) {
    return {
      ok: false,
      status: route ? 400 : 404,
      code: 'no_usable_target',
      message: `Nothing can serve "${model}": ${missing.join('; ')}.`,
    };
  }
  return { ok: true, routeName: route?.name, route, candidates };
}
