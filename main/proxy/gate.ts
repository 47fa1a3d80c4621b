import type { CapacityGate } from '../engine/capacityGate.ts';

/** A gate that always admits: used where no limiter is wanted (benchmarks of the bare path). */
export const OPEN_GATE: CapacityGate = {
  acquire: async () => ({ ok: true, release: () => undefined }),
};
