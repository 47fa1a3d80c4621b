import { describe, expect, it } from 'vitest';
import { anthropicErrorType } from '../../../app/formats/anthropic.ts';
import { anthropicStreamError } from '../../../app/formats/anthropicTargetStream.ts';
import {
  anthropicErrorBody,
  anthropicPassthroughRelay,
} from '../../../main/proxy/adapters/anthropic.ts';

const STATUSES = [400, 401, 402, 403, 404, 413, 422, 429, 500, 502, 503, 504, 529];

/** The error type an Anthropic caller reads once its stream has started. */
function midStreamType(status: number, type = 'server_error'): string {
  const text = anthropicPassthroughRelay().errorText({
    kind: 'error',
    status,
    type,
    message: 'x',
    code: null,
  });
  const data = /^data: (.*)$/m.exec(text)?.[1] ?? '{}';
  return (JSON.parse(data) as { error: { type: string } }).error.type;
}

describe('one Anthropic error type per status, before and after a stream starts', () => {
  it.each(STATUSES)('HTTP %d', (status) => {
    const before = (anthropicErrorBody(status, 'x') as { error: { type: string } }).error.type;
    expect(before).toBe(anthropicErrorType(status));
    expect(midStreamType(status)).toBe(before);
  });

  it('a gateway timeout is timeout_error either way', () => {
    expect(anthropicErrorBody(504, 'x')).toMatchObject({ error: { type: 'timeout_error' } });
    expect(midStreamType(504)).toBe('timeout_error');
  });

  it('an upstream Anthropic error relayed as is keeps its own type', () => {
    for (const type of ['overloaded_error', 'rate_limit_error', 'billing_error', 'api_error']) {
      const error = anthropicStreamError({ type, message: 'x' });
      expect(midStreamType(error.status, error.type)).toBe(type);
    }
  });
});
