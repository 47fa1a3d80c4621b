import type { Fault, FaultKind, MockBehavior, MockRequestInfo } from './types.ts';

const DEFAULTS: Record<FaultKind, Fault> = {
  'rate-limit': { kind: 'rate-limit' },
  'server-error': { kind: 'server-error', status: 500 },
  overloaded: { kind: 'overloaded' },
  'insufficient-quota': { kind: 'insufficient-quota' },
  'context-length': { kind: 'context-length' },
  unauthorized: { kind: 'unauthorized' },
  'stall-before-headers': { kind: 'stall-before-headers' },
  'stall-mid-stream': { kind: 'stall-mid-stream', afterEvents: 2 },
  'reset-before-headers': { kind: 'reset-before-headers' },
  'reset-after-headers': { kind: 'reset-after-headers', afterEvents: 2 },
  'malformed-sse': { kind: 'malformed-sse', afterEvents: 1 },
  'split-writes': { kind: 'split-writes', at: 'mid-line' },
  crlf: { kind: 'crlf' },
  comments: { kind: 'comments' },
  'error-after-200': { kind: 'error-after-200', afterEvents: 2 },
};

/** Faults that answer instead of the model: an error body in the provider's shape. */
export type Refusal = Extract<
  Fault,
  {
    kind:
      | 'rate-limit'
      | 'server-error'
      | 'overloaded'
      | 'insufficient-quota'
      | 'context-length'
      | 'unauthorized';
  }
>;

const REFUSALS = new Set<FaultKind>([
  'rate-limit',
  'server-error',
  'overloaded',
  'insufficient-quota',
  'context-length',
  'unauthorized',
]);

export function isRefusal(fault: Fault): fault is Refusal {
  return REFUSALS.has(fault.kind);
}

/** Queue first, then the hook, then the dice: every source may add faults to one request. */
export function pickFaults(
  queued: Array<Fault | Fault[]> | undefined,
  behavior: MockBehavior,
  request: MockRequestInfo,
  random: () => number,
): Fault[] {
  const out: Fault[] = [];
  const add = (f: Fault | Fault[] | undefined) => {
    if (f === undefined) return;
    out.push(...(Array.isArray(f) ? f : [f]));
  };
  add(queued?.shift());
  add(behavior.faults?.(request));
  for (const [kind, rate] of Object.entries(behavior.faultRates ?? {})) {
    if (rate !== undefined && random() < rate) add(DEFAULTS[kind as FaultKind]);
  }
  return out;
}

export function findFault<K extends FaultKind>(
  faults: readonly Fault[],
  kind: K,
): Extract<Fault, { kind: K }> | undefined {
  return faults.find((f): f is Extract<Fault, { kind: K }> => f.kind === kind);
}
