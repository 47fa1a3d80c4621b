import type { AttemptInfo } from './attempt.ts';
import type { ProxyRequest } from '../../app/formats/proxyRequest.ts';
import type { Candidate } from '../engine/targets.ts';

/** Permission to send one attempt; released with what the attempt came to, so the limiter learns. */
export type Admission =
  | { ok: true; release: (info: AttemptInfo) => void }
  | { ok: false; reason: string; retryAt?: number };

/**
 * Where the limiter meets the dispatcher: before each attempt the dispatcher asks for capacity
 * (the gate may wait, bounded, or refuse at once); after it, the gate is told what happened.
 */
export interface CapacityGate {
  acquire(
    candidate: Candidate,
    req: ProxyRequest,
    waitMs: number,
    signal: AbortSignal,
  ): Promise<Admission>;
}

/** A gate that always admits: used where no limiter is wanted (benchmarks of the bare path). */
export const OPEN_GATE: CapacityGate = {
  acquire: async () => ({ ok: true, release: () => undefined }),
};
