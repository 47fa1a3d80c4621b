import type { RequestLogThread } from './requestLogThread.ts';
import type { ResponseStore, StoredResponse } from './storedResponses.ts';

/**
 * The Responses API's stored answers as the proxy's thread sees them: a save is queued with the
 * log's next batch and committed by its writing thread, so a request never waits for SQLite (on a
 * busy log a commit on this thread took milliseconds, and blocked every request behind it). Until
 * the thread says it committed, the answer is kept here, so a `previous_response_id` that follows
 * at once finds it (read-your-writes); after that, reads go to the reading thread.
 */
export function threadResponseStore(thread: RequestLogThread): ResponseStore {
  const uncommitted = new Map<string, StoredResponse>();
  return {
    save: (id, stored) => {
      uncommitted.set(id, stored);
      void thread.saveResponse(id, stored).finally(() => {
        if (uncommitted.get(id) === stored) uncommitted.delete(id);
      });
    },
    get: async (id) => uncommitted.get(id) ?? thread.getResponse(id),
    delete: async (id) => {
      const queued = uncommitted.delete(id);
      // The thread deletes after writing every save sent before: a queued one is gone too.
      const stored = await thread.deleteResponse(id);
      return queued || stored;
    },
  };
}
