// An OpenAI-format whole answer passed through (main/proxy/adapters/openai.ts): its usage read
// by a scan where the scan is sure, by a parse otherwise, with the same outcome either way.
import { describe, expect, it } from 'vitest';
import { OPENAI } from '../../../main/proxy/adapters/openai.ts';
import type { Codec } from '../../../main/proxy/codec.ts';
import { GROQ } from '../../app/limiter/fixtures.ts';

/** The legacy completions passthrough: it reads its answers as the chat and embeddings ones do. */
function passthroughCodec(): Codec {
  const made = OPENAI.target.completions(GROQ);
  if ('unsupported' in made) throw new Error(made.unsupported);
  return made;
}

describe('the OpenAI passthrough reads a whole answer', () => {
  const codec = passthroughCodec();

  it('counts the top-level usage and passes the text on untouched', () => {
    const answers = [
      JSON.stringify({
        object: 'list',
        data: [{ embedding: [0.1, -0.2], index: 0 }],
        model: 'm',
        usage: { prompt_tokens: 7, total_tokens: 7 },
      }),
      `${JSON.stringify({ id: 'c', choices: [{ text: 'hi' }], usage: { prompt_tokens: 5, completion_tokens: 2, prompt_tokens_details: { cached_tokens: 3 } }, system_fingerprint: 'fp' }, null, 2)}\n`,
      // A usage the scan cannot place (a complex member after it): parsed, same counts.
      JSON.stringify({ usage: { prompt_tokens: 5, completion_tokens: 2 }, choices: [] }),
    ];
    const counts = [
      { tokensIn: 7, tokensOut: 0 },
      { tokensIn: 5, tokensOut: 2, tokensCached: 3 },
      { tokensIn: 5, tokensOut: 2 },
    ];
    answers.forEach((answer, i) =>
      expect(codec.decode(answer, 'm')).toEqual({ ok: true, body: answer, usage: counts[i] }),
    );
  });

  it('counts nothing for an answer without usage, or with a usage only nested', () => {
    for (const answer of [
      JSON.stringify({ id: 'c', choices: [] }),
      JSON.stringify({ id: 'c', usage: null }),
      JSON.stringify({ choices: [{ usage: { prompt_tokens: 9 } }] }),
    ])
      expect(codec.decode(answer, 'm')).toEqual({
        ok: true,
        body: answer,
        usage: { tokensIn: 0, tokensOut: 0 },
      });
  });

  it('fails an error body and an answer that is not JSON, as before', () => {
    const failed = codec.decode(JSON.stringify({ error: { message: 'no route' } }), 'm');
    expect(failed).toMatchObject({ ok: false, error: { code: 'upstream_error' } });
    expect(codec.decode('upstream overloaded', 'm')).toMatchObject({ ok: false });
    expect(codec.decode('{"usage":', 'm')).toMatchObject({ ok: false });
  });

  it('fails an answer cut off before its usage: a truncated body is never passed on as a 200', () => {
    const whole = JSON.stringify({
      id: 'c',
      choices: [{ index: 0, message: { role: 'assistant', content: 'reply text' } }],
      usage: { prompt_tokens: 5, completion_tokens: 2 },
    });
    for (const cut of [whole.indexOf('"usage"') - 1, whole.indexOf('reply') + 3, 40])
      expect(codec.decode(whole.slice(0, cut), 'm'), whole.slice(0, cut)).toMatchObject({
        ok: false,
      });
  });
});
