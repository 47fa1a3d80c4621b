import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { loadMallocTrim } from '../../../main/engine/mallocTrim.ts';

/** This process's resident memory, in MB, as the kernel counts it. */
const rssMb = () =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;

describe('loadMallocTrim', () => {
  it("gives back glibc's free memory that lies between blocks still in use (none elsewhere)", () => {
    const trim = loadMallocTrim();
    if (process.platform !== 'linux') {
      expect(trim).toBeUndefined();
      return;
    }
    expect(trim).toBeTypeOf('function');
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    setFlagsFromString('--no-expose-gc');
    // 60 KB blocks (under glibc's mmap threshold: they come from an arena), every other one
    // freed: 60 MB of holes, each below a block in use, which free() alone never returns.
    const blocks: (Buffer | null)[] = Array.from({ length: 2_000 }, () => Buffer.alloc(60_000, 1));
    for (let i = 0; i < blocks.length; i += 2) blocks[i] = null;
    gc();
    const freed = rssMb();
    gc();
    const settled = rssMb();
    trim!();
    const trimmed = rssMb();
    expect(blocks.filter(Boolean)).toHaveLength(1_000);
    // Another collection gave nothing back; the trim gave back most of the 60 MB.
    expect(freed - settled).toBeLessThan(5);
    expect(settled - trimmed).toBeGreaterThan(30);
  });
});
