import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SecretMask } from '../../../main/keys/secretMask.ts';
import { literals, maySpell, spellingPattern } from '../../../main/keys/secretSpelling.ts';

/** Characters secrets and noise are drawn from: the ones escapes are made of are over-represented. */
const ALPHABET = [...'abuUfF0129-_/+."\\%é'];
const NOISE = [
  '\\n',
  '\\"',
  '\\\\',
  '\\/',
  '%',
  '%2',
  '\\u',
  '\\u00',
  'u',
  ' ',
  '{"a":"',
  '"}',
  'x',
];

const secretArb = fc
  .array(fc.constantFrom(...ALPHABET), { minLength: 8, maxLength: 14 })
  .map((chars) => chars.join(''));

const hex = (n: number, width: number, upper: boolean) => {
  const digits = n.toString(16).padStart(width, '0');
  return upper ? digits.toUpperCase() : digits;
};

/** One character in one of its spellings: literal, after 1-3 backslashes, `\uXXXX`, `%XX`. */
function spell(ch: string, pick: number): string {
  const code = ch.charCodeAt(0);
  const slashes = '\\'.repeat(1 + (pick % 3));
  const upper = pick % 2 === 0;
  const forms = [
    ch,
    `${slashes}${ch}`,
    `${slashes}u${hex(code, 4, upper)}`,
    ...(code < 0x80 ? [`%${hex(code, 2, upper)}`] : []),
  ];
  return forms[Math.floor(pick / 3) % forms.length]!;
}

/** One way of writing a whole secret: every character the same way, or each its own. */
function spellSecret(secret: string, picks: number[], mixed: boolean): string {
  return [...secret]
    .map((ch, i) => spell(ch, mixed ? picks[i % picks.length]! : picks[0]!))
    .join('');
}

const textArb = (secrets: string[]) =>
  fc
    .array(
      fc.oneof(
        fc.constantFrom(...NOISE),
        fc.string({ maxLength: 6 }),
        fc
          .tuple(
            fc.constantFrom(...secrets),
            fc.array(fc.nat(40), { minLength: 1, maxLength: 16 }),
            fc.boolean(),
          )
          .map(([secret, picks, mixed]) => spellSecret(secret, picks, mixed)),
      ),
      { maxLength: 8 },
    )
    .chain((parts) => {
      const whole = parts.join('');
      // A chunk of a stream is any slice of what was written: spellings cut at random points.
      return fc
        .tuple(fc.nat(whole.length), fc.nat(whole.length))
        .map(([a, b]) => whole.slice(Math.min(a, b), Math.max(a, b)))
        .chain((slice) => fc.constantFrom(whole, slice));
    });

const casesArb = fc
  .uniqueArray(secretArb, { minLength: 1, maxLength: 3 })
  .chain((secrets) => fc.tuple(fc.constant(secrets), textArb(secrets)));

/** The mark the mask documents: the secret's last four letters or digits. */
const markFor = (secret: string) => `[key …${secret.replace(/[^A-Za-z0-9]/g, '').slice(-4)}]`;

describe('maySpell', () => {
  it('says no only where the full pattern finds no spelling', () => {
    fc.assert(
      fc.property(casesArb, ([secrets, text]) => {
        if (spellingPattern(secrets).test(text))
          expect(maySpell(text, literals(secrets))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('lets stream text through without the pattern, with or without JSON escapes', () => {
    const secrets = literals(['sy-bench-proxy-key', 'bench-upstream-key']);
    const chunk = 'data: {"choices":[{"delta":{"content":"tok1 "}}]}\n\n';
    expect(maySpell(chunk, secrets)).toBe(false);
    expect(maySpell(chunk.replace('tok1', 'a\\nb \\"q\\"'), secrets)).toBe(false);
    expect(maySpell(chunk.replace('tok1', 'bench\\-upstream\\-key'), secrets)).toBe(true);
    expect(maySpell(chunk.replace('tok1', '50%'), secrets)).toBe(true);
    expect(maySpell(chunk.replace('tok1', '\\u00e9'), secrets)).toBe(true);
  });

  it('rules a secret out by a character the text lacks, never one the text spells', () => {
    const held = literals(['Xq9-secret-Key']);
    const chunk = 'data: {"choices":[{"delta":{"content":"a secret key, in lower case"}}]}\n\n';
    expect(maySpell(chunk, held)).toBe(false);
    // Every character present, the secret itself too, with backslashes between its characters.
    expect(maySpell(chunk.replace('a secret', 'X\\q\\9\\-secret-Key'), held)).toBe(true);
    // Every character present, the secret not.
    expect(maySpell(chunk.replace('a secret', 'Key 9 qX-secret'), held)).toBe(false);
  });
});

describe('SecretMask with its fast path', () => {
  it('masks exactly what the full pattern masks', () => {
    fc.assert(
      fc.property(casesArb, ([secrets, text]) => {
        const longestFirst = [...secrets].sort((a, b) => b.length - a.length);
        const expected = text.replace(spellingPattern(longestFirst), (...args: unknown[]) => {
          const i = longestFirst.findIndex((_, g) => args[g + 1] !== undefined);
          return markFor(longestFirst[i]!);
        });
        expect(new SecretMask(() => secrets).mask(text)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });
});
