// One member of a whole JSON answer read without parsing it (app/formats/answerScan.ts): sure,
// or undefined so that the caller parses.
import { describe, expect, it } from 'vitest';
import { lastMemberText } from '../../../app/formats/answerScan.ts';

const USAGE = {
  prompt_tokens: 5,
  completion_tokens: 1,
  prompt_tokens_details: { cached_tokens: 2 },
};

/** What a parse of `json` says of its top-level `usage`, as the scan gives it. */
function parsed(json: string): string | null {
  const value = (JSON.parse(json) as Record<string, unknown>).usage;
  return value === undefined ? null : JSON.stringify(value);
}

const reparsed = (text: string | null | undefined) =>
  typeof text === 'string' ? JSON.stringify(JSON.parse(text)) : text;

describe('lastMemberText', () => {
  it('reads a top-level object member followed by plain members, as a parse does', () => {
    const answers = [
      JSON.stringify({ id: 'a', choices: [{ message: { content: 'hi' } }], usage: USAGE }),
      JSON.stringify({ id: 'a', usage: USAGE, system_fingerprint: 'fp_1', n: -1.5e3, ok: true }),
      JSON.stringify({ id: 'a', usage: USAGE, service_tier: null }),
      // Pretty-printed, as some providers send it, with a newline after the last brace.
      `${JSON.stringify({ id: 'a', choices: [], usage: USAGE, model: 'm' }, null, 2)}\n`,
      // Braces, brackets and escaped quotes inside the usage's strings.
      JSON.stringify({ id: 'a', usage: { note: 'a "}]" b\\', prompt_tokens: 1 } }),
    ];
    for (const answer of answers)
      expect(reparsed(lastMemberText(answer, 'usage'))).toBe(parsed(answer));
  });

  it('is unsure of an answer without the key (a cut-off one lacks it too), gives a null member', () => {
    expect(lastMemberText(JSON.stringify({ id: 'a', choices: [] }), 'usage')).toBeUndefined();
    expect(lastMemberText('{"id":"a","choices":[{"message":{"content":"hel', 'usage')).toBe(
      undefined,
    );
    expect(lastMemberText(JSON.stringify({ id: 'a', usage: null, model: 'm' }), 'usage')).toBe(
      'null',
    );
  });

  it('does not mistake the name inside a string for the key', () => {
    const answer = JSON.stringify({ content: 'the "usage": {"prompt_tokens": 9}', usage: USAGE });
    expect(reparsed(lastMemberText(answer, 'usage'))).toBe(JSON.stringify(USAGE));
    expect(lastMemberText(JSON.stringify({ content: 'no "usage" here' }), 'usage')).toBe(undefined);
  });

  it('is unsure of a nested key, a repeated one, a value of another kind or a complex tail', () => {
    const unsure = [
      JSON.stringify({ choices: [{ usage: USAGE }] }),
      JSON.stringify({ meta: { usage: USAGE }, model: 'm' }),
      JSON.stringify({ choices: [{ usage: USAGE }], usage: USAGE }),
      JSON.stringify({ usage: 5 }),
      JSON.stringify({ usage: [1] }),
      JSON.stringify({ kind: 'usage', n: 1 }),
      JSON.stringify({ usage: USAGE, choices: [] }),
      JSON.stringify({ usage: USAGE, note: 'a "quoted" word' }),
      JSON.stringify({ usage: USAGE, extra: { a: 1 } }),
      '[{"usage":{}}]',
      '{"usage":{"prompt_tokens":1}',
    ];
    for (const answer of unsure) expect(lastMemberText(answer, 'usage'), answer).toBeUndefined();
  });
});
