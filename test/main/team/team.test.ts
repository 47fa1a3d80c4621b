// A team whose Redis is not there at start: the engine's start waits a bounded time, then the
// member counts alone and says so. The port is a real loopback port with nothing listening.
import { describe, expect, it } from 'vitest';
import { startTeam } from '../../../main/team/team.ts';
import { freePort } from '../../team/redisServer.ts';

describe('a team without its Redis', () => {
  it('starts within its bounded wait, counting alone within a share it says', async () => {
    const port = await freePort();
    const logs: string[] = [];
    const started = Date.now();
    const team = await startTeam({
      config: { redis: `redis://127.0.0.1:${port}`, name: 'acme', member: 'laptop' },
      url: `redis://127.0.0.1:${port}`,
      version: '0.1.0',
      clock: Date.now,
      secret: async () => 'never-used-secret',
      log: (line) => logs.push(line),
    });
    try {
      expect(Date.now() - started).toBeLessThan(3000);
      const status = team.status();
      expect(status.state).toBe('alone');
      expect(status.message).toMatch(/unreachable .*share \(1\/1\)/);
      expect(logs.join('\n')).toMatch(/Redis is unreachable/);
      expect(logs.join('\n')).not.toContain(String(port));
    } finally {
      await team.stop();
    }
  });
});
