import type { MetricsQuery, RequestLogQuery } from '../../app/admin/contract.ts';
import type { JournalEntry } from '../../app/limiter/journal.ts';
import type { LimiterSnapshot } from '../../app/limiter/snapshot.ts';
import type { LogBatch } from './logBatch.ts';
import type { LogSettings } from './requestLogWriter.ts';
import type { ResponseSave } from './storedResponses.ts';

/** What a request log thread is started with, and which it is. */
export type WorkerData = {
  path: string;
  settings: LogSettings;
  now: number;
  role: 'writer' | 'reader';
};

export type LogCall =
  | { op: 'list'; query: RequestLogQuery }
  | { op: 'get'; id: string }
  | { op: 'metrics'; query: MetricsQuery }
  | { op: 'live' }
  | { op: 'prune' }
  | { op: 'sync' }
  | { op: 'response'; id: string }
  | { op: 'deleteResponse'; id: string }
  | { op: 'snapshot'; snapshot: LimiterSnapshot; carried: JournalEntry[]; folded: number }
  | { op: 'close' };

/** Every message carries the current settings and clock: the thread has neither of its own. */
export type ToWorker = { settings: LogSettings; now: number } & (
  | {
      kind: 'write';
      batch: LogBatch;
      responses: ResponseSave[];
    }
  | { kind: 'call'; id: number; call: LogCall }
);

export type FromWorker =
  | { kind: 'written'; count: number; failed: number }
  | { kind: 'log'; message: string }
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; name: string; message: string };
