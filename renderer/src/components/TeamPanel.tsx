import type { TeamStatus } from '../../../app/team/status.ts';

/** While this member counts alone, the dashboard says so above every page. */
export function TeamBanner(props: { team: TeamStatus | undefined }) {
  const { team } = props;
  if (team === undefined || team.state === 'joined') return null;
  return (
    <div className="banner warn" role="status" style={{ marginBottom: 14 }}>
      <div>
        <strong>
          Team “{team.team}”: {team.state === 'alone' ? 'counting alone' : 'connecting'}
        </strong>
        . {team.message}
      </div>
    </div>
  );
}

/** The team's members, and how much of each shared pool's minute each of them took. */
export function TeamPanel(props: { team: TeamStatus }) {
  const { team } = props;
  return (
    <section className="card stack" aria-labelledby="team-title">
      <div className="row spread">
        <h2 id="team-title">Team “{team.team}”</h2>
        <span className="small muted">
          {team.state === 'joined'
            ? 'joined'
            : team.state === 'alone'
              ? 'counting alone'
              : 'connecting'}
          {' · '}
          {team.members.length} {team.members.length === 1 ? 'member' : 'members'}
        </span>
      </div>
      <p className="small muted" style={{ margin: 0 }}>
        {team.members.map((m) => `${m.name}${m.self ? ' (this one)' : ''} ${m.version}`).join(', ')}
      </p>
      {team.pools.length === 0 ? (
        <p className="small muted">No shared pool used yet.</p>
      ) : (
        <ul className="stack" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {team.pools.map((pool) => (
            <li key={pool.pool} className="stack" style={{ gap: 4 }}>
              <div className="row spread">
                <strong>
                  {pool.provider} · {pool.model}
                </strong>
                <span className="small muted">requests this minute, of {pool.limit}</span>
              </div>
              {pool.members.map((m) => (
                <div key={m.name} className="row spread small">
                  <span>{m.name}</span>
                  <div
                    className="budget-track"
                    role="meter"
                    aria-label={`${m.name}'s share of ${pool.provider} ${pool.model}`}
                    aria-valuemin={0}
                    aria-valuemax={pool.limit}
                    aria-valuenow={m.used}
                    style={{ flex: 1, margin: '0 8px' }}
                  >
                    <div
                      className="meter-fill ok"
                      style={{
                        width: `${pool.limit > 0 ? Math.min(1, m.used / pool.limit) * 100 : 0}%`,
                      }}
                    />
                  </div>
                  <span>{m.used}</span>
                </div>
              ))}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
