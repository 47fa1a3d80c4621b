// `npm run bench [-- suite ...]`: runs the named benchmark suites (all by default), each in its
// own process, one after another. They print tables; they never pass or fail on a number.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const suites = readdirSync(dir)
  .filter((file) => file.endsWith('Bench.ts'))
  .map((file) => file.slice(0, -'Bench.ts'.length));
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !suites.includes(name));
if (unknown.length > 0) {
  console.error(`Unknown benchmark ${unknown.join(', ')}; there are: ${suites.join(', ')}.`);
  process.exit(2);
}
let failed = false;
for (const suite of wanted.length > 0 ? wanted : suites) {
  console.log(`\n━━ benchmark: ${suite}`);
  const result = spawnSync(process.execPath, [`${dir}${suite}Bench.ts`], { stdio: 'inherit' });
  failed ||= result.status !== 0;
}
process.exit(failed ? 1 : 0);
