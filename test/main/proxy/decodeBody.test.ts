import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CallerEndpoint } from '../../../main/proxy/adapter.ts';
import { CALLERS } from '../../../main/proxy/adapters/registry.ts';
import { decodeBody } from '../../../main/proxy/routes.ts';
import {
  anthropicBody,
  chatBody,
  geminiBody,
  geminiCountBody,
} from '../../app/formats/generatedBodies.ts';
import { agentChatBody, claudeCodeBody, geminiCliBody } from '../../bench/agentBodies.ts';

const GENERATE = '/v1beta/models/gemini-x:streamGenerateContent';

/** The endpoint a path names: a fixed path, or one whose segment names the model (Gemini's). */
function endpoint(path: string): CallerEndpoint {
  const found = CALLERS.map(
    (caller) => caller.endpoints[path] ?? caller.match?.(path, new URLSearchParams()),
  ).find((e) => e !== undefined);
  if (found === undefined) throw new Error(`no endpoint ${path}`);
  return found;
}

/** The request path's reading of a body, and what it would be with the schema alone. */
function bothWays(path: string, body: Record<string, unknown>) {
  const withCheck = endpoint(path);
  expect(withCheck.asSent, path).toBeDefined();
  const { asSent: _, ...schemaOnly } = withCheck;
  return { checked: decodeBody(withCheck, body), schema: decodeBody(schemaOnly, body) };
}

describe('decodeBody with a hand check', () => {
  it.each([
    ['/v1/messages', anthropicBody],
    ['/v1/messages/count_tokens', anthropicBody],
    ['/v1/chat/completions', chatBody],
    [GENERATE, geminiBody],
    ['/v1beta/models/gemini-x:countTokens', geminiCountBody],
  ])(
    'reads every %s body as the schema alone does: the same data, or the same issues (property)',
    (path, bodies) => {
      fc.assert(
        fc.property(bodies, (body) => {
          const { checked, schema } = bothWays(path, body);
          expect(checked.success).toBe(schema.success);
          expect(checked.data).toEqual(schema.data);
          expect(checked.error?.issues).toEqual(schema.error?.issues);
        }),
        { numRuns: 5000 },
      );
    },
  );

  it.each([
    ['/v1/messages', claudeCodeBody(20)],
    ['/v1/chat/completions', agentChatBody(20)],
    [GENERATE, geminiCliBody(20)],
  ])('uses an agent-sized %s body as it came, not a copy', (path, body) => {
    const { checked, schema } = bothWays(path, body);
    expect(checked.data).toBe(body);
    expect(schema.data).not.toBe(body);
    expect(schema.data).toEqual(body);
  });

  it('reads a Gemini content without parts as the schema fills it in, not as it came', () => {
    const body = { contents: [{ role: 'user' }, { role: 'model', parts: [{ text: 'hi' }] }] };
    const { checked } = bothWays(GENERATE, body);
    expect(checked.data).toEqual({
      contents: [
        { role: 'user', parts: [] },
        { role: 'model', parts: [{ text: 'hi' }] },
      ],
    });
  });
});
