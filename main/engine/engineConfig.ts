import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configJsonSchema } from '../../app/config/jsonSchema.ts';
import { ConfigStore, writeFileAtomic } from '../config/configFile.ts';

/**
 * Opens the config the engine runs on. `onOpened` learns how to close it if start-up fails later.
 * It is read before the engine's log exists (the log's secret mask is built from what the config
 * names), so watching it waits for `watchConfig`.
 */
export async function openConfig(
  configPath: string,
  onOpened: (close: () => void) => void,
): Promise<ConfigStore> {
  const config = await ConfigStore.open(configPath);
  onOpened(() => config.close());
  await writeSchemaBeside(configPath);
  return config;
}

/** Watches the config: an edit that does not validate is logged and the last good config stays live. */
export function watchConfig(
  config: ConfigStore,
  configPath: string,
  log: (message: string) => void,
): void {
  config.on('invalid', (errors) => {
    log(
      `config: your edit of ${configPath} was not applied; the last good config stays live:\n  ${errors.join('\n  ')}`,
    );
  });
  config.on('change', () => log(`config: reloaded ${configPath}`));
  config.watch();
}

/** Puts the JSON Schema next to the config so `"$schema": "./config.schema.json"` resolves in editors. */
async function writeSchemaBeside(configPath: string): Promise<void> {
  const target = join(configPath, '..', 'config.schema.json');
  const text = `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
  const existing = await readFile(target, 'utf8').catch(() => '');
  if (existing !== text) await writeFileAtomic(target, text);
}
