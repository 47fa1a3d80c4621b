import { CONFIG_VERSION } from './schema.ts';

/** Turns a config object of version N into version N + 1. */
export type Migration = (config: Record<string, unknown>) => Record<string, unknown>;

/**
 * MIGRATIONS[n] upgrades version n to n + 1. Version 1 is the first released shape, so the
 * list starts empty; the next schema change appends here instead of breaking old files.
 */
export const MIGRATIONS: Readonly<Record<number, Migration>> = {};

export type MigrationResult =
  { ok: true; config: Record<string, unknown>; from: number } | { ok: false; message: string };

/** Brings a parsed config file up to CONFIG_VERSION, one step at a time. */
export function migrateConfig(
  raw: unknown,
  migrations: Readonly<Record<number, Migration>> = MIGRATIONS,
  target: number = CONFIG_VERSION,
): MigrationResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, message: 'the config must be a JSON object such as {"version": 1}' };
  }
  let config = raw as Record<string, unknown>;
  const from = config.version ?? 1;
  if (typeof from !== 'number' || !Number.isInteger(from) || from < 1) {
    return {
      ok: false,
      message: `version: expected a whole number from 1 to ${target}, got ${JSON.stringify(from)}`,
    };
  }
  if (from > target) {
    return {
      ok: false,
      message: `version: this file is version ${from}, written by a newer Switchyard; this one reads up to ${target}. Update Switchyard or restore an older config.`,
    };
  }
  for (let version = from; version < target; version++) {
    const step = migrations[version];
    if (!step)
      return { ok: false, message: `version: no migration from ${version} to ${version + 1}` };
    config = { ...step(config), version: version + 1 };
  }
  return { ok: true, config: { ...config, version: target }, from };
}
