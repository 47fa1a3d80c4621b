import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throw-away data folder, `switchyard-<name>-XXXXXX` in `parent` (the OS temp folder by
 * default), holding `files` (`config.json`, `providers.json`…) each written as JSON. The caller
 * removes it.
 */
export async function dataFolder(
  name: string,
  files: Record<string, unknown> = {},
  parent = tmpdir(),
): Promise<string> {
  const dir = await mkdtemp(join(parent, `switchyard-${name}-`));
  for (const [file, content] of Object.entries(files))
    await writeFile(join(dir, file), JSON.stringify(content));
  return dir;
}
