import type { Catalog } from '../../app/catalog/schema.ts';
import type { Config } from '../../app/config/schema.ts';
import { answerSignal } from '../../app/models/answerSignal.ts';
import { replaceModel, watchRoutes, type ModelWatchEntry } from '../../app/models/watch.ts';
import type { ConfigUpdater } from '../keys/configUpdates.ts';
import type { ModelStore } from './modelStore.ts';

/** What the recorder hands over for each attempt that reached the provider. */
export type ObservedAnswer = {
  provider: string;
  model: string;
  status: number;
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  errorText: string | null;
};

export type ModelWatchDeps = {
  store: ModelStore;
  config: () => Config;
  catalog: () => Catalog;
  update: ConfigUpdater;
  clock: () => number;
  log: (message: string) => void;
  /** The watch list changed (a model flagged, cleared or replaced). */
  onChange: (entries: ModelWatchEntry[]) => void;
};

/**
 * The route targets' models, flagged from discovery and from answers; tells the dashboard and
 * the tray when that changes, and replaces flagged models when the user opted in.
 */
export class ModelWatch {
  readonly #deps: ModelWatchDeps;
  #last = '';
  #replacing = false;
  /** provider|model pairs with a stored flag, so a plain answer costs no database write. */
  readonly #flagged: Map<string, 'missing' | 'deprecated'>;

  constructor(deps: ModelWatchDeps) {
    this.#deps = deps;
    this.#flagged = new Map(deps.store.flags().map((f) => [`${f.provider}|${f.model}`, f.state]));
  }

  entries(): ModelWatchEntry[] {
    const config = this.#deps.config();
    const live = (provider: string, keyId: string) =>
      keyId === '' || config.keys.some((k) => k.id === keyId && k.provider === provider);
    return watchRoutes(
      config.routes,
      this.#deps.store.listings(live),
      this.#deps.store.flags(),
      this.#deps.catalog(),
    );
  }

  /** One attempt's answer: flags the model it names as gone or going; a plain 2xx clears a flag. */
  observe(answer: ObservedAnswer): void {
    if (answer.status === 0) return;
    const signal = answerSignal(answer.status, answer.headers, answer.errorText);
    const id = `${answer.provider}|${answer.model}`;
    if (signal !== null) {
      // The same word again changes nothing: no write, no recomputation per request.
      if (this.#flagged.get(id) === signal.state) return;
      this.#flagged.set(id, signal.state);
      this.#deps.store.setFlag({
        provider: answer.provider,
        model: answer.model,
        state: signal.state,
        since: this.#deps.clock(),
        reason: signal.reason,
      });
    } else if (answer.status < 200 || answer.status >= 300) {
      return;
    } else if (
      !this.#flagged.delete(id) ||
      !this.#deps.store.clearFlag(answer.provider, answer.model)
    ) {
      return;
    }
    this.refresh();
  }

  /** Recomputes the list; tells listeners when it changed and carries out opted-in replacements. */
  refresh(): void {
    const entries = this.entries();
    const text = JSON.stringify(entries);
    if (text === this.#last) return;
    this.#last = text;
    for (const e of entries)
      if (e.state !== 'ok')
        this.#deps.log(
          `models: route "${e.route}" targets ${e.provider}/${e.model}, which is ${e.state}: ${e.reason ?? ''}${e.suggestion ? `; suggested: ${e.suggestion}` : ''}`,
        );
    this.#deps.onChange(entries);
    if (this.#deps.config().settings.autoReplaceModels) void this.#autoReplace(entries);
  }

  async #autoReplace(entries: readonly ModelWatchEntry[]): Promise<void> {
    const due = entries.filter((e) => e.state !== 'ok' && e.suggestion !== null);
    if (due.length === 0 || this.#replacing) return;
    this.#replacing = true;
    try {
      await this.#deps.update((config) => ({
        ...config,
        routes: config.routes.map((route) =>
          due
            .filter((e) => e.route === route.name)
            .reduce((r, e) => replaceModel(r, e.provider, e.model, e.suggestion as string), route),
        ),
      }));
      for (const e of due)
        this.#deps.log(
          `models: replaced ${e.provider}/${e.model} with ${e.provider}/${e.suggestion ?? ''} on route "${e.route}" (settings.autoReplaceModels is on)`,
        );
    } catch (err) {
      this.#deps.log(`models: could not replace flagged models: ${(err as Error).message}`);
    } finally {
      this.#replacing = false;
    }
  }
}
