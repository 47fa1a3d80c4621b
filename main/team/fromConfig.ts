/**
 * Starts team mode from the config's `team` entry: resolves the Redis URL (written, or named by an
 * environment variable) and the password (an environment variable or the keychain), then starts
 * the team. A reference that does not resolve leaves the engine serving alone, and says why.
 */
import type { TeamConfig } from '../../app/config/schema.ts';
import type { Keychain } from '../keys/keychain.ts';
import { startTeam, type Team, type TeamOptions } from './team.ts';

/** The keychain account that holds a team's Redis password. */
export function teamPasswordAccount(team: string): string {
  return `team-redis:${team}`;
}

export type TeamContext = Omit<TeamOptions, 'config' | 'url' | 'password'> & {
  env: NodeJS.ProcessEnv;
  keychain: Keychain;
};

export async function startTeamFromConfig(
  config: TeamConfig | undefined,
  context: TeamContext,
): Promise<Team | undefined> {
  if (config === undefined) return undefined;
  const { env, keychain, ...options } = context;
  const url = typeof config.redis === 'string' ? config.redis : env[config.redis.env];
  if (url === undefined || url === '') {
    const name = typeof config.redis === 'string' ? '' : config.redis.env;
    options.log(
      `team: the environment variable ${name} that names the team's Redis is not set; serving alone`,
    );
    return undefined;
  }
  let password: string | undefined;
  try {
    if (config.password !== undefined && 'env' in config.password)
      password = env[config.password.env];
    else if (config.password !== undefined)
      password = await keychain.get(teamPasswordAccount(config.name));
  } catch (error) {
    options.log(
      `team: could not read the Redis password: ${(error as Error).message}; serving alone`,
    );
    return undefined;
  }
  return startTeam({ ...options, config, url, ...(password === undefined ? {} : { password }) });
}
