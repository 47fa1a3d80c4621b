import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestEngine, type TestEngine } from '../../integration/harness.ts';

// `switchyard status` in a real 80-column terminal: tmux on a private socket, torn down after.
const CLI = fileURLToPath(new URL('../../../main/cli/main.ts', import.meta.url));
const SOCKET = `switchyard-status-${process.pid}`;
const tmux = (...args: string[]) =>
  execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8', timeout: 10_000 });

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine({
    mocks: {
      openai: { format: 'openai', models: ['gpt-4o-mini'] },
      groq: { format: 'openai', basePath: '/openai/v1', models: ['llama-3.1-8b-instant'] },
    },
    keys: [
      { id: 'openai-main', provider: 'openai', env: 'SY_TERM_OPENAI', secret: 'sk-term-1111' },
      { id: 'groq-main', provider: 'groq', env: 'SY_TERM_GROQ', secret: 'gsk_term_2222' },
    ],
    routes: [
      {
        name: 'fast',
        targets: [
          { provider: 'groq', model: 'llama-3.1-8b-instant' },
          { provider: 'openai', model: 'gpt-4o-mini' },
        ],
      },
    ],
  });
});
afterAll(async () => {
  try {
    tmux('kill-server');
  } catch {
    // No server left: nothing to stop.
  }
  await t?.close();
});

function pane(): string[] {
  return tmux('capture-pane', '-p', '-t', 'status').split('\n');
}

describe('switchyard status in an 80-column terminal', () => {
  it('draws every pool gauge within 80 columns, and --watch redraws until Ctrl+C', async () => {
    const command = `${process.execPath} ${CLI} status --watch --data-dir ${t.engine.dataDir}`;
    tmux(
      'new-session',
      '-d',
      '-s',
      'status',
      '-x',
      '80',
      '-y',
      '60',
      `${command}; echo EXITED; sleep 30`,
    );
    await vi.waitFor(() => expect(pane().join('\n')).toContain('Quota:'), {
      timeout: 15_000,
      interval: 200,
    });
    const lines = pane();
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);
    // tmux wraps what is wider: each gauge must sit whole on one row.
    expect(lines).toContainEqual(
      expect.stringMatching(/^ {4}rpd {2}\[█{16}\] +14\.4k\/14\.4k {2}full$/),
    );
    const text = lines.join('\n');
    expect(text).toContain('groq · groq-main · llama-3.1-8b-instant');
    expect(text).toMatch(/rpm\s+\[[█░]{16}\]\s+\d+(\.\d+k)?\/\d+(\.\d+k)?\s+(full|resets)/);
    tmux('send-keys', '-t', 'status', 'C-c');
    await vi.waitFor(() => expect(pane().join('\n')).toContain('EXITED'), {
      timeout: 10_000,
      interval: 200,
    });
  });
});
