import { describe, expect, it } from 'vitest';
import { parseCli, UsageError } from '../../../main/cli/args.ts';

describe('parseCli', () => {
  it('parses serve as before', () => {
    expect(parseCli(['serve', '--port', '0', '--json'])).toEqual({
      command: 'serve',
      port: 0,
      host: '127.0.0.1',
      allowRemote: false,
      dataDir: undefined,
      config: undefined,
      json: true,
    });
  });

  it('parses status and the keys commands', () => {
    expect(parseCli(['status', '--data-dir', '/d'])).toEqual({
      command: 'status',
      dataDir: '/d',
      json: false,
      watch: false,
    });
    expect(parseCli(['status', '--watch'])).toMatchObject({ command: 'status', watch: true });
    expect(parseCli(['keys', 'list', '--json'])).toEqual({
      command: 'keys',
      action: 'list',
      dataDir: undefined,
      json: true,
    });
    expect(parseCli(['keys', 'add', '--provider', 'groq'])).toEqual({
      command: 'keys',
      action: 'add',
      dataDir: undefined,
      provider: 'groq',
      label: 'groq',
      tier: 'free',
      env: undefined,
    });
    expect(
      parseCli([
        'keys',
        'add',
        '--provider',
        'openai',
        '--label',
        'work',
        '--tier',
        'paid',
        '--env',
        'OPENAI_API_KEY',
      ]),
    ).toMatchObject({
      label: 'work',
      tier: 'paid',
      env: 'OPENAI_API_KEY',
    });
    expect(parseCli(['keys', 'rm', 'groq-1'])).toEqual({
      command: 'keys',
      action: 'rm',
      dataDir: undefined,
      id: 'groq-1',
    });
    expect(parseCli(['keys', 'test', 'groq-1'])).toMatchObject({ action: 'test', id: 'groq-1' });
  });

  it.each([
    [['keys'], /needs one of: list, add, rm, test/],
    [['keys', 'add'], /needs --provider/],
    [['keys', 'add', '--provider', 'groq', '--tier', 'gold'], /--tier must be "free" or "paid"/],
    [['keys', 'rm'], /needs exactly one key id/],
    [['keys', 'list', '--provider', 'groq'], /does not take --provider/],
    [['serve', '--provider', 'groq'], /does not take --provider/],
    [['status', 'now'], /takes no argument "now"/],
  ])('refuses %j, saying what to fix', (argv, message) => {
    expect(() => parseCli(argv)).toThrow(UsageError);
    expect(() => parseCli(argv)).toThrow(message);
  });

  it.each([
    ['--secret=sk-live-123456789'],
    ['--secret', 'sk-live-123456789'],
    ['--key=sk-live-123456789'],
    ['--api-key', 'sk-live-123456789'],
  ])('refuses a secret given as %s, never repeating it', (...flag) => {
    const err = (() => {
      try {
        parseCli(['keys', 'add', '--provider', 'groq', ...flag]);
      } catch (e) {
        return e as Error;
      }
      throw new Error('parseCli accepted a secret on the command line');
    })();
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(/lands in your shell history/);
    expect(err.message.includes('sk-live-123456789')).toBe(false);
  });

  it('refuses a positional argument to keys add without repeating it', () => {
    expect(() => parseCli(['keys', 'add', '--provider', 'groq', 'sk-live-123456789'])).toThrow(
      /^"switchyard keys add" takes no arguments besides its options\. Never put a secret on the command line/,
    );
  });
});
