import { describe, expect, it } from 'vitest';
import {
  navigationDecision,
  permissionAllowed,
  windowOpenDecision,
} from '../../../main/electron/navigationGuards.ts';

const APP = 'http://127.0.0.1:4141';

describe('navigationDecision', () => {
  it('allows any page of the engine origin', () => {
    expect(navigationDecision(`${APP}/`, APP, true)).toBe('allow');
    expect(navigationDecision(`${APP}/routes?x=1#top`, APP, true)).toBe('allow');
  });

  it('sends web links clicked in the top frame to the system browser', () => {
    expect(navigationDecision('https://console.groq.com/keys', APP, true)).toBe('open-externally');
    expect(navigationDecision('http://example.com/', APP, true)).toBe('open-externally');
  });

  it('treats a neighbour on another port or loopback name as foreign', () => {
    expect(navigationDecision('http://127.0.0.1:41410/', APP, true)).toBe('open-externally');
    expect(navigationDecision('http://localhost:4141/', APP, true)).toBe('open-externally');
  });

  it('refuses anything that is not a plain web link', () => {
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'data:text/html,<h1>x</h1>',
      'vscode://open',
      'https://user:pass@example.com/',
      'not a url',
    ])
      expect(navigationDecision(url, APP, true), url).toBe('deny');
  });

  it('never opens a browser for a subframe leaving the origin', () => {
    expect(navigationDecision('https://example.com/', APP, false)).toBe('deny');
    expect(navigationDecision(`${APP}/frame`, APP, false)).toBe('allow');
  });
});

describe('windowOpenDecision', () => {
  it('never allows a new window: web links go to the system browser, the rest nowhere', () => {
    expect(windowOpenDecision('https://openrouter.ai/settings/privacy')).toBe('open-externally');
    expect(windowOpenDecision(`${APP}/`)).toBe('open-externally');
    expect(windowOpenDecision('file:///tmp/x')).toBe('deny');
    expect(windowOpenDecision('about:blank')).toBe('deny');
  });
});

describe('permissionAllowed', () => {
  it('refuses every permission a page may ask for', () => {
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
      'fullscreen',
      'hid',
      'usb',
      'serial',
      'display-capture',
      'unknown',
    ])
      expect(permissionAllowed(permission, `${APP}/`, APP), permission).toBe(false);
  });

  it('lets only our own dashboard write to the clipboard', () => {
    expect(permissionAllowed('clipboard-sanitized-write', `${APP}/connect`, APP)).toBe(true);
    expect(permissionAllowed('clipboard-sanitized-write', APP, APP)).toBe(true);
    expect(permissionAllowed('clipboard-sanitized-write', 'https://evil.example/', APP)).toBe(
      false,
    );
    expect(permissionAllowed('clipboard-sanitized-write', undefined, APP)).toBe(false);
    expect(permissionAllowed('clipboard-sanitized-write', '', APP)).toBe(false);
  });
});
