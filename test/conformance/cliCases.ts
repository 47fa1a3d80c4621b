/**
 * What the real-CLI suites (Claude Code, Codex, Gemini CLI) share: one engine per upstream format
 * whose mock says what a tool printed, and the two exchanges every CLI must complete, a plain
 * answer and a shell tool round trip.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import type { LoggedRequest, MockBehavior, MockRequestInfo } from '../mocks/types.ts';
import type { CliRun } from './cliProcess.ts';
import { startConformanceEngine, type ConformanceEngine, type UpstreamFormat } from './engine.ts';

/** Printed by the shell only if it really ran the command: its text is never `hello-42` itself. */
export const TOOL_OUTPUT = 'hello-42';
export const PLAIN_ANSWER = 'Plain answer from the mock upstream';

/** What the mock answers with text: what the tool printed, once a tool result carries it. */
function reply(request: MockRequestInfo): string {
  const printed = JSON.stringify(request.body).match(/hello-\d+/)?.[0];
  return printed === undefined ? PLAIN_ANSWER : `The tool printed ${printed}`;
}

/** A failed run as a message: the CLI's exit and what it printed (the end of its stderr). */
export function explain(cli: string, run: CliRun): string {
  return `${cli} exited ${run.code ?? run.signal}\nstdout: ${run.stdout}\nstderr: ${run.stderr.slice(-3000)}`;
}

/** An engine for `format`, started before the enclosing block's tests and stopped after them. */
export function engineForBlock(format: UpstreamFormat): () => ConformanceEngine {
  let engine: ConformanceEngine | undefined;
  beforeAll(async () => {
    engine = await startConformanceEngine(format, { reply });
  });
  afterAll(async () => {
    await engine?.stop();
  });
  return () => {
    if (!engine) throw new Error('the conformance engine starts before the tests');
    return engine;
  };
}

/**
 * Runs the CLI with the mock calling `callTool` (or answering in text when it is undefined); the
 * run must succeed. Returns the run and the upstream chat requests it made.
 */
export async function exchange(
  engine: ConformanceEngine,
  cli: string,
  callTool: MockBehavior['callTool'],
  run: () => Promise<CliRun>,
): Promise<{ run: CliRun; chats: LoggedRequest[] }> {
  engine.mock.setBehavior({ callTool });
  const before = engine.chatRequests().length;
  const result = await run();
  expect(result.code, explain(cli, result)).toBe(0);
  return { run: result, chats: engine.chatRequests().slice(before) };
}

/** A plain prompt: the CLI prints the mock's answer, and asked the upstream at least once. */
export async function plainAnswer(
  engine: ConformanceEngine,
  cli: string,
  run: () => Promise<CliRun>,
): Promise<LoggedRequest[]> {
  const { run: result, chats } = await exchange(engine, cli, undefined, run);
  expect(result.stdout.trim()).toBe(PLAIN_ANSWER);
  expect(chats.length).toBeGreaterThan(0);
  return chats;
}

/** The tool's output is not in the first upstream request and is in the last: the CLI ran it. */
export function expectToolOutputSentBack(chats: LoggedRequest[]): void {
  expect(JSON.stringify(chats[0]?.body)).not.toContain(TOOL_OUTPUT);
  expect(JSON.stringify(chats.at(-1)?.body)).toContain(TOOL_OUTPUT);
}
