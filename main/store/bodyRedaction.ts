import type { lintSource as secretlintLint } from '@secretlint/core';
import type { creator as recommendedRules } from '@secretlint/secretlint-rule-preset-recommend';
import { REDACTED, redactSecrets } from '../../app/privacy/detect.ts';

/**
 * Redaction of logged bodies (settings.logBodies, off by default). Two rule sets, one pass each:
 * secretlint's maintained recommended preset (cloud and vendor tokens, AWS secret keys, private
 * keys, database connection strings, basic-auth URLs…), then the shapes app/privacy/detect.ts
 * flags a prompt for (provider keys, bearer tokens, private key blocks, secret-named
 * assignments such as `password=…` or `PGPASSWORD=…`), so a prompt detectSensitive flags has
 * what it flagged redacted.
 *
 * secretlint's API is asynchronous but its rules are plain CPU work (about 0.7 ms for a 64 KiB
 * body, `test/bench/bodyRedactionBench.ts`). It runs after the answer was sent, never on the
 * request path. Bodies are redacted as the values a reader would decode: JSON is parsed and each
 * string redacted, so an escaped newline or quote cannot hide a key block or an assignment.
 */

/** secretlint and its rules, loaded with the first body to redact: most engines never log one. */
let secretlint:
  | Promise<{
      lintSource: typeof secretlintLint;
      rules: {
        id: string;
        rule: typeof recommendedRules;
      }[];
    }>
  | undefined;
const loadSecretlint = () =>
  (secretlint ??= Promise.all([
    import('@secretlint/core'),
    import('@secretlint/secretlint-rule-preset-recommend'),
  ]).then(([core, preset]) => ({
    lintSource: core.lintSource,
    rules: [{ id: preset.creator.meta.id, rule: preset.creator }],
  })));

/** Separates the strings of one body when they are linted together (no rule matches across it). */
const SEPARATOR = '\n\u0000\n';

async function secretlintRanges(text: string): Promise<ReadonlyArray<readonly [number, number]>> {
  const { lintSource, rules } = await loadSecretlint();
  const result = await lintSource({
    source: { content: text, filePath: '/logged-body.txt', ext: '.txt', contentType: 'text' },
    options: { config: { rules }, noPhysicFilePath: true },
  });
  return result.messages.map((m) => m.range).sort((a, b) => a[0] - b[0]);
}

/** `text` with everything either rule set recognises replaced by "[redacted]". */
export async function redactText(text: string): Promise<string> {
  let out = '';
  let from = 0;
  for (const [start, end] of await secretlintRanges(text)) {
    if (end <= from) continue;
    out += text.slice(from, Math.max(from, start)) + REDACTED;
    from = end;
  }
  return redactSecrets(out + text.slice(from));
}

function collectStrings(value: unknown, into: string[]): void {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, into);
  else if (value !== null && typeof value === 'object')
    for (const item of Object.values(value)) collectStrings(item, into);
}

function replaceStrings(value: unknown, next: () => string): unknown {
  if (typeof value === 'string') return next();
  if (Array.isArray(value)) return value.map((item) => replaceStrings(item, next));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, replaceStrings(item, next)]),
    );
  return value;
}

/** A decoded JSON value with every string in it redacted (keys are names, not content). */
export async function redactJsonValue(value: unknown): Promise<unknown> {
  const strings: string[] = [];
  collectStrings(value, strings);
  if (strings.length === 0) return value;
  const joined = await redactText(strings.join(SEPARATOR));
  let parts = joined.split(SEPARATOR);
  // A finding that ran across two strings took the separator with it: redact one by one.
  if (parts.length !== strings.length) parts = await Promise.all(strings.map(redactText));
  let i = 0;
  return replaceStrings(value, () => parts[i++] ?? REDACTED);
}

/**
 * A logged body, redacted: JSON is redacted value by value and written back; an SSE capture
 * event by event; anything else as text.
 */
export async function redactBody(text: string): Promise<string> {
  const json = parseJson(text);
  if (json !== undefined) return JSON.stringify(await redactJsonValue(json));
  if (/^(?:data|event|id):/m.test(text)) {
    const lines = await Promise.all(
      text.split('\n').map(async (line) => {
        const data = line.startsWith('data:') ? parseJson(line.slice(5)) : undefined;
        return data === undefined ? line : `data: ${JSON.stringify(await redactJsonValue(data))}`;
      }),
    );
    return lines.join('\n');
  }
  return redactText(text);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
