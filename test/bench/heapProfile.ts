// The sampling heap profile `heapSampler.ts` writes, flattened into the CPU profile's node shape
// so profileEngine.ts keys its bytes the way it keys time (by function, owner, file).
import { readFile } from 'node:fs/promises';

type CallFrame = { functionName: string; url: string; lineNumber: number };
type HeapNode = { id: number; callFrame: CallFrame; selfSize: number; children: HeapNode[] };
export type FlatNode = { id: number; callFrame: CallFrame; children: number[] };

/** The profile's nodes with their children by id, and the bytes allocated in each (scaled by V8 from its samples). */
export async function readHeapProfile(
  path: string,
): Promise<{ nodes: FlatNode[]; bytes: Map<number, number> }> {
  const { head } = JSON.parse(await readFile(path, 'utf8')) as { head: HeapNode };
  const nodes: FlatNode[] = [];
  const bytes = new Map<number, number>();
  const pending = [head];
  for (let node = pending.pop(); node; node = pending.pop()) {
    nodes.push({
      id: node.id,
      callFrame: node.callFrame,
      children: node.children.map((c) => c.id),
    });
    bytes.set(node.id, node.selfSize);
    pending.push(...node.children);
  }
  return { nodes, bytes };
}

/** Bytes per key, largest first. */
export function bytesBy(
  profile: { nodes: FlatNode[]; bytes: Map<number, number> },
  keyOf: (node: FlatNode) => string,
): [string, number][] {
  const totals = new Map<string, number>();
  for (const node of profile.nodes) {
    const size = profile.bytes.get(node.id) ?? 0;
    if (size) totals.set(keyOf(node), (totals.get(keyOf(node)) ?? 0) + size);
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}
