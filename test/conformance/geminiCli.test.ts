/**
 * The real Gemini CLI (pinned in test/conformance/package.json) in non-interactive mode against
 * `switchyard serve` and a mock upstream in each format, with the route named by `-m` as the
 * Connect page tells a user to. The shell tool runs with approvals off (`--approval-mode yolo`)
 * in a throwaway directory.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MockRequestInfo } from '../mocks/types.ts';
import { runGemini } from './geminiCli.ts';
import type { CliRun } from './cliProcess.ts';
import { startConformanceEngine, UPSTREAM_FORMATS, type ConformanceEngine } from './engine.ts';

/**
 * Printed by the shell only if it really ran the command, whose text is `printf 'hello-%d\n' 42`
 * (Gemini CLI refuses `$(…)` in a command, so no arithmetic expansion).
 */
const TOOL_OUTPUT = 'hello-42';
const SHELL_CALL = {
  name: 'run_shell_command',
  args: { command: "printf 'hello-%d\\n' 42", description: 'Print a greeting' },
};
const PLAIN_ANSWER = 'Plain answer from the mock upstream';

/** What the mock answers with text: what the tool printed, once a tool result carries it. */
function reply(request: MockRequestInfo): string {
  const printed = JSON.stringify(request.body).match(/hello-\d+/)?.[0];
  return printed === undefined ? PLAIN_ANSWER : `The tool printed ${printed}`;
}

function explain(run: CliRun): string {
  return `gemini exited ${run.code ?? run.signal}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`;
}

describe.each(UPSTREAM_FORMATS)('Gemini CLI through a %s-format upstream', (format) => {
  let engine: ConformanceEngine;
  const gemini = (prompt: string, args: readonly string[] = []) =>
    runGemini({ baseUrl: engine.anthropicBaseUrl, key: engine.proxyKey }, prompt, [
      '-m',
      'quick',
      ...args,
    ]);

  beforeAll(async () => {
    engine = await startConformanceEngine(format, { reply });
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it('answers a prompt in text on the route it names', async () => {
    engine.mock.setBehavior({ callTool: undefined });
    const before = engine.chatRequests().length;
    const run = await gemini('Say something.');
    expect(run.code, explain(run)).toBe(0);
    expect(run.stdout.trim()).toBe(PLAIN_ANSWER);
    const chats = engine.chatRequests().slice(before);
    expect(chats.length).toBeGreaterThan(0);
    await vi.waitFor(async () => {
      const log = await engine.requestLog();
      expect(log.map((r) => [r.requestedModel, r.route, r.status])).toContainEqual([
        'quick',
        'quick',
        200,
      ]);
    });
  });

  it('completes a shell tool round trip: the upstream sees what the shell printed', async () => {
    engine.mock.setBehavior({ callTool: SHELL_CALL });
    const before = engine.chatRequests().length;
    const run = await gemini('Greet me using the shell.', ['--approval-mode', 'yolo']);
    expect(run.code, explain(run)).toBe(0);
    expect(run.stdout).toContain(`The tool printed ${TOOL_OUTPUT}`);
    const chats = engine.chatRequests().slice(before);
    expect(chats.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(chats[0]?.body)).not.toContain(TOOL_OUTPUT);
    expect(JSON.stringify(chats.at(-1)?.body)).toContain(TOOL_OUTPUT);
  });
});
