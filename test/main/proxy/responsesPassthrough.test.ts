import { describe, expect, it } from 'vitest';
import { SseParser } from '../../../app/formats/sse.ts';
import type { HubRequest } from '../../../main/proxy/adapter.ts';
import { responsesPassthrough } from '../../../main/proxy/responsesPassthrough.ts';
import { loadShippedCatalog } from '../../../main/engine/providerDirectory.ts';
import { DEFAULT_CATALOG_PATH } from '../../../main/proxy/proxyService.ts';

const provider = loadShippedCatalog(DEFAULT_CATALOG_PATH).providers.find((p) => p.id === 'openai')!;

function codec(kept: unknown[]) {
  const req = {
    id: 'r',
    kind: 'responses',
    inbound: 'responses',
    body: { model: 'x', input: 'hi', stream: true },
    model: 'x',
    stream: true,
    promptChars: 2,
    maxTokens: undefined,
    receivedAt: 0,
    keepResponse: (response: Record<string, unknown>) => kept.push(response),
  } as unknown as HubRequest;
  return responsesPassthrough(req, provider);
}

const event = (type: string, sequence: number, data: Record<string, unknown> = {}) =>
  `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence, ...data })}\n\n`;
const response = (status: string, usage?: object) => ({
  id: 'resp_1',
  object: 'response',
  status,
  output: [],
  ...(usage ? { usage } : {}),
});
const START = [
  event('response.created', 0, { response: response('in_progress') }),
  event('response.in_progress', 1, { response: response('in_progress') }),
  event('response.output_item.added', 2, { output_index: 0, item: { type: 'message' } }),
  event('response.output_text.delta', 3, { item_id: 'm', delta: '"error": {"x":1}' }),
  event('response.output_text.delta', 4, { item_id: 'm', delta: 'lo' }),
];

describe('the Responses passthrough relay', () => {
  it('forwards the stream as it came, keeps the response and counts its usage', () => {
    const kept: unknown[] = [];
    const relay = codec(kept).relay('x');
    const first = relay.push(START.slice(0, 2).join(''));
    expect(first.started).toBe(false);
    const rest = [
      ...START.slice(2),
      event('response.completed', 5, {
        response: response('completed', {
          input_tokens: 9,
          output_tokens: 4,
          input_tokens_details: { cached_tokens: 3 },
        }),
      }),
    ];
    const step = relay.push(rest.join(''));
    expect(step.error).toBeUndefined();
    expect(first.out + step.out).toBe([...START.slice(0, 2), ...rest].join(''));
    expect(relay.usage()).toEqual({ tokensIn: 9, tokensOut: 4, tokensCached: 3 });
    expect(relay.end().error).toBeUndefined();
    expect(kept).toHaveLength(1);
  });

  it('numbers the failure events after the last event relayed', () => {
    const relay = codec([]).relay('x');
    expect(relay.push(START.join('')).started).toBe(true);
    const end = relay.end();
    expect(end.error?.code).toBe('stream_truncated');
    const failed = new SseParser().push(relay.errorText(end.error!));
    expect(
      failed.map((e) => JSON.parse(e.data) as { type: string; sequence_number: number }),
    ).toMatchObject([
      { type: 'response.failed', sequence_number: 5 },
      { type: 'error', sequence_number: 6 },
    ]);
  });

  it('ends with the provider’s failure when it sends response.failed', () => {
    const relay = codec([]).relay('x');
    relay.push(START.join(''));
    const step = relay.push(
      event('response.failed', 5, {
        response: { ...response('failed'), error: { code: 'server_error', message: 'boom' } },
      }),
    );
    expect(step.error).toMatchObject({ message: 'boom', code: 'server_error' });
  });
});
