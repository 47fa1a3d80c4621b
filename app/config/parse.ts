import type { z } from 'zod';
import { migrateConfig } from './migrations.ts';
import { ConfigSchema, type Config } from './schema.ts';

/** One problem with one field: its path as a person reads it (`routes[0].name`) and what to do. */
export type FieldIssue = { path: string; message: string };

export type ConfigParseResult =
  | { ok: true; config: Config; migratedFrom: number }
  | { ok: false; errors: string[]; issues: FieldIssue[] };

/** Renders a zod issue path as the JSON path a person would look for: routes[0].targets[1].model */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(top level)' : out;
}

/** One issue per problem: the field, what is wrong, and (from the schema's messages) the fix. */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = formatPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      return {
        path,
        message: `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}: remove ${issue.keys.length > 1 ? 'them' : 'it'} or check the spelling`,
      };
    }
    return { path, message: issue.message };
  });
}

/** One line per problem, for logs and the CLI: `field: what is wrong`. */
export function formatIssues(error: z.ZodError): string[] {
  return fieldIssues(error).map((issue) => `${issue.path}: ${issue.message}`);
}

/** Parses the text of a config file: JSON, then migrations, then the schema. */
export function parseConfigText(text: string): ConfigParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const message = `not valid JSON: ${(err as Error).message}. Fix the syntax or delete the file to start fresh.`;
    return { ok: false, errors: [`(file): ${message}`], issues: [{ path: '(file)', message }] };
  }
  return parseConfigValue(raw);
}

/** Validates an already-parsed value (e.g. an admin API body) as a whole config. */
export function parseConfigValue(raw: unknown): ConfigParseResult {
  const migrated = migrateConfig(raw);
  if (!migrated.ok) {
    return {
      ok: false,
      errors: [migrated.message],
      issues: [{ path: '(top level)', message: migrated.message }],
    };
  }
  const parsed = ConfigSchema.safeParse(migrated.config);
  if (!parsed.success) {
    return { ok: false, errors: formatIssues(parsed.error), issues: fieldIssues(parsed.error) };
  }
  return { ok: true, config: parsed.data, migratedFrom: migrated.from };
}
