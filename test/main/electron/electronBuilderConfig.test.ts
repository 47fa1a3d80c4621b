// electron-builder.yml checked against electron-builder's own schema, so a typo fails here rather
// than on a release machine; installers themselves cannot be built offline (see the README).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const require = createRequire(import.meta.url);
// electron-builder's own loader and validator (app-builder-lib and js-yaml come with it).
const { load } = require('js-yaml') as { load: (text: string) => unknown };
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration: (config: unknown, log: unknown) => Promise<void>;
};

type BuilderConfig = {
  appId: string;
  productName: string;
  asar: boolean;
  npmRebuild: boolean;
  files: string[];
  linux: { target: string[]; icon: string };
  mac: { target: string; icon: string };
  win: { target: string; icon: string };
};

const config = load(readFileSync(`${ROOT}electron-builder.yml`, 'utf8')) as BuilderConfig;

describe('electron-builder.yml', () => {
  it('passes electron-builder’s schema', async () => {
    await expect(
      validateConfiguration(config, { add: () => undefined, isEnabled: false }),
    ).resolves.toBeUndefined();
  });

  it('builds AppImage and deb, dmg, and nsis from an asar, with no native rebuild', () => {
    expect(config).toMatchObject({
      appId: 'dev.switchyard.app',
      productName: 'Switchyard',
      asar: true,
      npmRebuild: false,
      linux: { target: ['AppImage', 'deb'] },
      mac: { target: 'dmg' },
      win: { target: 'nsis' },
    });
  });

  it('ships what the shell loads at run time, and icons that exist', () => {
    const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { main: string };
    expect(pkg.main).toBe('dist/main/electron/main.cjs');
    expect(config.files).toEqual(
      expect.arrayContaining(['dist/main/**', 'dist/renderer/**', 'resources/icons/**']),
    );
    for (const icon of [config.linux.icon, config.mac.icon, config.win.icon])
      expect(existsSync(`${ROOT}${icon}`), icon).toBe(true);
  });
});
