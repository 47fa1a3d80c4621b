// Regenerates resources/config.schema.json from the zod schema, for editors (`npm run schema`).
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { configJsonSchema } from '../../app/config/jsonSchema.ts';

const target = fileURLToPath(new URL('../../resources/config.schema.json', import.meta.url));
await writeFile(target, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target}`);
