import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKeys, runStatus, table } from '../../../main/cli/stateCommands.ts';
import type { Engine } from '../../../main/engine/engine.ts';
import { startScratchEngine, type ScratchEngine } from '../../harness/scratchEngine.ts';
import { attempt, request } from '../store/records.ts';

let scratch: ScratchEngine;
let engine: Engine;
let dataDir: string;

beforeAll(async () => {
  scratch = await startScratchEngine({
    name: 'cli-state',
    validateKey: async () => ({ outcome: 'ok', message: 'groq answered: 3 models', latencyMs: 40 }),
  });
  ({ engine, dataDir } = scratch);
});
afterAll(() => scratch?.close());

describe('the CLI against a running engine', () => {
  it('adds a key with the secret from readSecret, then lists and tests it', async () => {
    const add = await runKeys(
      {
        command: 'keys',
        action: 'add',
        dataDir,
        provider: 'groq',
        label: 'laptop',
        tier: 'free',
        env: undefined,
      },
      dataDir,
      async () => 'gsk_cli_state_test_0000WXYZ\n',
    );
    expect(add).toEqual({
      text: 'Added groq-1 (groq, "laptop", …WXYZ). Test: ok: groq answered: 3 models',
      failed: false,
    });
    const list = await runKeys(
      { command: 'keys', action: 'list', dataDir, json: false },
      dataDir,
      async () => '',
    );
    expect(list.text).toBe(
      table([
        ['id', 'provider', 'label', 'secret', 'tier', 'status'],
        ['groq-1', 'groq', 'laptop', '…WXYZ', 'free', 'ok'],
      ]),
    );
    const test = await runKeys(
      { command: 'keys', action: 'test', dataDir, id: 'groq-1' },
      dataDir,
      async () => '',
    );
    expect(test).toEqual({ text: 'groq-1: ok in 40 ms: groq answered: 3 models', failed: false });
  });

  it('reports an engine error as a one-line CliError', async () => {
    await expect(
      runKeys({ command: 'keys', action: 'rm', dataDir, id: 'nope' }, dataDir, async () => ''),
    ).rejects.toThrow(/^There is no key "nope" in the config\.$/);
  });

  it('status shows the keychain, keys, last hour per provider and recent errors', async () => {
    const now = Date.now();
    for (let i = 0; i < 9; i++) {
      engine.state.requestLog.record(request(`ok-${i}`, now - i * 100), [
        attempt(now - i * 100, { totalMs: 400 }),
      ]);
    }
    engine.state.requestLog.record(
      request('bad', now, {
        status: 429,
        failureClass: 'transient',
        error: 'groq is rate-limited for 2 s',
      }),
      [attempt(now, { outcome: 'failed', status: 429, failureClass: 'transient' })],
    );
    const text = await runStatus(
      { command: 'status', dataDir, json: false, watch: false },
      dataDir,
    );
    expect(text).toMatch(/^Switchyard \S+ at http:\/\/127\.0\.0\.1:\d+\/v1 \(data: /);
    expect(text).toMatch(/^Keychain: ok \(memory\)$/m);
    expect(text).toMatch(/^ {2}groq-1 +groq +laptop/m);
    expect(text).toMatch(/^ {2}groq +10 +1 \[#\.{9}\] +\d+ ms/m);
    expect(text).toMatch(
      /^Recent errors:\n {2}\d\d:\d\d:\d\d {2}fast → groq\/llama-3\.1-8b-instant {2}429 transient: groq is rate-limited for 2 s$/m,
    );
    const json = JSON.parse(
      await runStatus({ command: 'status', dataDir, json: true, watch: false }, dataDir),
    );
    expect(json.errors).toHaveLength(1);
    expect(json.keys[0].id).toBe('groq-1');
  });

  it('says plainly when no engine runs for the folder', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'switchyard-cli-none-'));
    await expect(
      runStatus({ command: 'status', dataDir: empty, json: false, watch: false }, empty),
    ).rejects.toThrow(/No Switchyard engine is running for .*switchyard serve/);
    await rm(empty, { recursive: true, force: true });
  });
});
