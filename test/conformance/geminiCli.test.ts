/**
 * The real Gemini CLI (pinned in test/conformance/package.json) in non-interactive mode against
 * `switchyard serve` and a mock upstream in each format, with the route named by `-m` as the
 * Connect page tells a user to. The shell tool runs with approvals off (`--approval-mode yolo`)
 * in a throwaway directory.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  engineForBlock,
  exchange,
  expectToolOutputSentBack,
  plainAnswer,
  TOOL_OUTPUT,
} from './cliCases.ts';
import { UPSTREAM_FORMATS } from './engine.ts';
import { runGemini } from './geminiCli.ts';

/**
 * The shell prints `hello-42` only if it really ran the command, whose text is
 * `printf 'hello-%d\n' 42` (Gemini CLI refuses `$(…)` in a command, so no arithmetic expansion).
 */
const SHELL_CALL = {
  name: 'run_shell_command',
  args: { command: "printf 'hello-%d\\n' 42", description: 'Print a greeting' },
};

describe.each(UPSTREAM_FORMATS)('Gemini CLI through a %s-format upstream', (format) => {
  const engine = engineForBlock(format);
  const gemini =
    (prompt: string, args: readonly string[] = []) =>
    () =>
      runGemini({ baseUrl: engine().anthropicBaseUrl, key: engine().proxyKey }, prompt, [
        '-m',
        'quick',
        ...args,
      ]);

  it('answers a prompt in text on the route it names', async () => {
    await plainAnswer(engine(), 'gemini', gemini('Say something.'));
    await vi.waitFor(async () => {
      const log = await engine().requestLog();
      expect(log.map((r) => [r.requestedModel, r.route, r.status])).toContainEqual([
        'quick',
        'quick',
        200,
      ]);
    });
  });

  it('completes a shell tool round trip: the upstream sees what the shell printed', async () => {
    const { run, chats } = await exchange(
      engine(),
      'gemini',
      SHELL_CALL,
      gemini('Greet me using the shell.', ['--approval-mode', 'yolo']),
    );
    expect(run.stdout).toContain(`The tool printed ${TOOL_OUTPUT}`);
    expect(chats.length).toBeGreaterThanOrEqual(2);
    expectToolOutputSentBack(chats);
  });
});
