/**
 * The real Codex CLI (pinned in test/conformance/package.json) as `codex exec`, with the
 * `~/.codex/config.toml` the Connect page shows (wire_api = "responses"), against
 * `switchyard serve` and a mock upstream in each format: Codex speaks only the Responses API,
 * which Switchyard translates to each upstream's format.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MockRequestInfo } from '../mocks/types.ts';
import { runCodex } from './codexCli.ts';
import type { CliRun } from './cliProcess.ts';
import { startConformanceEngine, UPSTREAM_FORMATS, type ConformanceEngine } from './engine.ts';

/** Printed by the shell only if it really ran the command: the text of the command is `hello-$((6*7))`. */
const TOOL_OUTPUT = 'hello-42';
const PLAIN_ANSWER = 'Plain answer from the mock upstream';
/** Codex 0.17x's shell tool (unified exec): `exec_command` with the command line in `cmd`. */
const SHELL_CALL = { name: 'exec_command', args: { cmd: 'echo hello-$((6*7))' } };

function reply(request: MockRequestInfo): string {
  const printed = JSON.stringify(request.body).match(/hello-\d+/)?.[0];
  return printed === undefined ? PLAIN_ANSWER : `The tool printed ${printed}`;
}

function explain(run: CliRun): string {
  return `codex exited ${run.code ?? run.signal}\nstdout: ${run.stdout}\nstderr: ${run.stderr.slice(-3000)}`;
}

describe.each(UPSTREAM_FORMATS)('Codex CLI through a %s-format upstream', (format) => {
  let engine: ConformanceEngine;
  const codex = (prompt: string) =>
    runCodex({ baseUrl: engine.anthropicBaseUrl, token: engine.proxyKey }, 'quick', prompt);

  beforeAll(async () => {
    engine = await startConformanceEngine(format, { reply });
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it('answers a prompt in text', async () => {
    engine.mock.setBehavior({ callTool: undefined });
    const before = engine.chatRequests().length;
    const run = await codex('Say something.');
    expect(run.code, explain(run)).toBe(0);
    expect(run.stdout.trim()).toBe(PLAIN_ANSWER);
    const chats = engine.chatRequests().slice(before);
    expect(chats.length).toBeGreaterThan(0);
    expect(chats.every((r) => r.stream)).toBe(true);
    await vi.waitFor(async () => {
      const logged = (await engine.requestLog()).filter((r) => r.requestedModel === 'quick');
      expect(logged.map((r) => [r.route, r.status])).toContainEqual(['quick', 200]);
    });
  });

  it('completes a shell tool round trip: the upstream sees what the shell printed', async () => {
    engine.mock.setBehavior({ callTool: SHELL_CALL });
    const before = engine.chatRequests().length;
    const run = await codex('Greet me using the shell.');
    expect(run.code, explain(run)).toBe(0);
    expect(run.stdout.trim()).toBe(`The tool printed ${TOOL_OUTPUT}`);
    const chats = engine.chatRequests().slice(before);
    expect(chats).toHaveLength(2);
    expect(JSON.stringify(chats[0]?.body)).not.toContain(TOOL_OUTPUT);
    expect(JSON.stringify(chats[1]?.body)).toContain(TOOL_OUTPUT);
  });

  it('calls a namespaced tool: Codex gets the call under its namespace and runs it', async () => {
    // Codex sends its agent tools in a namespace; a flattened name gets "unsupported call".
    engine.mock.setBehavior({
      callTool: { name: 'multi_agent_v1__wait_agent', args: { targets: ['x'], timeout_ms: 10 } },
    });
    const before = engine.chatRequests().length;
    const run = await codex('Wait for my agents.');
    expect(run.code, explain(run)).toBe(0);
    const chats = engine.chatRequests().slice(before);
    expect(chats).toHaveLength(2);
    const followUp = JSON.stringify(chats[1]?.body);
    // wait_agent ran and refused the made-up agent id: it was dispatched, not unknown.
    expect(followUp).toContain('invalid agent id x');
    expect(followUp).not.toContain('unsupported call');
  });
});
