import { readFileSync } from 'node:fs';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/boundary/${name}`, import.meta.url), 'utf8');

/** Lints a fixture as if it were the given file of the project, with the project's own config. */
async function lintAs(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((m) => m.message);
}

describe('the layering lint rule', () => {
  it('fails app/ code that imports main/, node:*, or reads the clock', async () => {
    const messages = await lintAs('app/badImports.ts', fixture('appBreaksLayering.ts'));
    expect(messages.filter((m) => m.includes('Bad layering')).length).toBeGreaterThanOrEqual(4);
    expect(messages.join('\n')).toMatch(/app\/ is the pure domain/);
  });

  it('fails renderer/ code that imports main/', async () => {
    const messages = await lintAs('renderer/src/bad.tsx', fixture('rendererImportsMain.tsx'));
    expect(messages).toEqual([
      expect.stringMatching(/Bad layering: renderer\/ talks to the engine only over the admin API/),
    ]);
  });

  it('fails main/ code that imports renderer/', async () => {
    const messages = await lintAs('main/bad.ts', fixture('mainImportsRenderer.ts'));
    expect(messages).toEqual([
      expect.stringMatching(/Bad layering: main\/ never imports renderer\//),
    ]);
  });

  it('passes the same imports where they are allowed', async () => {
    expect(await lintAs('main/fine.ts', fixture('mainImportsApp.ts'))).toEqual([]);
  });
});
