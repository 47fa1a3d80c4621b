import { describe, expect, it } from 'vitest';
import { finishedEventJson, listItem } from '../../../main/store/requestLogWriter.ts';
import { attempt, request } from './records.ts';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const skip = attempt(NOW, { index: 1, outcome: 'skipped', status: 0, provider: 'gemini' });

describe('finishedEventJson', () => {
  it.each([
    ['without rule or affinity', request('r1', NOW), [attempt(NOW)]],
    [
      'with rule, affinity, a skip and text to escape',
      request('r2', NOW, {
        rule: 'background',
        affinity: 'kept on groq key "g2": same session',
        error: 'said “no”\n\\ 😀',
      }),
      [attempt(NOW), skip],
    ],
    ['without attempts', request('r3', NOW, { provider: null, costUsd: null }), []],
    [
      'with bodies, which the event leaves out',
      request('r4', NOW, { requestBody: '{"a":1}', responseBody: 'ok' }),
      [attempt(NOW)],
    ],
  ])('is the text of the list row, %s', (_, record, attempts) => {
    expect(finishedEventJson(record, attempts)).toBe(
      JSON.stringify({ request: listItem(record, attempts) }),
    );
  });
});
