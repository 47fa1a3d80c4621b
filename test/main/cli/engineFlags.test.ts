import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENGINE_ENV, ENGINE_NODE_FLAGS } from '../../../main/engineFlags.ts';

describe('the engine’s Node flags', () => {
  it('are on the switchyard bin’s shebang with its environment, which esbuild carries into dist/main/cli.js', () => {
    const source = readFileSync(new URL('../../../main/cli/main.ts', import.meta.url), 'utf8');
    const shebang = source.split('\n', 1)[0];
    const env = Object.entries(ENGINE_ENV).map(([name, value]) => `${name}=${value}`);
    expect(shebang).toBe(`#!/usr/bin/env -S ${env.join(' ')} node ${ENGINE_NODE_FLAGS.join(' ')}`);
  });
});
