import type { Provider } from '../../app/catalog/schema.ts';
import type { Config } from '../../app/config/schema.ts';
import { sendModelsCall } from '../engine/keyValidator.ts';
import type { ProviderDirectory } from '../engine/providerDirectory.ts';
import type { UpstreamClient } from '../upstream/client.ts';
import type { ModelStore } from './modelStore.ts';

/** How often each key's list is fetched by default: every few hours. */
export const DISCOVERY_INTERVAL_MS = 4 * 60 * 60_000;
/** Where listing might count against a request quota (catalog `modelsListCounts`), at most daily. */
export const COUNTED_LISTING_INTERVAL_MS = 24 * 60 * 60_000;

/** The ids in a models answer: OpenAI/Anthropic `data[].id`, Gemini `models[].name` ("models/…"), Ollama's `models[].name`. */
export function modelIdsOf(text: string): string[] | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const list = (body as { data?: unknown }).data ?? (body as { models?: unknown }).models;
  if (!Array.isArray(list)) return undefined;
  const ids: string[] = [];
  for (const item of list) {
    if (typeof item !== 'object' || item === null) continue;
    const { id, name } = item as { id?: unknown; name?: unknown };
    const raw = typeof id === 'string' ? id : typeof name === 'string' ? name : undefined;
    if (raw !== undefined) ids.push(raw.startsWith('models/') ? raw.slice('models/'.length) : raw);
  }
  return ids;
}

/** One key's (keyId '' for a keyless server) model ids, or undefined when the list could not be had. */
export type ListModels = (provider: Provider, keyId: string) => Promise<string[] | undefined>;

/** Lists models over HTTP: the catalog's models path with the key's own auth (as the key check does). */
export function httpModelLister(
  upstream: UpstreamClient,
  secret: (keyId: string) => Promise<string>,
  log: (message: string) => void,
): ListModels {
  return async (provider, keyId) => {
    const key = keyId === '' ? undefined : await secret(keyId);
    const { status, text } = await sendModelsCall(upstream, provider, key, 8 * 1024 * 1024);
    if (status < 200 || status >= 300) {
      log(
        `models: ${provider.name} answered HTTP ${status} to the model list${keyId ? ` for key ${keyId}` : ''}; keeping the last list`,
      );
      return undefined;
    }
    return modelIdsOf(text);
  };
}

export type DiscoveryDeps = {
  store: ModelStore;
  providers: ProviderDirectory;
  list: ListModels;
  config: () => Config;
  clock: () => number;
  intervalMs: number;
  log: (message: string) => void;
  /** Called after a listing changed what is stored. */
  onListed: () => void;
};

/**
 * Fetches each key's model list (and each keyless local server's that a route uses) on start,
 * on key add and every `intervalMs`, and stores it. A provider whose listing may count against
 * quota is listed at most daily; a failed listing keeps the last one (it is not evidence).
 */
export class ModelDiscovery {
  readonly #deps: DiscoveryDeps;
  #timer: NodeJS.Timeout | undefined;
  readonly #running = new Set<Promise<void>>();

  constructor(deps: DiscoveryDeps) {
    this.#deps = deps;
  }

  start(): void {
    this.runAll();
    this.#timer = setInterval(() => this.runAll(), this.#deps.intervalMs);
    this.#timer.unref();
  }

  stop(): Promise<void> {
    clearInterval(this.#timer);
    return this.settled();
  }

  async settled(): Promise<void> {
    await Promise.all([...this.#running]);
  }

  /** Lists every key and keyless server that is due. */
  runAll(): void {
    const config = this.#deps.config();
    for (const key of config.keys) this.#track(this.#discover(key.provider, key.id));
    const keyed = new Set(config.keys.map((k) => k.provider));
    const keyless = new Set(
      config.routes.flatMap((r) => r.targets.map((t) => t.provider)).filter((p) => !keyed.has(p)),
    );
    for (const provider of keyless) {
      if (this.#deps.providers.get(provider)?.quirks.keyOptional)
        this.#track(this.#discover(provider, ''));
    }
  }

  /** A key was just added or replaced: list it now. */
  keyAdded(provider: string, keyId: string): void {
    this.#track(this.#discover(provider, keyId));
  }

  #track(work: Promise<void>): void {
    this.#running.add(work);
    void work.finally(() => this.#running.delete(work));
  }

  async #discover(providerId: string, keyId: string): Promise<void> {
    const provider = this.#deps.providers.get(providerId);
    if (provider === undefined) return;
    // Each run lists every key, except where listing may count against quota: there a start,
    // a timer tick or a key replace within a day of the last listing spends nothing.
    const last = this.#deps.store.listedAt(providerId, keyId);
    if (
      provider.quirks.modelsListCounts &&
      last !== undefined &&
      this.#deps.clock() - last < COUNTED_LISTING_INTERVAL_MS
    )
      return;
    try {
      const ids = await this.#deps.list(provider, keyId);
      if (ids === undefined) return;
      this.#deps.store.recordListing(providerId, keyId, ids, this.#deps.clock());
      this.#deps.onListed();
    } catch (err) {
      this.#deps.log(`models: could not list ${provider.name}'s models: ${(err as Error).message}`);
    }
  }
}
