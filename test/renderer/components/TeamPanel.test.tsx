import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { TeamStatus } from '../../../app/team/status.ts';
import { TeamBanner, TeamPanel } from '../../../renderer/src/components/TeamPanel.tsx';

const T0 = Date.UTC(2026, 10, 25, 10, 40);

const TEAM: TeamStatus = {
  team: 'acme',
  member: 'laptop',
  state: 'joined',
  since: T0,
  members: [
    { name: 'laptop', version: '0.1.0', lastSeen: T0, self: true },
    { name: 'desktop', version: '0.1.0', lastSeen: T0, self: false },
  ],
  pools: [
    {
      pool: 'groq|k|llama-3.1-8b-instant',
      provider: 'Groq',
      model: 'llama-3.1-8b-instant',
      limit: 30,
      members: [
        { name: 'laptop', used: 6 },
        { name: 'desktop', used: 21 },
      ],
    },
  ],
  unmerged: 0,
};

describe('TeamPanel', () => {
  it('shows each member’s share of each shared pool as a meter', () => {
    render(<TeamPanel team={TEAM} />);
    const panel = screen.getByRole('region', { name: 'Team “acme”' });
    expect(within(panel).getByText('2 members', { exact: false })).toBeTruthy();
    const desktop = within(panel).getByRole('meter', {
      name: "desktop's share of Groq llama-3.1-8b-instant",
    });
    expect(desktop.getAttribute('aria-valuenow')).toBe('21');
    expect(desktop.getAttribute('aria-valuemax')).toBe('30');
  });

  it('says nothing while joined, and why this member counts alone when Redis is away', () => {
    const { container } = render(<TeamBanner team={TEAM} />);
    expect(container.textContent).toBe('');
    render(
      <TeamBanner
        team={{
          ...TEAM,
          state: 'alone',
          message: 'The team’s Redis is unreachable (ECONNREFUSED).',
        }}
      />,
    );
    expect(screen.getByRole('status').textContent).toContain('counting alone');
    expect(screen.getByRole('status').textContent).toContain('ECONNREFUSED');
  });
});
