/** The agents projection: configuration, presence and capacity holds of every agent. */
import { DomainEvent } from '#domain';
import { Unstamped, available, busyWith, configured, held, later, presence, released } from '#domain/testing';
import { project, stored } from '../testing';
import { agentsProjection } from './projection';

const projected = (...events: Unstamped<DomainEvent>[]) => project(agentsProjection, stored(events));

describe('capacity', () => {
  it('a configured agent: everything free, nothing held', () => {
    expect(projected(configured('a1', 4)).query.capacity('a1')).toEqual({
      agentId: 'a1',
      totalUnits: 4,
      usedUnits: 0,
      freeUnits: 4,
      holds: [],
    });
  });

  it('holds add up, each listed with its reason; a wrap-up block says until when', () => {
    const { query } = projected(...available('a1'), busyWith('a1', 1), held('a1', 2, 'wrap_up', later(300)));
    expect(query.capacity('a1')).toEqual({
      agentId: 'a1',
      totalUnits: 4,
      usedUnits: 3,
      freeUnits: 1,
      holds: [
        { conversationId: 'c-other', units: 1, reason: 'active' },
        { conversationId: 'c1', units: 2, reason: 'wrap_up', until: later(300) },
      ],
    });
  });

  it('a release frees the units', () => {
    const { query } = projected(...available('a1'), held('a1', 2), released('a1', 2, 'closed'));
    expect(query.capacity('a1')).toMatchObject({ usedUnits: 0, freeUnits: 4, holds: [] });
  });

  it('an unknown agent has none', () => {
    expect(projected(configured('a1')).query.capacity('a9')).toBeUndefined();
  });
});

describe('signed-in agents, for distribution', () => {
  it('offline agents are left out; the round-robin order is the position of the last assignment', () => {
    const events = stored([...available('a1'), ...available('a2'), configured('a3'), held('a2', 2)]);
    const { query } = project(agentsProjection, events);
    const candidates = query.signedInAgents().map((c) => [c.agent.id, c.agent.presence, c.lastAssignedPosition]);
    expect(candidates.sort()).toEqual([
      ['a1', 'available', 0],
      ['a2', 'available', events.length],
    ]);
  });

  it('presence is kept as last changed', () => {
    const { query } = projected(...available('a1'), presence('a1', 'away'));
    expect(query.agent('a1')?.presence).toBe('away');
  });
});
