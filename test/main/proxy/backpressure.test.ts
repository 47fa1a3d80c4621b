import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { writeAtClientPace } from '../../../main/proxy/backpressure.ts';

/** A response whose client reads only when told to: every write fills its buffer. */
function slowResponse(): { res: Writable; read: () => void } {
  const waiting: Array<() => void> = [];
  const res = new Writable({
    highWaterMark: 1,
    write: (_chunk, _encoding, callback) => void waiting.push(() => callback()),
  });
  return { res, read: () => waiting.splice(0).forEach((done) => done()) };
}

describe('writeAtClientPace', () => {
  it('waits for a full response to drain, and leaves no listener behind', async () => {
    const { res, read } = slowResponse();
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      for (let i = 0; i < 50; i++) {
        let resolved = false;
        const written = writeAtClientPace(res, `chunk ${i}`).then(() => (resolved = true));
        await new Promise((r) => setImmediate(r));
        expect(resolved).toBe(false);
        read();
        await written;
      }
      // A long stream to a slow client drains thousands of times: nothing may pile up per wait.
      expect(res.listenerCount('close')).toBe(0);
      expect(res.listenerCount('error')).toBe(0);
      expect(res.listenerCount('drain')).toBe(0);
      await new Promise((r) => setImmediate(r));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('stops waiting when the client goes away', async () => {
    const { res } = slowResponse();
    const written = writeAtClientPace(res, 'chunk');
    res.destroy();
    await written;
    expect(res.listenerCount('close')).toBe(0);
    expect(res.listenerCount('drain')).toBe(0);
  });
});
