import type { Provider } from '../../app/catalog/schema.ts';
import type { Config, Route } from '../../app/config/schema.ts';
import type { KeyTier } from '../../app/limiter/state.ts';
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

/** The keys that can serve a target: the named one, or the provider's pool in config order. */
export function keysFor(
  config: Config,
  provider: Provider,
  keyId: string | undefined,
): Array<string | undefined> {
  if (keyId !== undefined) return [keyId];
  const pool = config.keys.filter((k) => k.provider === provider.id).map((k) => k.id);
  if (pool.length > 0) return pool;
  return provider.auth === 'none' || provider.quirks.keyOptional ? [undefined] : [];
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
  const route = config.routes.find((r) => r.name === model);
  const targets = route
    ? route.targets
    : (() => {
        const slash = model.indexOf('/');
        if (slash <= 0 || slash === model.length - 1) return undefined;
        return [{ provider: model.slice(0, slash), model: model.slice(slash + 1), key: undefined }];
      })();
  if (!targets) {
    const routes = config.routes.map((r) => r.name);
    return {
      ok: false,
      status: 404,
      code: 'model_not_found',
      message: `Unknown model "${model}". Send a route name${routes.length ? ` (${routes.slice(0, 8).join(', ')})` : ' (none defined yet: add one in the dashboard)'} or "provider/model", e.g. "groq/llama-3.1-8b-instant".`,
    };
  }
  const candidates: Candidate[] = [];
  const missing: string[] = [];
  for (const target of targets) {
    const provider = providers.get(target.provider);
    if (!provider) {
      missing.push(`provider "${target.provider}" is not in the catalog or is disabled`);
      continue;
    }
    const keys = keysFor(config, provider, target.key);
    if (keys.length === 0)
      missing.push(`no key for ${provider.name}: add one under Providers & keys`);
    for (const keyId of keys) {
      const tier =
        keyId === undefined ? 'free' : (config.keys.find((k) => k.id === keyId)?.tier ?? 'free');
      candidates.push({ provider, model: target.model, keyId, tier });
    }
  }
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
