/**
 * Who is in the team: each member writes its name, version and last-seen time under its own id
 * with an expiry, and reads the others'. While Redis answers, the heartbeat also reads, for each
 * shared pool this member used, how much of it each member took in the window (the takes in
 * Redis carry their member's id), which the Overview draws.
 */
import { MEMBER_TTL_MS } from '../../app/team/share.ts';
import type { PoolShare } from '../../app/team/status.ts';
import type { RedisLink } from './redisLink.ts';
import type { SharedPoolRef } from './teamPools.ts';

export interface Member {
  id: string;
  name: string;
  version: string;
  lastSeen: number;
}

export interface MembershipOptions {
  link: RedisLink;
  team: string;
  self: Omit<Member, 'lastSeen'>;
  clock: () => number;
}

export interface Membership {
  /** Announces this member, reads the others and the pools' shares; throws when Redis does not answer. */
  beat(): Promise<void>;
  /** Members seen in the last minute of Redis's life, this one included (at least 1). */
  present(): number;
  members(): readonly Member[];
  shares(): readonly PoolShare[];
  track(pool: SharedPoolRef): void;
}

export function createMembership(options: MembershipOptions): Membership {
  const { link, team, self, clock } = options;
  const listKey = `sy:${team}:members`;
  const memberKey = (id: string) => `sy:${team}:member:${id}`;
  const pools = new Map<string, SharedPoolRef>();
  let members: Member[] = [];
  let shares: PoolShare[] = [];

  async function beat(): Promise<void> {
    const now = clock();
    const ids = await link.run(async (redis) => {
      const replies = await redis
        .multi()
        .hset(memberKey(self.id), 'name', self.name, 'version', self.version, 'lastSeen', now)
        .pexpire(memberKey(self.id), MEMBER_TTL_MS)
        .zadd(listKey, now, self.id)
        .zremrangebyscore(listKey, '-inf', now - MEMBER_TTL_MS)
        .pexpire(listKey, MEMBER_TTL_MS)
        .zrange(listKey, 0, -1)
        .exec();
      const last = replies?.[replies.length - 1];
      return Array.isArray(last?.[1]) ? (last[1] as string[]) : [self.id];
    }, true);
    const seen = await link.run(async (redis) => {
      const pipeline = redis.pipeline();
      for (const id of ids) pipeline.hgetall(memberKey(id));
      for (const ref of pools.values()) {
        if (ref.logKey !== undefined) pipeline.zrangebyscore(ref.logKey, now - 60_000, '+inf');
      }
      return (await pipeline.exec()) ?? [];
    }, true);
    const found: Member[] = [];
    ids.forEach((id, i) => {
      const hash = seen[i]?.[1] as Record<string, string> | undefined;
      if (hash?.name === undefined) return;
      found.push({
        id,
        name: hash.name,
        version: hash.version ?? '',
        lastSeen: Number(hash.lastSeen),
      });
    });
    members = found.some((m) => m.id === self.id) ? found : [...found, { ...self, lastSeen: now }];
    const names = new Map(members.map((m) => [m.id, m.name]));
    let at = ids.length;
    shares = [];
    for (const ref of pools.values()) {
      if (ref.logKey === undefined) continue;
      const entries = (seen[at++]?.[1] as string[] | undefined) ?? [];
      const used = new Map<string, number>();
      for (const entry of entries) {
        const id = entry.split(':')[0] ?? '';
        used.set(id, (used.get(id) ?? 0) + Number(entry.split(':')[2] ?? 0));
      }
      shares.push({
        pool: ref.pool,
        provider: ref.provider,
        model: ref.model,
        limit: ref.limit ?? 0,
        members: members.map((m) => ({ name: m.name, used: used.get(m.id) ?? 0 })),
      });
      for (const [id, n] of used)
        if (!names.has(id)) shares.at(-1)?.members.push({ name: 'a member that left', used: n });
    }
  }

  return {
    beat,
    present: () =>
      Math.max(
        1,
        members.filter((m) => clock() - m.lastSeen <= MEMBER_TTL_MS * 2 || m.id === self.id).length,
      ),
    members: () => members,
    shares: () => shares,
    track: (ref) => {
      pools.set(ref.pool, ref);
    },
  };
}
