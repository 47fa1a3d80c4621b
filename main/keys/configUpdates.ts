import { parseConfigValue, type FieldIssue } from '../../app/config/parse.ts';
import type { Config } from '../../app/config/schema.ts';
import type { ConfigStore } from '../config/configFile.ts';

/** A change to the config refused because the result would not be valid; `errors` name the fields. */
export class ConfigUpdateError extends Error {
  readonly errors: string[];
  readonly issues: FieldIssue[];
  constructor(errors: string[], issues: FieldIssue[]) {
    super(errors.join('; '));
    this.name = 'ConfigUpdateError';
    this.errors = errors;
    this.issues = issues;
  }
}

/** Applies `change` to the current config, validates the result and writes it; resolves with what was written. */
export type ConfigUpdater = (change: (config: Config) => Config) => Promise<Config>;

/**
 * Read-modify-write of the config through the store's one write queue, validated: two admin
 * calls that each add a key must both land, which two interleaved
 * `store.write(modified(store.current))` would not ensure.
 */
export function createConfigUpdater(store: ConfigStore): ConfigUpdater {
  return (change) =>
    store.update((current) => {
      const parsed = parseConfigValue(change(current));
      if (!parsed.ok) throw new ConfigUpdateError(parsed.errors, parsed.issues);
      return parsed.config;
    });
}
