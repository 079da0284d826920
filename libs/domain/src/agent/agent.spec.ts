/** Agents: configuration, presence and the capacity holds that conversations place on them. */
import { Fact, busyWith, configured, givenAgent, held, presence, released, stamp, T0 } from '../testing';
import { freeUnits, hasRoomFor, usedUnits } from './capacity';
import { AgentEvent } from './events';
import { AgentState, evolveAgent } from './state';

const agentAfter = (...facts: Fact[]): AgentState | undefined =>
  facts.map((f) => stamp(f, T0) as AgentEvent).reduce(evolveAgent, undefined as AgentState | undefined);

describe('configure an agent', () => {
  it('a new agent', () => {
    givenAgent()
      .when({ type: 'configureAgent', agentId: 'a1', name: 'Agent a1', capacityUnits: 4, queueIds: ['q1', 'q2', 'q1'] })
      .then([configured('a1', 4, ['q1', 'q2'])]);
  });

  it('starts offline with nothing held', () => {
    expect(agentAfter(configured('a1'))).toEqual({
      id: 'a1',
      name: 'Agent a1',
      capacityUnits: 4,
      queueIds: ['q1', 'q2'],
      presence: 'offline',
      holds: {},
    });
  });

  it('reconfiguring keeps presence and holds', () => {
    const agent = agentAfter(
      configured('a1'),
      presence('a1', 'available'),
      held('a1', 2),
      configured('a1', 6, ['q3']),
    )!;
    expect(agent).toMatchObject({ capacityUnits: 6, queueIds: ['q3'], presence: 'available' });
    expect(freeUnits(agent)).toBe(4);
  });
});

describe('presence', () => {
  it('changes for a known agent', () => {
    givenAgent(configured('a1'))
      .when({ type: 'changePresence', agentId: 'a1', status: 'busy' })
      .then([presence('a1', 'busy')]);
  });

  it('an unknown agent: not_found', () => {
    givenAgent().when({ type: 'changePresence', agentId: 'a9', status: 'available' }).thenThrows('not_found');
  });
});

describe('capacity holds', () => {
  it('a hold uses the units; its release frees them', () => {
    const holding = agentAfter(configured('a1', 4), held('a1', 3))!;
    expect([usedUnits(holding), freeUnits(holding), hasRoomFor(holding, 1), hasRoomFor(holding, 2)]).toEqual([
      3,
      1,
      true,
      false,
    ]);
    const freed = agentAfter(configured('a1', 4), held('a1', 3), released('a1', 3, 'closed'))!;
    expect([usedUnits(freed), freeUnits(freed)]).toEqual([0, 4]);
  });

  it('a hold of the same conversation replaces the earlier one: never counted twice', () => {
    const agent = agentAfter(configured('a1', 4), held('a1', 2), held('a1', 2, 'wrap_up', '2026-11-21T10:05:00.000Z'))!;
    expect(agent.holds).toEqual({
      c1: { conversationId: 'c1', units: 2, reason: 'wrap_up', until: '2026-11-21T10:05:00.000Z' },
    });
    expect(usedUnits(agent)).toBe(2);
  });

  it('holds of different conversations add up', () => {
    expect(usedUnits(agentAfter(configured('a1', 4), held('a1', 2), busyWith('a1', 1))!)).toBe(3);
  });

  it('releasing what is not held changes nothing', () => {
    const agent = agentAfter(configured('a1', 4), busyWith('a1', 1), released('a1', 2, 'closed'))!;
    expect([usedUnits(agent), freeUnits(agent)]).toEqual([1, 3]);
  });

  it('free units are never negative, even when capacity is lowered below use', () => {
    const agent = agentAfter(configured('a1', 4), busyWith('a1', 3), configured('a1', 1))!;
    expect([usedUnits(agent), freeUnits(agent), hasRoomFor(agent, 1)]).toEqual([3, 0, false]);
  });

  it('a hold before the agent is configured is a broken stream', () => {
    expect(() => agentAfter(held('a1', 2))).toThrow('agent.capacity_held before agent.configured');
  });
});
