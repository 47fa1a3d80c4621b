/**
 * Starts team mode from the config's `team` entry, in two steps. First the Redis URL (written, or
 * named by an environment variable) and the password (an environment variable or the keychain)
 * are resolved, before the engine's log exists, so that the log's secret mask can hold the
 * password from the start. Then the team starts; a reference that did not resolve leaves the
 * engine serving alone, and the log says why.
 */
import type { TeamConfig } from '../../app/config/schema.ts';
import type { Keychain } from '../keys/keychain.ts';
import { startTeam, type Team, type TeamOptions } from './team.ts';

/** The keychain account that holds a team's Redis password. */
export function teamPasswordAccount(team: string): string {
  return `team-redis:${team}`;
}

/** Where the team's Redis is, or why this engine serves alone; undefined without a `team`. */
export type TeamLink =
  { config: TeamConfig; url: string; password?: string } | { alone: string } | undefined;

export async function resolveTeamLink(
  config: TeamConfig | undefined,
  env: NodeJS.ProcessEnv,
  keychain: Keychain,
): Promise<TeamLink> {
  if (config === undefined) return undefined;
  const url = typeof config.redis === 'string' ? config.redis : env[config.redis.env];
  if (url === undefined || url === '') {
    const name = typeof config.redis === 'string' ? '' : config.redis.env;
    return {
      alone: `team: the environment variable ${name} that names the team's Redis is not set; serving alone`,
    };
  }
  let password: string | undefined;
  try {
    if (config.password !== undefined && 'env' in config.password)
      password = env[config.password.env];
    else if (config.password !== undefined)
      password = await keychain.get(teamPasswordAccount(config.name));
  } catch (error) {
    return {
      alone: `team: could not read the Redis password: ${(error as Error).message}; serving alone`,
    };
  }
  return { config, url, ...(password === undefined ? {} : { password }) };
}

/** The secret a team link holds, for the engine's mask. */
export function teamLinkSecrets(link: TeamLink): string[] {
  return link !== undefined && 'password' in link && link.password !== undefined
    ? [link.password]
    : [];
}

export async function startTeamFromLink(
  link: TeamLink,
  options: Omit<TeamOptions, 'config' | 'url' | 'password'>,
): Promise<Team | undefined> {
  if (link === undefined) return undefined;
  if ('alone' in link) {
    options.log(link.alone);
    return undefined;
  }
  return startTeam({ ...options, ...link });
}
