/**
 * The real Codex CLI (pinned in test/conformance/package.json) as `codex exec`, with the
 * `~/.codex/config.toml` the Connect page shows (wire_api = "responses"), against
 * `switchyard serve` and a mock upstream in each format: Codex speaks only the Responses API,
 * which Switchyard translates to each upstream's format.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  engineForBlock,
  exchange,
  expectToolOutputSentBack,
  plainAnswer,
  TOOL_OUTPUT,
} from './cliCases.ts';
import { runCodex } from './codexCli.ts';
import { UPSTREAM_FORMATS } from './engine.ts';

/** Codex 0.17x's shell tool (unified exec): `exec_command` with the command line in `cmd`. */
const SHELL_CALL = { name: 'exec_command', args: { cmd: 'echo hello-$((6*7))' } };

describe.each(UPSTREAM_FORMATS)('Codex CLI through a %s-format upstream', (format) => {
  const engine = engineForBlock(format);
  const codex = (prompt: string) => () =>
    runCodex({ baseUrl: engine().anthropicBaseUrl, token: engine().proxyKey }, 'quick', prompt);

  it('answers a prompt in text', async () => {
    const chats = await plainAnswer(engine(), 'codex', codex('Say something.'));
    expect(chats.every((r) => r.stream)).toBe(true);
    await vi.waitFor(async () => {
      const logged = (await engine().requestLog()).filter((r) => r.requestedModel === 'quick');
      expect(logged.map((r) => [r.route, r.status])).toContainEqual(['quick', 200]);
    });
  });

  it('completes a shell tool round trip: the upstream sees what the shell printed', async () => {
    const { run, chats } = await exchange(
      engine(),
      'codex',
      SHELL_CALL,
      codex('Greet me using the shell.'),
    );
    expect(run.stdout.trim()).toBe(`The tool printed ${TOOL_OUTPUT}`);
    expect(chats).toHaveLength(2);
    expectToolOutputSentBack(chats);
  });

  it('calls a namespaced tool: Codex gets the call under its namespace and runs it', async () => {
    // Codex sends its agent tools in a namespace; a flattened name gets "unsupported call".
    const { chats } = await exchange(
      engine(),
      'codex',
      { name: 'multi_agent_v1__wait_agent', args: { targets: ['x'], timeout_ms: 10 } },
      codex('Wait for my agents.'),
    );
    expect(chats).toHaveLength(2);
    const followUp = JSON.stringify(chats[1]?.body);
    // wait_agent ran and refused the made-up agent id: it was dispatched, not unknown.
    expect(followUp).toContain('invalid agent id x');
    expect(followUp).not.toContain('unsupported call');
  });
});
