import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeAnthropicEvent } from '../../../app/formats/anthropic.ts';
import { encodeSseEvent } from '../../../app/formats/sse.ts';

describe('encodeAnthropicEvent', () => {
  it('writes a text delta from its template as the same bytes as serializing the event', () => {
    fc.assert(
      fc.property(
        fc.nat(1000),
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'binary' }),
          fc.constantFrom('a\nb', '"\\</', '\u2028'),
        ),
        (index, text) => {
          const event = {
            type: 'content_block_delta' as const,
            index,
            delta: { type: 'text_delta' as const, text },
          };
          expect(encodeAnthropicEvent(event)).toBe(
            encodeSseEvent({ event: event.type, data: JSON.stringify(event) }),
          );
        },
      ),
      { numRuns: 2000 },
    );
  });
});
