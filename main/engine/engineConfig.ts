import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configJsonSchema } from '../../app/config/jsonSchema.ts';
import { ConfigStore, writeFileAtomic } from '../config/configFile.ts';

/**
 * Opens the config the engine runs on and watches it: an edit that does not validate is logged
 * and the last good config stays live. `onOpened` learns how to close it if start-up fails later.
 */
export async function openConfig(
  configPath: string,
  log: (message: string) => void,
  onOpened: (close: () => void) => void,
): Promise<ConfigStore> {
  const config = await ConfigStore.open(configPath);
  onOpened(() => config.close());
  await writeSchemaBeside(configPath);
  config.on('invalid', (errors) => {
    log(
      `config: your edit of ${configPath} was not applied; the last good config stays live:\n  ${errors.join('\n  ')}`,
    );
  });
  config.on('change', () => log(`config: reloaded ${configPath}`));
  config.watch();
  return config;
}

/** Puts the JSON Schema next to the config so `"$schema": "./config.schema.json"` resolves in editors. */
async function writeSchemaBeside(configPath: string): Promise<void> {
  const target = join(configPath, '..', 'config.schema.json');
  const text = `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
  const existing = await readFile(target, 'utf8').catch(() => '');
  if (existing !== text) await writeFileAtomic(target, text);
}
