import { secretEquals } from '../../../main/keys/secretEquals.ts';
import { describe, expect, it } from 'vitest';
import {
  fetchSiteAllowed,
  hostAllowed,
  hostnameOf,
  isLoopbackHost,
  originAllowed,
} from '../../../main/server/guards.ts';

describe('isLoopbackHost (the --host flag)', () => {
  it.each(['127.0.0.1', '127.3.4.5', 'localhost', '::1', '[::1]'])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });
  it.each(['0.0.0.0', '192.168.1.2', '10.0.0.1', '::', 'example.com', '128.0.0.1'])(
    '%s is not',
    (host) => {
      expect(isLoopbackHost(host)).toBe(false);
    },
  );
});

describe('hostAllowed (DNS rebinding)', () => {
  it.each(['127.0.0.1:4141', 'localhost:4141', 'LOCALHOST', '[::1]:4141', '127.0.0.2'])(
    'lets %s through',
    (host) => {
      expect(hostAllowed(host, false)).toBe(true);
    },
  );
  it.each([
    'evil.example',
    'evil.example:4141',
    'localhost.evil.example',
    '127.0.0.1.nip.io',
    '',
    '[::1',
    undefined,
    '127.0.0.1:1@evil.example',
    'localhost:4141/evil',
    'localhost:999999',
    '127.0.0.1 evil.example',
  ])('refuses %s', (host) => {
    expect(hostAllowed(host, false)).toBe(false);
  });
  it('lets anything through only when remote access was asked for', () => {
    expect(hostAllowed('my-box.lan:4141', true)).toBe(true);
  });
  it('parses host names with ports and brackets', () => {
    expect(hostnameOf('[::1]:80')).toBe('[::1]');
    expect(hostnameOf('Example.COM:80')).toBe('example.com');
  });
});

describe('originAllowed (drive-by requests from web pages)', () => {
  const own = new Set(['http://127.0.0.1:4141', 'http://localhost:4141']);
  it('allows requests without Origin (SDKs, curl) and the dashboard itself', () => {
    expect(originAllowed(undefined, own)).toBe(true);
    expect(originAllowed('http://127.0.0.1:4141', own)).toBe(true);
    expect(originAllowed('HTTP://LOCALHOST:4141', own)).toBe(true);
  });
  it.each([
    'https://evil.example',
    'http://127.0.0.1:9999',
    'null',
    'http://127.0.0.1:4141.evil.example',
  ])('refuses %s', (origin) => {
    expect(originAllowed(origin, own)).toBe(false);
  });
});

describe('fetchSiteAllowed (what the browser says about where a request comes from)', () => {
  it.each([undefined, 'same-origin', 'none', 'Same-Origin'])('lets %s through', (site) => {
    expect(fetchSiteAllowed(site)).toBe(true);
  });
  it.each(['cross-site', 'same-site', 'bogus', ''])('refuses %s', (site) => {
    expect(fetchSiteAllowed(site)).toBe(false);
  });
  it('refuses the header sent twice', () => {
    expect(fetchSiteAllowed(['same-origin', 'cross-site'])).toBe(false);
  });
});

describe('secretEquals', () => {
  it('compares whole strings only', () => {
    expect(secretEquals('sy-abc', 'sy-abc')).toBe(true);
    expect(secretEquals('sy-ab', 'sy-abc')).toBe(false);
    expect(secretEquals('sy-abd', 'sy-abc')).toBe(false);
    expect(secretEquals(undefined, 'sy-abc')).toBe(false);
  });

  it('compares bytes, whatever came before: non-ASCII keys of the same byte length', () => {
    expect(secretEquals('sy-é', 'sy-ab')).toBe(false);
    expect(secretEquals('sy-ab', 'sy-ab')).toBe(true);
    expect(secretEquals('sy-éé', 'sy-éé')).toBe(true);
    expect(secretEquals('sy-éè', 'sy-éé')).toBe(false);
    expect(secretEquals('sy-ée', 'sy-éé')).toBe(false);
  });

  it('compares against the secret it is given now, after another was compared or rotated', () => {
    expect(secretEquals('sy-old', 'sy-old')).toBe(true);
    expect(secretEquals('sy-old', 'sy-new')).toBe(false);
    expect(secretEquals('token', 'token')).toBe(true);
    expect(secretEquals('sy-new', 'sy-new')).toBe(true);
    expect(secretEquals('sy-new', 'sy-old')).toBe(false);
  });
});
