import { describe, expect, it } from 'vitest';
import { parseShellArgs } from '../../../main/electron/shellArgs.ts';

describe('parseShellArgs', () => {
  it('reads --data-dir and --port among Electron’s and Chromium’s own switches', () => {
    expect(
      parseShellArgs([
        '/usr/lib/electron/electron',
        '.',
        '--no-sandbox',
        '--inspect=0',
        '--data-dir=/tmp/sy data',
        '--port=0',
      ]),
    ).toEqual({ dataDir: '/tmp/sy data', port: 0 });
  });

  it('ignores what it does not understand rather than failing to start', () => {
    expect(
      parseShellArgs(['app', '--port=http', '--port=70000', '--port=', '--data-dir=']),
    ).toEqual({});
    expect(parseShellArgs(['app', '--port', '4242'])).toEqual({});
  });
});
