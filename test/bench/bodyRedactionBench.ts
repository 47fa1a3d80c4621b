// npm run bench -- bodyRedaction: what redacting one logged body costs (settings.logBodies), by
// body size: secretlint's recommended preset plus app/privacy's shapes, on a chat request body
// (JSON, redacted value by value) and on plain text. It runs after the answer was sent.
import { redactBody, redactText } from '../../main/store/bodyRedaction.ts';
import { SecretMask } from '../../main/keys/secretMask.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 50);
const PROSE = 'The quick brown fox jumps over the lazy dog, then reads the config again. ';
const SECRETS =
  ' password=Hunt3r-2-go PGPASSWORD=s3cr3t!Pass ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8' +
  ' postgres://app:Pg-pa55word@db.example.com:5432/app ';

function chatBody(chars: number): string {
  const messages = [];
  for (let used = 0; used < chars; used += 2000)
    messages.push({ role: 'user', content: PROSE.repeat(26) + SECRETS });
  return JSON.stringify({ model: 'fast', messages });
}

async function time(run: () => Promise<unknown> | unknown): Promise<number> {
  await run();
  const started = performance.now();
  for (let i = 0; i < RUNS; i++) await run();
  return (performance.now() - started) / RUNS;
}

const mask = new SecretMask(() =>
  Array.from({ length: 10 }, (_, i) => `sk-bench-${i}-0123456789abcdefghijklmnop`),
);
const rows: string[][] = [];
for (const kib of [1, 8, 64, 512]) {
  const body = chatBody(kib * 1024);
  rows.push([
    `${kib} KiB`,
    (await time(() => redactBody(body))).toFixed(2),
    (await time(() => redactText(body))).toFixed(2),
    (await time(() => mask.mask(body))).toFixed(3),
  ]);
}
console.log(
  `body redaction, mean of ${RUNS} runs (ms); BENCH_RUNS=${RUNS} npm run bench -- bodyRedaction`,
);
const header = ['body', 'redactBody (JSON)', 'redactText (plain)', 'SecretMask, 10 keys'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
for (const row of [header, ...rows])
  console.log(row.map((cell, i) => cell.padStart(widths[i] ?? 0)).join('  '));
