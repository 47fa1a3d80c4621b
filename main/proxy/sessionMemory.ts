/**
 * Which target served each conversation's last turn, for session affinity (app/routing/
 * affinity.ts decides what to do with it). Bounded: at most `capacity` sessions, the least
 * recently used dropped first, and a session unheard of for `ttlMs` is forgotten.
 */
import { hash } from 'node:crypto';
import type { ServedBy } from '../../app/routing/affinity.ts';

type Entry = { served: ServedBy; at: number };

export class SessionMemory {
  // A Map iterates in insertion order: re-inserting on use keeps the oldest first.
  private readonly entries = new Map<string, Entry>();

  private readonly clock: () => number;
  private readonly capacity: number;
  private readonly ttlMs: number;

  constructor(clock: () => number, capacity = 10_000, ttlMs = 60 * 60 * 1000) {
    this.clock = clock;
    this.capacity = capacity;
    this.ttlMs = ttlMs;
  }

  /**
   * The session id: a short hash, so prompts and client ids are never held as they came. One
   * call per request, so the one-shot `hash` (no Hash object to build and feed).
   */
  static idOf(route: string, text: string): string {
    return hash('sha256', `${route}\0${text}`, 'base64url').slice(0, 22);
  }

  get(session: string): ServedBy | undefined {
    const entry = this.entries.get(session);
    if (entry === undefined) return undefined;
    this.entries.delete(session);
    if (this.clock() - entry.at > this.ttlMs) return undefined;
    this.entries.set(session, entry);
    return entry.served;
  }

  remember(session: string, served: ServedBy): void {
    this.entries.delete(session);
    this.entries.set(session, { served, at: this.clock() });
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
