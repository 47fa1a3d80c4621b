/**
 * The team's connection to Redis (ioredis): short timeouts, reconnection forever with a capped
 * backoff, no offline queue (a command while the link is down fails at once rather than waiting
 * for it), and every call bounded in time. The link only says whether Redis answers; what to do
 * without it is the caller's.
 */
import type { Redis } from 'ioredis';
import { ADMIT_LUA, HOLD_LUA, RESTORE_COUNT_LUA, SETTLE_LUA } from './scripts.ts';

/** Longest a command may take before the caller carries on without Redis. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 250;
const CONNECT_TIMEOUT_MS = 1000;
const MAX_RECONNECT_DELAY_MS = 2000;

export type LinkState = 'connecting' | 'up' | 'down';

export interface RedisLinkOptions {
  url: string;
  password?: string;
  commandTimeoutMs?: number;
  /** Called when Redis becomes reachable or unreachable; `reason` says why it went away. */
  onState: (state: LinkState, reason?: string) => void;
}

type ScriptReply = Array<string | number>;

/** The team's scripts, as commands of the connection. */
interface TeamCommands {
  syAdmit(numKeys: number, ...args: Array<string | number>): Promise<ScriptReply>;
  sySettle(numKeys: number, ...args: Array<string | number>): Promise<number>;
  syHold(numKeys: number, ...args: Array<string | number>): Promise<number>;
  syRestoreCount(numKeys: number, ...args: Array<string | number>): Promise<number>;
}

export interface RedisLink {
  state(): LinkState;
  /**
   * Runs `call` on the connection; rejects at once when the link is down, or after the timeout.
   * A `probe` (the heartbeat) also tries a connection that is open but stopped answering, and
   * brings the link back up when it answers.
   */
  run<T>(call: (redis: Redis & TeamCommands) => Promise<T>, probe?: boolean): Promise<T>;
  /** Whether the connection is open, answering or not. */
  open(): boolean;
  /** Resolves once connected, or after `ms` whether or not. */
  ready(ms: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Where a Redis error goes: one line, with no URL (it might name a host the user keeps private). */
function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : ((error as Error).message ?? 'unknown error');
}

export async function createRedisLink(options: RedisLinkOptions): Promise<RedisLink> {
  // Loaded only for a team: ioredis alone costs an engine 15 MB of RSS and 36 ms of start-up.
  const { Redis } = await import('ioredis');
  const timeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  let state: LinkState = 'connecting';
  let lastError: string | undefined;
  const waiting = new Set<() => void>();
  const redis = new Redis(options.url, {
    ...(options.password === undefined ? {} : { password: options.password }),
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: timeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (times) => Math.min(100 * times, MAX_RECONNECT_DELAY_MS),
    lazyConnect: false,
  }) as Redis & TeamCommands;
  redis.defineCommand('syAdmit', { lua: ADMIT_LUA });
  redis.defineCommand('sySettle', { lua: SETTLE_LUA });
  redis.defineCommand('syHold', { lua: HOLD_LUA });
  redis.defineCommand('syRestoreCount', { lua: RESTORE_COUNT_LUA });

  const move = (next: LinkState, reason?: string) => {
    if (next === state) return;
    state = next;
    options.onState(next, reason);
    if (next === 'up') for (const wake of [...waiting]) wake();
  };
  redis.on('ready', () => move('up'));
  redis.on('error', (error: unknown) => {
    lastError = reasonOf(error);
  });
  redis.on('close', () => move('down', lastError ?? 'connection closed'));

  return {
    state: () => state,
    open: () => redis.status === 'ready',
    async run(call, probe = false) {
      // A probe may try a connection that is open but did not answer in time; nothing else may.
      const open = redis.status === 'ready';
      if (!(state === 'up' || (probe && open))) throw new Error(`Redis is ${state}`);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`Redis did not answer within ${timeoutMs} ms`)),
          timeoutMs,
        );
      });
      const answer = call(redis);
      // The loser of the race must not surface as an unhandled rejection.
      answer.catch(() => undefined);
      late.catch(() => undefined);
      try {
        const result = await Promise.race([answer, late]);
        if (redis.status === 'ready') move('up');
        return result;
      } catch (error) {
        // A Redis that holds the line without answering (stopped, swapping) is as good as down:
        // the requests behind this one count alone instead of each waiting out the timeout.
        if (state === 'up' && (error as Error).message.startsWith('Redis did not answer')) {
          move('down', (error as Error).message);
        }
        throw error;
      } finally {
        clearTimeout(timer);
      }
    },
    ready(ms) {
      if (state === 'up') return Promise.resolve(true);
      return new Promise((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          waiting.delete(wake);
          resolve(state === 'up');
        };
        const timer = setTimeout(wake, ms);
        waiting.add(wake);
      });
    },
    async close() {
      for (const wake of [...waiting]) wake();
      redis.disconnect();
    },
  };
}
