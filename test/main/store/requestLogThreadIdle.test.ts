// The request log's writing thread runs only while it has work: it starts with the first write or
// call, stops once idle, and starts again for the next; retention runs when the thread starts and
// after writes, never on a timer that wakes an idle engine. The timers are the test's own.
import { beforeEach, describe, expect, it } from 'vitest';
import { RequestLogQuerySchema } from '../../../app/admin/contract.ts';
import { RequestLogThread } from '../../../main/store/requestLogThread.ts';
import { manualTimers, type ManualTimers } from '../manualTimers.ts';
import { attempt, request } from './records.ts';
import { databasePerTest, heldLogOptions, LOG_SETTINGS } from './scratchStore.ts';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const OLD = NOW - 40 * 86_400_000;
const IDLE_MS = 60_000;
const PRUNE_MS = 30_000;
const FIRST_PRUNE_MS = 5_000;
const scratch = databasePerTest('writer-idle');
let logs: string[];
let timers: ManualTimers;

function start(): RequestLogThread {
  const thread = new RequestLogThread({
    path: scratch.path,
    settings: () => LOG_SETTINGS,
    ...heldLogOptions(NOW, logs),
    pruneIntervalMs: PRUNE_MS,
    writerThreadIdleMs: IDLE_MS,
    queryThreadIdleMs: 3_600_000,
    timers,
  });
  return scratch.closeAfter(thread);
}

const ids = () =>
  (
    scratch.db.prepare('SELECT request_id FROM requests ORDER BY started_at DESC').all() as {
      request_id: string;
    }[]
  ).map((row) => row.request_id);
/** Waits until the thread has answered everything sent to it: its idle delay then runs. */
const idle = () => expect.poll(() => timers.delays()).toContain(IDLE_MS);

beforeEach(() => {
  logs = [];
  timers = manualTimers();
});

describe('the request log writing thread when idle', () => {
  it('starts with the first write, stops when idle, starts again for the next, losing nothing', async () => {
    const log = start();
    expect(log.writerThreadRunning).toBe(false);
    expect(timers.delays()).toEqual([]);

    log.record(request('r1', NOW), [attempt(NOW)]);
    log.flush();
    expect(log.writerThreadRunning).toBe(true);
    // Held until the batch is acknowledged: no idle delay runs while it is in flight.
    expect(timers.delays()).not.toContain(IDLE_MS);
    await idle();
    expect(ids()).toEqual(['r1']);

    timers.fire(FIRST_PRUNE_MS);
    await idle();
    timers.fire(IDLE_MS);
    expect(log.writerThreadRunning).toBe(false);
    // A query finds everything committed: it does not start the writer to wait for it.
    const listed = await log.list(RequestLogQuerySchema.parse({}));
    expect(listed.items.map((item) => item.id)).toEqual(['r1']);
    expect(log.writerThreadRunning).toBe(false);

    log.record(request('r2', NOW + 1), [attempt(NOW + 1)]);
    const again = await log.list(RequestLogQuerySchema.parse({}));
    expect(again.items.map((item) => item.id)).toEqual(['r2', 'r1']);
    expect(log.writerThreadRunning).toBe(true);
    expect(log.stats()).toEqual({ pending: 0, written: 2, dropped: 0 });
    expect(logs).toEqual([]);
  });

  it('keeps the thread while a call is unanswered, and answers calls across a stop', async () => {
    const log = start();
    const pass = log.prune();
    expect(log.writerThreadRunning).toBe(true);
    expect(timers.delays()).not.toContain(IDLE_MS);
    expect(await pass).toBe(0);
    await idle();
    timers.fire(IDLE_MS);
    expect(log.writerThreadRunning).toBe(false);
    await log.deleteResponse('none');
    expect(log.writerThreadRunning).toBe(true);
  });

  it('runs retention when the thread starts and after writes, and not while it is stopped', async () => {
    const log = start();
    log.record(request('old', OLD), [attempt(OLD)]);
    log.record(request('new', NOW), [attempt(NOW)]);
    log.flush();
    await idle();
    // The start's pass, which the batch's own does not delay or double.
    expect(timers.delays()).toEqual([FIRST_PRUNE_MS, IDLE_MS]);
    timers.fire(FIRST_PRUNE_MS);
    await expect.poll(ids).toEqual(['new']);
    await idle();
    expect(timers.delays()).toEqual([IDLE_MS]);

    log.record(request('old-2', OLD), [attempt(OLD)]);
    log.flush();
    await idle();
    expect(timers.delays()).toEqual([PRUNE_MS, IDLE_MS]);
    timers.fire(PRUNE_MS);
    await expect.poll(ids).toEqual(['new']);
    await idle();

    // Stopped, nothing is due: an idle engine is not woken for retention.
    timers.fire(IDLE_MS);
    expect(log.writerThreadRunning).toBe(false);
    expect(timers.delays()).toEqual([]);

    // A pass asked for starts the thread and stands for the start's own.
    expect(await log.prune()).toBe(0);
    await idle();
    expect(timers.delays()).toEqual([IDLE_MS]);
  });
});
