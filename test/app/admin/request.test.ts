import { describe, expect, expectTypeOf, it } from 'vitest';
import { ADMIN_API, type ParamsOf, type PathParamNames } from '../../../app/admin/contract.ts';
import { buildAdminRequest, fillPath, matchPath } from '../../../app/admin/request.ts';

describe('path parameters typed from the template', () => {
  it('extracts every :name segment', () => {
    expectTypeOf<PathParamNames<'/admin/keys/:id/base-url/confirm'>>().toEqualTypeOf<'id'>();
    expectTypeOf<PathParamNames<'/a/:x/b/:y'>>().toEqualTypeOf<'x' | 'y'>();
    expectTypeOf<PathParamNames<'/admin/status'>>().toBeNever();
    expectTypeOf<ParamsOf<'deleteKey'>>().toEqualTypeOf<{ id: string }>();
    expectTypeOf<keyof ParamsOf<'listKeys'>>().toBeNever();
  });
});

describe('buildAdminRequest', () => {
  it('fills path parameters, encoded, from the contract', () => {
    expect(buildAdminRequest('deleteKey', { params: { id: 'groq/a b' } })).toEqual({
      method: 'DELETE',
      path: '/admin/keys/groq%2Fa%20b',
      headers: { accept: 'application/json' },
    });
  });

  it('sends JSON for POST and PUT, `{}` when the endpoint needs no input', () => {
    const test = buildAdminRequest('testKey', { params: { id: 'k1' }, body: {} });
    expect(test).toEqual({
      method: 'POST',
      path: '/admin/keys/k1/test',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: '{}',
    });
    const pause = buildAdminRequest('setPaused', { body: { paused: true } });
    expect(pause.method).toBe('PUT');
    expect(JSON.parse(pause.body ?? '')).toEqual({ paused: true });
  });

  it('writes the query string, leaving out empty values', () => {
    const request = buildAdminRequest('listRequests', {
      query: { status: 'error', limit: 10, route: '', provider: undefined },
    });
    expect(request.path).toBe('/admin/requests?status=error&limit=10');
    expect(buildAdminRequest('metrics', {}).path).toBe('/admin/metrics');
  });

  it('refuses a missing path parameter instead of calling the wrong path', () => {
    expect(() => fillPath(ADMIN_API.deleteKey.path, {})).toThrow(/needs the path parameter "id"/);
  });

  it('builds exactly the paths the router matches, for every endpoint', () => {
    for (const def of Object.values(ADMIN_API)) {
      const path = fillPath(def.path, { id: 'x/y' });
      const params = matchPath(def.path, path);
      expect(params).not.toBeNull();
      if (def.path.includes(':id')) expect(params).toEqual({ id: 'x/y' });
    }
  });
});
