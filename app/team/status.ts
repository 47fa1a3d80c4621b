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
