import { describe, expect, it } from 'vitest';
import { HookedAbortController } from '../../../main/upstream/hookedAbort.ts';

describe('HookedAbortController', () => {
  it('calls its hook once, at the abort, after the signal is aborted and its listeners heard it', () => {
    const controller = new HookedAbortController();
    const heard: string[] = [];
    controller.signal.addEventListener('abort', () => heard.push('listener'));
    controller.onAbort(() => heard.push(`hook, aborted: ${controller.signal.aborted}`));
    controller.abort(new Error('gone'));
    controller.abort();
    expect(heard).toEqual(['listener', 'hook, aborted: true']);
    expect((controller.signal.reason as Error).message).toBe('gone');
  });

  it('calls a hook set after the abort at once, and never one it was told to forget', () => {
    const forgotten = new HookedAbortController();
    let calls = 0;
    forgotten.onAbort(() => calls++);
    forgotten.onAbort(undefined);
    forgotten.abort();
    expect(calls).toBe(0);
    forgotten.onAbort(() => calls++);
    expect(calls).toBe(1);
  });
});
