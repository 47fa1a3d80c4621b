/**
 * The real Claude Code CLI (pinned in test/conformance/package.json) in print mode with its
 * default flags and no --model, against `switchyard serve` and a mock upstream in each format.
 * Only `--output-format stream-json` is added, in the streaming test, to watch the deltas arrive:
 * it changes what Claude Code prints, not what it sends. No permission flag is needed: Claude Code
 * runs a plain `echo` without asking.
 */
import { describe, expect, it, vi } from 'vitest';
import { isCountTokensRequest, isMessagesRequest } from '../../app/formats/anthropicShape.ts';
import type { Json } from '../../app/formats/shapeChecks.ts';
import { runClaude } from './claudeCli.ts';
import {
  engineForBlock,
  exchange,
  explain,
  expectToolOutputSentBack,
  PLAIN_ANSWER,
  plainAnswer,
  TOOL_OUTPUT,
} from './cliCases.ts';
import { UPSTREAM_FORMATS } from './engine.ts';

/** Bash prints `hello-42` only if it really ran the command, whose text is `hello-$((6*7))`. */
const BASH_CALL = {
  name: 'Bash',
  args: { command: 'echo hello-$((6*7))', description: 'Print a greeting' },
};

describe.each(UPSTREAM_FORMATS)('Claude Code through a %s-format upstream', (format) => {
  const engine = engineForBlock(format);
  const claude = (prompt: string, args: readonly string[] = []) =>
    runClaude({ baseUrl: engine().anthropicBaseUrl, token: engine().proxyKey }, prompt, args);

  it('answers a prompt in text, on the route its default model name is aliased to', async () => {
    const chats = await plainAnswer(engine(), 'claude', () => claude('Say something.'));
    if (format === 'anthropic') {
      // The betas Claude Code sent reach an Anthropic upstream as sent.
      expect(chats[0]?.headers['anthropic-beta']).toMatch(/claude-code-\d+/);
    }
    await vi.waitFor(async () => {
      const asked = (await engine().requestLog()).filter((r) =>
        r.requestedModel.startsWith('claude-'),
      );
      expect(asked.length).toBeGreaterThan(0);
      // Claude Code 2.1.x asks for its Opus model by default: the "claude-opus-*" alias routes it.
      expect(asked.map((r) => [r.route, r.status])).toContainEqual(['main', 200]);
    });
  });

  it('completes a Bash tool round trip: the upstream sees what bash printed', async () => {
    const { run, chats } = await exchange(engine(), 'claude', BASH_CALL, () =>
      claude('Greet me using the shell.'),
    );
    expect(run.stdout.trim()).toBe(`The tool printed ${TOOL_OUTPUT}`);
    expect(chats).toHaveLength(2);
    expectToolOutputSentBack(chats);
    if (format === 'anthropic') {
      // What Claude Code sent (an Anthropic upstream gets it as sent) takes the copy-free check.
      for (const chat of chats) expect(isMessagesRequest(chat.body as Json)).toBe(true);
    }
  });

  it('streams: the answer reaches Claude Code as several deltas', async () => {
    const { run, chats } = await exchange(engine(), 'claude', undefined, () =>
      claude('Say something.', [
        '--output-format',
        'stream-json',
        '--verbose',
        '--include-partial-messages',
      ]),
    );
    const events = run.stdout
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const deltas = events.flatMap((e) => {
      const event = e.event as { type?: string; delta?: { type?: string; text?: string } };
      return e.type === 'stream_event' &&
        event.type === 'content_block_delta' &&
        event.delta?.type === 'text_delta'
        ? [event.delta.text ?? '']
        : [];
    });
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(PLAIN_ANSWER);
    expect(events.at(-1)).toMatchObject({ type: 'result', result: PLAIN_ANSWER });
    expect(chats.every((r) => r.stream)).toBe(true);
  });

  it('counts tokens for /context without a chat request upstream', async () => {
    const chatsBefore = engine().chatRequests().length;
    const countsBefore = engine().countRequests().length;
    const run = await claude('/context');
    expect(run.code, explain('claude', run)).toBe(0);
    expect(run.stdout).toMatch(/Context Usage/);
    expect(run.stdout).toMatch(/\*\*Tokens:\*\* [\d.]+k? \//);
    expect(engine().chatRequests().length).toBe(chatsBefore);
    // An Anthropic upstream counts with its own count_tokens; the others are counted locally.
    const counted = engine().countRequests().length - countsBefore;
    if (format === 'anthropic') {
      expect(counted).toBeGreaterThan(0);
      for (const count of engine().countRequests().slice(countsBefore))
        expect(isCountTokensRequest(count.body as Json)).toBe(true);
    }
  });
});
