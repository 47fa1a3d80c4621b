// The pool and key ids are cached per provider object (state.ts): the cache must give what
// building them gives, for every model a client may name, past the cache's bound.
import { describe, expect, it } from 'vitest';
import { keyRefOf, poolIdOf } from '../../../app/limiter/state.ts';
import { GROQ, OPENROUTER, target } from './fixtures.ts';

describe('pool and key ids', () => {
  it('name the provider, the key and the model, or "*" for a shared account pool', () => {
    expect(poolIdOf(target(GROQ, 'llama-3.1-8b-instant', 'k1'))).toBe(
      'groq|k1|llama-3.1-8b-instant',
    );
    // A keyless target (the fixture's `target` defaults its key).
    const keyless = { provider: GROQ, model: 'llama-3.1-8b-instant', keyId: undefined };
    expect(poolIdOf(keyless)).toBe('groq||llama-3.1-8b-instant');
    const free = OPENROUTER.models.find((m) => m.free)!.id;
    expect(poolIdOf(target(OPENROUTER, free, 'k1'))).toBe('openrouter|k1|*');
    expect(keyRefOf(target(GROQ, 'any', 'k2'))).toBe('groq|k2');
    expect(keyRefOf(keyless)).toBe('groq|');
  });

  it('stay right for more models and keys than the cache holds', () => {
    for (let round = 0; round < 2; round++)
      for (let i = 0; i < 1500; i++) {
        expect(poolIdOf(target(GROQ, `model-${i}`, `key-${i % 3}`))).toBe(
          `groq|key-${i % 3}|model-${i}`,
        );
        expect(keyRefOf(target(GROQ, 'm', `key-${i}`))).toBe(`groq|key-${i}`);
      }
  });
});
