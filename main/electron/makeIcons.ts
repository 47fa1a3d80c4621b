// Writes resources/icons/ from icons.ts. Run: node_modules/.bin/node main/electron/makeIcons.ts
// (a test fails when the committed files drift from what this draws).
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderIcons } from './icons.ts';

const dir = fileURLToPath(new URL('../../resources/icons/', import.meta.url));
await mkdir(dir, { recursive: true });
for (const [name, png] of renderIcons()) {
  await writeFile(`${dir}${name}`, png);
  console.log(`wrote resources/icons/${name} (${png.length} bytes)`);
}
