import { describe, expect, it } from 'vitest';
import { keepConfirmations, unconfirmedBaseUrl } from '../../../app/config/confirmedBaseUrl.ts';
import { ConfigSchema, type KeyMeta } from '../../../app/config/schema.ts';

const SHIPPED = 'https://api.openai.com/v1';
const key = (over: Partial<KeyMeta> = {}): KeyMeta => ({
  id: 'k1',
  provider: 'openai',
  label: 'k',
  secret: { keychain: true },
  tier: 'free',
  ...over,
});
const config = (keys: KeyMeta[], baseUrl?: string) =>
  ConfigSchema.parse({
    version: 1,
    keys,
    ...(baseUrl === undefined ? {} : { providers: { openai: { baseUrl } } }),
  });
const baseUrlOf = () => ({ current: SHIPPED, shipped: SHIPPED });

describe('confirmed base URLs', () => {
  it('a key may go to the address it was confirmed for, trailing slash or not', () => {
    expect(unconfirmedBaseUrl(key({ confirmedBaseUrl: `${SHIPPED}/` }), SHIPPED)).toBeNull();
    expect(unconfirmedBaseUrl(key({ confirmedBaseUrl: SHIPPED }), 'http://evil/v1')).toEqual({
      current: 'http://evil/v1',
      confirmed: SHIPPED,
    });
    expect(unconfirmedBaseUrl(key({ confirmedBaseUrl: '' }), SHIPPED)).toEqual({
      current: SHIPPED,
      confirmed: null,
    });
  });

  it('ignores what an admin caller claims, keeping what the engine holds', () => {
    const current = config([key({ confirmedBaseUrl: SHIPPED })]);
    const next = config([key({ confirmedBaseUrl: 'http://evil/v1' })], 'http://evil/v1');
    expect(keepConfirmations(next, current, baseUrlOf).keys[0]?.confirmedBaseUrl).toBe(SHIPPED);
  });

  it('confirms a new key for the catalog’s own address only', () => {
    const current = config([]);
    const atShipped = keepConfirmations(config([key({ id: 'n' })]), current, baseUrlOf);
    expect(atShipped.keys[0]?.confirmedBaseUrl).toBe(SHIPPED);
    const elsewhere = keepConfirmations(
      config([key({ id: 'n', confirmedBaseUrl: 'http://evil/v1' })], 'http://evil/v1'),
      current,
      baseUrlOf,
    );
    expect(elsewhere.keys[0]?.confirmedBaseUrl).toBe('');
  });
});
