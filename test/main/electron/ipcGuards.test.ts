import { describe, expect, it } from 'vitest';
import { IPC_CHANNELS } from '../../../main/electron/ipcChannels.ts';
import { parseIpcArgs, senderAllowed } from '../../../main/electron/ipcGuards.ts';

const expected = { webContentsId: 7, origin: 'http://127.0.0.1:4141' };
const ours = { webContentsId: 7, frameUrl: 'http://127.0.0.1:4141/routes', isMainFrame: true };

describe('senderAllowed', () => {
  it('accepts our window’s top frame on our origin', () => {
    expect(senderAllowed(ours, expected)).toBe(true);
  });

  it('refuses another window, a subframe, a gone frame, or a foreign page', () => {
    expect(senderAllowed({ ...ours, webContentsId: 8 }, expected)).toBe(false);
    expect(senderAllowed({ ...ours, isMainFrame: false }, expected)).toBe(false);
    expect(senderAllowed({ ...ours, frameUrl: null }, expected)).toBe(false);
    expect(senderAllowed({ ...ours, frameUrl: 'https://evil.example/' }, expected)).toBe(false);
    expect(senderAllowed({ ...ours, frameUrl: 'http://127.0.0.1:41410/' }, expected)).toBe(false);
    expect(senderAllowed({ ...ours, frameUrl: 'about:blank' }, expected)).toBe(false);
    expect(senderAllowed({ ...ours, frameUrl: '' }, expected)).toBe(false);
  });
});

describe('parseIpcArgs', () => {
  it('passes an http(s) link to open externally', () => {
    expect(parseIpcArgs(IPC_CHANNELS.openExternal, ['https://console.groq.com/keys'])).toEqual({
      ok: true,
      args: ['https://console.groq.com/keys'],
    });
  });

  it('refuses other schemes, credentials in links, wrong types and extra arguments', () => {
    for (const args of [
      ['file:///etc/passwd'],
      ['javascript:alert(1)'],
      ['smb://host/share'],
      ['https://user:pw@example.com/'],
      [42],
      [],
      ['https://example.com/', 'extra'],
      [`https://example.com/${'a'.repeat(5000)}`],
    ])
      expect(
        parseIpcArgs(IPC_CHANNELS.openExternal, args).ok,
        JSON.stringify(args).slice(0, 60),
      ).toBe(false);
  });

  it('takes no arguments for the data folder and the bootstrap', () => {
    expect(parseIpcArgs(IPC_CHANNELS.showDataFolder, []).ok).toBe(true);
    expect(parseIpcArgs(IPC_CHANNELS.showDataFolder, ['/etc']).ok).toBe(false);
    expect(parseIpcArgs(IPC_CHANNELS.bootstrap, []).ok).toBe(true);
    expect(parseIpcArgs(IPC_CHANNELS.bootstrap, [{}]).ok).toBe(false);
  });

  it('names the channel in a refusal but never echoes the values', () => {
    const secret = 'sk-live-abcdefghijklmnop';
    const result = parseIpcArgs(IPC_CHANNELS.openExternal, [`ftp://${secret}`]);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toContain(IPC_CHANNELS.openExternal);
      expect(result.error).not.toContain(secret);
    }
  });
});
