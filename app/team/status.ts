/** What the dashboard, the tray and `switchyard status` show of team mode. */

/** One member of the team as last seen in Redis. */
export interface TeamMemberView {
  name: string;
  version: string;
  /** Epoch ms of its last heartbeat. */
  lastSeen: number;
  self: boolean;
}

/** How much of one shared pool's per-minute window each member took. */
export interface PoolShare {
  pool: string;
  provider: string;
  model: string;
  /** The window's limit, for the whole team. */
  limit: number;
  members: Array<{ name: string; used: number }>;
}

export interface TeamStatus {
  team: string;
  member: string;
  /** joined: counting with the team; alone: Redis is away, this member keeps to its share. */
  state: 'joined' | 'alone' | 'connecting';
  /** One sentence for a banner, when not joined. */
  message?: string;
  since: number;
  members: TeamMemberView[];
  pools: readonly PoolShare[];
  /** Takes counted alone, waiting to be merged into the team's counts. */
  unmerged: number;
}

/** One line for `switchyard status` and the tray: the team, its state and who is in it. */
export function teamSummary(team: TeamStatus): string {
  const names = team.members.map((m) => (m.self ? `${m.name} (this one)` : m.name)).join(', ');
  const head = `Team "${team.team}" as "${team.member}"`;
  if (team.state === 'joined') return `${head}: joined, ${team.members.length} members (${names})`;
  return `${head}: ${team.message ?? team.state}`;
}

/** The per-member use of each shared pool, one line each, for `switchyard status`. */
export function shareLines(team: TeamStatus): string[] {
  return team.pools.map((pool) => {
    const used = pool.members.map((m) => `${m.name} ${m.used}`).join(', ');
    return `${pool.provider} ${pool.model}: ${used} of ${pool.limit} per minute`;
  });
}
