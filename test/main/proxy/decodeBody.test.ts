import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CallerEndpoint } from '../../../main/proxy/adapter.ts';
import { CALLERS } from '../../../main/proxy/adapters/registry.ts';
import { decodeBody } from '../../../main/proxy/routes.ts';
import { anthropicBody } from '../../app/formats/anthropicBodies.ts';
import { claudeCodeBody } from '../../bench/agentBodies.ts';

function endpoint(path: string): CallerEndpoint {
  const found = CALLERS.map((caller) => caller.endpoints[path]).find((e) => e !== undefined);
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
  it.each(['/v1/messages', '/v1/messages/count_tokens'])(
    'reads every %s body as the schema alone does: the same data, or the same issues (property)',
    (path) => {
      fc.assert(
        fc.property(anthropicBody, (body) => {
          const { checked, schema } = bothWays(path, body);
          expect(checked.success).toBe(schema.success);
          expect(checked.data).toEqual(schema.data);
          expect(checked.error?.issues).toEqual(schema.error?.issues);
        }),
        { numRuns: 5000 },
      );
    },
  );

  it('uses a Claude Code body as it came, not a copy', () => {
    const body = claudeCodeBody(20);
    const { checked, schema } = bothWays('/v1/messages', body);
    expect(checked.data).toBe(body);
    expect(schema.data).toEqual(body);
  });
});
