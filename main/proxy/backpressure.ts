/**
 * Writing a streamed answer at the pace its client reads it: once the response holds more than
 * it should, the next write waits until it drains or the client goes away.
 */
import type { Writable } from 'node:stream';

/**
 * Writes `text`; when the response's buffer is full, resolves once it drains or closes. Both
 * listeners go as soon as either fires: a long answer to a slow client waits thousands of times,
 * and a listener left per wait (as `Promise.race` over two `events.once` leaves the loser) piles
 * up on the response until it closes, with a MaxListenersExceededWarning from the eleventh on.
 */
export function writeAtClientPace(res: Writable, text: string): Promise<void> {
  if (res.write(text) || res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
