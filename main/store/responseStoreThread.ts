import type { RequestLogThread } from './requestLogThread.ts';
import {
  storedFromText,
  storedText,
  type ResponseStore,
  type StoredText,
} from './storedResponses.ts';

/**
 * The Responses API's stored answers as the proxy's thread sees them: a save is queued with the
 * log's next batch and committed by its writing thread, so a request never waits for SQLite (on a
 * busy log a commit on this thread took milliseconds, and blocked every request behind it). Until
 * the thread says it committed, the answer is kept here, so a `previous_response_id` that follows
 * at once finds it (read-your-writes), as the JSON text the thread is sent; after that, reads go
 * to the reading thread.
 */
export function threadResponseStore(thread: RequestLogThread): ResponseStore {
  const uncommitted = new Map<string, StoredText>();
  return {
    save: (id, stored) => {
      const text = storedText(stored);
      uncommitted.set(id, text);
      void thread.saveResponse(id, text).finally(() => {
        if (uncommitted.get(id) === text) uncommitted.delete(id);
      });
    },
    get: async (id) => {
      const text = uncommitted.get(id);
      return text === undefined ? thread.getResponse(id) : storedFromText(text);
    },
    delete: async (id) => {
      const queued = uncommitted.delete(id);
      // The thread deletes after writing every save sent before: a queued one is gone too.
      const stored = await thread.deleteResponse(id);
      return queued || stored;
    },
  };
}
