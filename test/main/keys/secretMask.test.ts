import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SecretMask } from '../../../main/keys/secretMask.ts';

const KEY = 'sk-live/Ab3-dEf9_xyZ+12"q\\w';
/** The mark names the key by its last four letters and digits, so it is safe inside JSON text. */
const MARK = '[key …12qw]';

/** Every JSON spelling of each character: literal (escaped where JSON must), `\/`, `\uXXXX` either case. */
function spellings(ch: string): string[] {
  const hex = ch.charCodeAt(0).toString(16).padStart(4, '0');
  const literal = JSON.stringify(ch).slice(1, -1);
  return [literal, `\\u${hex}`, `\\u${hex.toUpperCase()}`, ...(ch === '/' ? ['\\/'] : [])];
}

describe('SecretMask', () => {
  const mask = new SecretMask(() => [KEY, 'short']);

  it('masks the key in decoded text and in JSON text, however it was escaped', () => {
    const forms = [
      KEY,
      JSON.stringify(KEY).slice(1, -1),
      JSON.stringify(KEY).slice(1, -1).replaceAll('/', '\\/'),
      JSON.stringify(KEY).slice(1, -1).replaceAll('-', '\\u002d'),
      [...KEY].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
      encodeURIComponent(KEY),
    ];
    for (const form of forms) {
      const body = `{"error":{"message":"bad key ${form} given"}}`;
      const masked = mask.mask(body);
      expect(masked, form).not.toBe(body);
      const decoded =
        form === encodeURIComponent(KEY) ? masked : JSON.stringify(JSON.parse(masked));
      expect(decoded, form).not.toContain(KEY);
      expect(masked, form).toContain(MARK);
    }
  });

  it('masks any mix of spellings, character by character', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: KEY.length, maxLength: KEY.length }), (picks) => {
        const form = [...KEY]
          .map((ch, i) => {
            const all = spellings(ch);
            return all[(picks[i] as number) % all.length];
          })
          .join('');
        const body = `{"choices":[{"message":{"content":"echo ${form}!"}}]}`;
        const parsed = JSON.parse(mask.mask(body)) as {
          choices: Array<{ message: { content: string } }>;
        };
        expect(parsed.choices[0]?.message.content).toBe(`echo ${MARK}!`);
      }),
      { numRuns: 300 },
    );
  });

  it('masks a key escaped twice over (JSON inside a JSON string)', () => {
    const twice = JSON.stringify(JSON.stringify({ k: KEY.replaceAll('/', '\\/') }));
    expect(JSON.parse(JSON.parse(mask.mask(twice)) as string)).toEqual({ k: MARK });
  });

  it('leaves other text, and secrets too short to mask safely, alone', () => {
    expect(mask.mask('short answer, sk-live/Ab3 only')).toBe('short answer, sk-live/Ab3 only');
  });

  it('follows the secrets it is given as they change', () => {
    let held = ['first-secret-123456'];
    const live = new SecretMask(() => held);
    expect(live.mask('a first-secret-123456 b')).toBe('a [key …3456] b');
    held = ['second-secret-abcdef'];
    expect(live.mask('a first-secret-123456 second-secret-abcdef')).toBe(
      'a first-secret-123456 [key …cdef]',
    );
  });
});
