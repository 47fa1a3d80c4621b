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

/**
 * Held secrets as they are written, one pattern that finds any of them so written, and for each
 * its characters in the order that rules it out fastest: the least likely in text a proxy sends
 * first.
 */
export type Literals = {
  secrets: readonly string[];
  any: RegExp;
  probes: readonly (readonly string[])[];
};

/**
 * Lower-case letters from the most to the least common in English text, the bulk of what models
 * write and of the JSON keys around it, and how common (per mille): the order is what matters.
 */
const LETTERS = 'etaoinshrdlcumwfgypbvkjxqz';
const LETTER_PER_MILLE = [
  127, 91, 82, 75, 70, 67, 63, 61, 60, 43, 40, 28, 28, 24, 24, 22, 20, 20, 19, 15, 10, 8, 1.5, 1.5,
  1, 0.7,
];

/** A character's expected share of stream text, roughly: the lower, the better it rules out. */
function commonness(ch: string): number {
  const lower = LETTERS.indexOf(ch);
  if (lower >= 0) return LETTER_PER_MILLE[lower]!;
  const upper = LETTERS.indexOf(ch.toLowerCase());
  // Capitals start sentences and names; a random key's capitals are mostly rare ones.
  if (upper >= 0) return LETTER_PER_MILLE[upper]! / 20;
  // Digits, `-`, `_`, `.` and `/` fill ids, timestamps, model names and keys.
  if (/[0-9._/-]/.test(ch)) return 10;
  return 0.5;
}

/**
 * `secrets` for `maySpell`. One alternation of the literal secrets scans text once, where an
 * `includes` per secret scans it once per secret: with three keys, a 17 KB stream write took
 * 2-5 µs against 15-30 µs (V8 12, Node 24). Before it, each secret's rarest characters: one the
 * text lacks rules the secret out, and looking for one character is a native scan many times
 * faster than any search for a string (0.1 µs in 17 KB of stream text for a capital it lacks).
 * Random keys hold capitals and rare letters that most writes lack, so most end there.
 */
export function literals(secrets: readonly string[]): Literals {
  return {
    secrets,
    any: new RegExp(secrets.map((s) => s.replace(REGEX_SPECIAL, '\\$&')).join('|')),
    probes: secrets.map(probesOf),
  };
}

/**
 * A secret's characters other than `\\`, rarest first. Looking for one the text holds stops where
 * it first occurs, early for a common one; one it lacks ends the look.
 */
function probesOf(secret: string): string[] {
  const chars = [...new Set(secret.split(''))].filter((ch) => ch !== '\\');
  return chars.sort((a, b) => commonness(a) - commonness(b));
}

/**
 * False only when `text` holds no spelling of any of the secrets; true means the pattern must look.
 *
 * A `\uXXXX` spelling needs a backslash followed by `u`, a `%XX` one needs `%`. Text with neither
 * can only hold secrets written literally, each character after any number of backslashes: with
 * the backslashes taken out such a spelling is the secret itself, so when no secret holds a
 * backslash, the text without its backslashes must contain one, and the text must hold every one
 * of the secret's characters. Text without any backslash is searched as it is. These searches are
 * native scans, far cheaper than the pattern, which has to try an alternation of spellings at
 * every position.
 */
export function maySpell(text: string, { secrets, any, probes }: Literals): boolean {
  if (text.includes('%')) return true;
  const escaped = text.includes('\\');
  if (escaped && (text.includes('\\u') || secrets.some((secret) => secret.includes('\\'))))
    return true;
  // A secret the text holds has each of its characters in it.
  if (probes.every((chars) => chars.some((ch) => !text.includes(ch)))) return false;
  return any.test(escaped ? text.replaceAll('\\', '') : text);
}
