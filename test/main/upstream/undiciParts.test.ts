import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

describe("the engine's undici", () => {
  it("loads the Agent and the errors by their own files, never undici's whole index", async () => {
    const { startEngine } = await import('../../../main/engine/engine.ts');
    expect(startEngine).toBeTypeOf('function');
    const loaded = Object.keys(createRequire(import.meta.url).cache).filter((file) =>
      file.includes('/node_modules/undici/'),
    );
    expect(loaded.some((file) => file.endsWith('/undici/lib/dispatcher/agent.js'))).toBe(true);
    expect(loaded.filter((file) => file.endsWith('/undici/index.js'))).toEqual([]);
  });
});
