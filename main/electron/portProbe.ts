import { createServer } from 'node:net';

/**
 * Whether `port` can be bound on `host` right now. The shell asks before starting the engine on
 * its usual port, so that a busy port costs a probe, not a half-started engine.
 */
export function portIsFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}
