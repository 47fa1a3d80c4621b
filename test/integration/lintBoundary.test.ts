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

describe('the layering lint rules inside main/', () => {
  it('fails main/store/ code that imports the engine', async () => {
    const messages = await lintAs('main/store/bad.ts', fixture('storeImportsEngine.ts'));
    expect(messages).toEqual([
      expect.stringMatching(/Bad layering: main\/store\/ and main\/keys\/ hold state/),
    ]);
  });

  it('fails main/keys/ code that imports the server or the admin API', async () => {
    const messages = await lintAs('main/keys/bad.ts', fixture('keysImportsServer.ts'));
    expect(messages).toEqual([
      expect.stringMatching(/Bad layering: main\/store\/ and main\/keys\/ hold state/),
      expect.stringMatching(/Bad layering: main\/store\/ and main\/keys\/ hold state/),
    ]);
  });

  it('fails main/store/ code that imports main/keys/ (keys use the store, not the reverse)', async () => {
    const messages = await lintAs('main/store/bad.ts', fixture('storeImportsKeys.ts'));
    expect(messages).toEqual([
      expect.stringMatching(/Bad layering: main\/keys\/ uses main\/store\/, never the reverse/),
    ]);
  });

  it('fails electron outside main/electron/ and allows it inside', async () => {
    const messages = await lintAs('main/engine/bad.ts', fixture('mainImportsElectron.ts'));
    expect(messages).toEqual([
      expect.stringMatching(/Bad layering: only main\/electron\/ imports electron/),
    ]);
    expect(await lintAs('main/electron/fine.ts', fixture('mainImportsElectron.ts'))).toEqual([]);
  });

  it('keeps the main/-wide rules in the narrower blocks (flat config replaces, not merges)', async () => {
    for (const file of ['main/store/bad.ts', 'main/keys/bad.ts', 'main/electron/bad.ts']) {
      const messages = await lintAs(file, fixture('mainImportsRenderer.ts'));
      expect(messages).toEqual([
        expect.stringMatching(/Bad layering: main\/ never imports renderer\//),
      ]);
    }
    for (const file of ['main/store/bad.ts', 'main/keys/bad.ts']) {
      const messages = await lintAs(file, fixture('mainImportsElectron.ts'));
      expect(messages).toEqual([
        expect.stringMatching(/Bad layering: only main\/electron\/ imports electron/),
      ]);
    }
  });

  it('passes app/ imports in the store, even from folders named like main/ ones', async () => {
    expect(await lintAs('main/store/fine.ts', fixture('storeImportsApp.ts'))).toEqual([]);
  });
});
