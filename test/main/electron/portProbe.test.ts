import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { portIsFree } from '../../../main/electron/portProbe.ts';

const busy: Server = createServer();
await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

describe('portIsFree', () => {
  it('says no for a port someone holds', async () => {
    const address = busy.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    expect(await portIsFree('127.0.0.1', address.port)).toBe(false);
  });

  it('says yes for a free port, and leaves it free', async () => {
    const probe: Server = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const address = probe.address();
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    if (address === null || typeof address === 'string') throw new Error('no port');
    expect(await portIsFree('127.0.0.1', address.port)).toBe(true);
    expect(await portIsFree('127.0.0.1', address.port)).toBe(true);
  });
});
