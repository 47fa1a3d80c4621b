import { describe, expect, it } from 'vitest';
import { SessionMemory } from '../../../main/proxy/sessionMemory.ts';

const served = (keyId: string) => ({ provider: 'groq', keyId, model: 'llama' });

describe('SessionMemory', () => {
  it('forgets the least recently used session beyond its capacity, and any after its expiry', () => {
    let now = 0;
    const memory = new SessionMemory(() => now, 2, 1000);
    memory.remember('a', served('1'));
    memory.remember('b', served('2'));
    expect(memory.get('a')).toEqual(served('1'));
    memory.remember('c', served('3'));
    expect(memory.get('b')).toBeUndefined();
    expect(memory.size).toBe(2);
    now = 1001;
    expect(memory.get('a')).toBeUndefined();
    expect(memory.get('c')).toBeUndefined();
  });

  it('hashes ids per route, never keeping the text', () => {
    const id = SessionMemory.idOf('fast', 'user_secret_session');
    expect(id).not.toContain('secret');
    expect(id).not.toBe(SessionMemory.idOf('main', 'user_secret_session'));
  });
});
