import { createRequire } from 'node:module';

type Koffi = {
  load(path: string): { func(prototype: string): (pad: number) => number };
};

/**
 * glibc's `malloc_trim(0)`, or undefined where there is none (macOS, Windows, musl, or koffi's
 * prebuilt binary missing for this machine). glibc gives memory back on `free` only from the top
 * of an arena; what is freed below a block still in use stays resident. Under a proxy's load
 * 10-35 MB of the engine's RSS was such free memory (malloc_trim called from gdb after 150,000
 * requests gave it back, from the main arena and the threads' arena alike), and where the live
 * blocks fell made RSS after 200,000 requests vary from 137 to 164 MB in identical runs.
 * `malloc_trim(0)` returns every free page of every arena: 0.1-1.9 ms a call on the proxy's
 * thread, and RSS after each 50,000 requests stayed at 135-137 MB with a call every 5 s, against
 * 160-163 without (the bundled bin side by side, the same upstream). Node has no binding for it;
 * koffi (an FFI library with prebuilt N-API binaries) calls it.
 */
export function loadMallocTrim(): (() => void) | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const koffi = createRequire(import.meta.url)('koffi') as Koffi;
    const trim = koffi.load('libc.so.6').func('int malloc_trim(size_t pad)');
    return () => void trim(0);
  } catch {
    return undefined;
  }
}
