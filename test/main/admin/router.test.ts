import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleAdmin, type AdminHandlers, type AdminInput } from '../../../main/admin/router.ts';

// Every handler records what the router gave it; the router alone validates.
const seen: Array<{ name: string; input: AdminInput<never> }> = [];
const handlers = new Proxy({} as AdminHandlers, {
  get: (_, name: string) => (input: AdminInput<never>) => {
    seen.push({ name, input });
    return { ok: true };
  },
});

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    void handleAdmin(
      handlers,
      req,
      res,
      url,
      () => undefined,
      (text) => text,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('the admin router validates queries from the contract', () => {
  it('hands the handler the parsed query with its defaults, and typed params', async () => {
    seen.length = 0;
    let res = await fetch(`${base}/admin/requests?status=429`);
    expect(res.status).toBe(200);
    expect(seen[0]?.input.query).toEqual({ status: 429, limit: 50 });
    res = await fetch(`${base}/admin/requests/abc%2F1`);
    expect(res.status).toBe(200);
    expect(seen[1]?.input.params).toEqual({ id: 'abc/1' });
    expect(seen[1]?.input.query).toBeUndefined();
  });

  it('answers 400 naming the parameter before any handler runs', async () => {
    seen.length = 0;
    const res = await fetch(`${base}/admin/metrics?range=2d&groupBy=key`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; issues: { path: string }[] } };
    expect(body.error.code).toBe('invalid_query');
    expect(body.error.issues.map((i) => i.path)).toEqual(['range']);
    expect(seen).toEqual([]);
  });

  it('refuses a parameter the endpoint does not take', async () => {
    seen.length = 0;
    const res = await fetch(`${base}/admin/requests?limt=5`);
    expect(res.status).toBe(400);
    expect(seen).toEqual([]);
  });
});
