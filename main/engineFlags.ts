/**
 * Node flags the engine runs with, wherever it is started (the `switchyard` bin's shebang, `npm
 * start`, the tests that spawn it). V8's young generation otherwise grows to 3 × 32 MB semi-spaces
 * under a proxy's allocation rate and never gives the memory back: in the 60 s soak, RSS stepped
 * from 228 to 278 MB with the default and stayed flat at 186 MB with 16 MB semi-spaces, at the
 * same request rate (`npx vitest run test/faults/soak.test.ts`, NODE_OPTIONS varied).
 */
export const ENGINE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=16'];
