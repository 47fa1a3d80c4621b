/**
 * How a secret can be spelled in text the engine sends out, and a cheap test for text that
 * cannot spell any. SecretMask (secretMask.ts) owns when and with what the spellings are replaced.
 *
 * Each character of a secret may be written as itself after any escaping backslashes (`\/`), as
 * `\uXXXX` after one or more backslashes (JSON escapes, escaped again when JSON sits inside a JSON
 * string), or as `%XX` (percent-encoding).
 */

const REGEX_SPECIAL = /[.*+?^${}()|[\]\\/-]/g;

/** A hex digit in either case: `\u002D` and `\u002d` are the same character. */
function hexPattern(hex: string): string {
  return [...hex].map((d) => (/[a-f]/.test(d) ? `[${d}${d.toUpperCase()}]` : d)).join('');
}

/** Every way one character can be written: itself after any escaping backslashes, `\uXXXX`, `%XX`. */
function characterPattern(ch: string): string {
  const code = ch.charCodeAt(0);
  const literal = ch.replace(REGEX_SPECIAL, '\\$&');
  const unicode = `\\\\+u${hexPattern(code.toString(16).padStart(4, '0'))}`;
  const percent = code < 0x80 ? `|%${hexPattern(code.toString(16).padStart(2, '0'))}` : '';
  return `(?:\\\\*${literal}|${unicode}${percent})`;
}

/** Matches every spelling of every secret, with one capture group per secret in the given order. */
export function spellingPattern(secrets: readonly string[]): RegExp {
  return new RegExp(
    secrets.map((s) => `(${[...s].map(characterPattern).join('')})`).join('|'),
    'g',
  );
}

/** Held secrets as they are written, and one pattern that finds any of them so written. */
export type Literals = { secrets: readonly string[]; any: RegExp };

/**
 * `secrets` for `maySpell`. One alternation of the literal secrets scans text once, where an
 * `includes` per secret scans it once per secret: with three keys, a 17 KB stream write took
 * 2-5 µs against 15-30 µs (V8 12, Node 24).
 */
export function literals(secrets: readonly string[]): Literals {
  return {
    secrets,
    any: new RegExp(secrets.map((s) => s.replace(REGEX_SPECIAL, '\\$&')).join('|')),
  };
}

/**
 * False only when `text` holds no spelling of any of the secrets; true means the pattern must look.
 *
 * A `\uXXXX` spelling needs a backslash followed by `u`, a `%XX` one needs `%`. Text with neither
 * can only hold secrets written literally, each character after any number of backslashes: with
 * the backslashes taken out such a spelling is the secret itself, so when no secret holds a
 * backslash, the text without its backslashes must contain one. Text without any backslash is
 * searched as it is. These searches are native scans, far cheaper than the pattern, which has to
 * try an alternation of spellings at every position.
 */
export function maySpell(text: string, { secrets, any }: Literals): boolean {
  if (text.includes('%')) return true;
  if (!text.includes('\\')) return any.test(text);
  if (text.includes('\\u') || secrets.some((secret) => secret.includes('\\'))) return true;
  return any.test(text.replaceAll('\\', ''));
}
