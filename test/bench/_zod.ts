import { ChatCompletionRequestSchema } from '../../app/formats/openai.ts';
import v8 from 'node:v8';
const text = JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: 'ping' }] });
const g = (globalThis as unknown as { gc: () => void }).gc;
const N = 20000;
const measure = (name: string, f: () => unknown) => {
  for (let i = 0; i < N; i++) f();
  g();
  const a = v8.getHeapStatistics().used_heap_size;
  const t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) f();
  const us = Number(process.hrtime.bigint() - t) / N / 1000;
  const b = v8.getHeapStatistics().used_heap_size;
  console.log(name, ((b - a) / N).toFixed(0), 'B/op', us.toFixed(2), 'us');
};
measure('JSON.parse', () => JSON.parse(text));
measure('parse+zod', () => ChatCompletionRequestSchema.safeParse(JSON.parse(text)));
