/**
 * Team mode as the engine starts it: the Redis link, the shared pools the limiter gate consults,
 * the membership heartbeat, and the status the admin API, the tray and `switchyard status` show.
 * Redis is never on the engine's critical path: start-up waits for it a bounded time, and
 * while it is away every member counts alone, within its share.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { TeamConfig } from '../../app/config/schema.ts';
import type { TeamStatus } from '../../app/team/status.ts';
import { createMembership } from './membership.ts';
import { createRedisLink, type LinkState } from './redisLink.ts';
import { createTeamPools, type TeamPools } from './teamPools.ts';

/** How often a member announces itself and reads the team. */
export const HEARTBEAT_MS = 10_000;
/** Longest start-up waits for Redis before serving alone. */
const START_WAIT_MS = 1500;

export interface TeamOptions {
  config: TeamConfig;
  /** The Redis URL and password, resolved from the config's references. */
  url: string;
  password?: string;
  version: string;
  clock: () => number;
  secret: (keyId: string) => Promise<string>;
  log: (message: string) => void;
  onStatus?: (status: TeamStatus) => void;
  heartbeatMs?: number;
  commandTimeoutMs?: number;
}

export interface Team {
  pools: TeamPools;
  status(): TeamStatus;
  stop(): Promise<void>;
}

export async function startTeam(options: TeamOptions): Promise<Team> {
  const { config, clock, log } = options;
  const memberId = randomBytes(6).toString('hex');
  const name = config.member ?? hostname();
  let state: TeamStatus['state'] = 'connecting';
  let since = clock();
  let reason: string | undefined;
  let stopped = false;

  const link = await createRedisLink({
    url: options.url,
    ...(options.password === undefined ? {} : { password: options.password }),
    ...(options.commandTimeoutMs === undefined
      ? {}
      : { commandTimeoutMs: options.commandTimeoutMs }),
    onState: (next, why) => onLink(next, why),
  });
  const membership = createMembership({
    link,
    team: config.name,
    self: { id: memberId, name, version: options.version },
    clock,
  });
  const pools = createTeamPools({
    link,
    team: config.name,
    memberId,
    clock,
    // Keyed by the team name, so the fingerprint says nothing outside the team.
    fingerprint: async (keyId) =>
      createHmac('sha256', `switchyard-team:${config.name}`)
        .update(await options.secret(keyId))
        .digest('hex')
        .slice(0, 24),
    members: () => membership.present(),
    used: (ref) => membership.track(ref),
  });

  function status(): TeamStatus {
    const view: TeamStatus = {
      team: config.name,
      member: name,
      state,
      since,
      members: membership
        .members()
        .map(({ id, ...member }) => ({ ...member, self: id === memberId })),
      pools: membership.shares(),
      unmerged: pools.unmerged(),
    };
    if (state !== 'joined') {
      view.message =
        state === 'connecting'
          ? `Connecting to the team's Redis (team "${config.name}").`
          : `The team's Redis is unreachable (${reason ?? 'no answer'}): this member keeps to its share (1/${membership.present()}) of each shared quota until it returns.`;
    }
    return view;
  }

  function become(next: TeamStatus['state'], why?: string): void {
    pools.setJoined(next === 'joined');
    if (next === state || stopped) return;
    state = next;
    since = clock();
    reason = why;
    log(
      next === 'joined'
        ? `team: joined team "${config.name}" as "${name}"`
        : `team: Redis is unreachable (${why ?? 'no answer'}); counting alone within this member's share`,
    );
    options.onStatus?.(status());
  }

  /** Redis came back: announce, merge what was counted alone, then count with the team again. */
  async function rejoin(): Promise<void> {
    try {
      await membership.beat();
      await pools.merge();
      if (link.state() === 'up') become('joined');
    } catch (error) {
      become('alone', (error as Error).message);
    }
  }

  function onLink(next: LinkState, why?: string): void {
    if (next === 'up') void rejoin();
    else if (next === 'down') become('alone', why);
  }

  const beat = setInterval(() => {
    if (!link.open()) return;
    membership
      .beat()
      // Takes counted alone in the moment between a merge and the re-join are merged here.
      .then(() => (state === 'joined' && pools.unmerged() === 0 ? undefined : rejoin()))
      .catch((error: unknown) => become('alone', (error as Error).message));
  }, options.heartbeatMs ?? HEARTBEAT_MS);
  beat.unref();

  if (!(await link.ready(START_WAIT_MS))) become('alone', 'no answer at start');
  else await rejoin();

  return {
    pools,
    status,
    async stop() {
      stopped = true;
      clearInterval(beat);
      await link.close();
    },
  };
}
