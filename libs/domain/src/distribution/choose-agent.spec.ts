/** Push distribution's choice of agent for one open conversation (chooseAgent). */
import { AgentState } from '../agent/state';
import { Presence } from '../agent/events';
import { ConversationState } from '../conversation/state';
import {
  Fact,
  accepted,
  assigned,
  assignmentRejected,
  customerReturned,
  parked,
  picked,
  requested,
  returnedToQueue,
  stateAfter,
  transferredToQueue,
} from '../testing';
import { Candidate, chooseAgent } from './choose-agent';

interface AgentSpec {
  capacity?: number;
  used?: number;
  presence?: Presence;
  queueIds?: string[];
  /** Store position of the agent's last assignment (0 = never). */
  last?: number;
}

/** A candidate agent: 4 units, available, member of q1, nothing held, never assigned, unless told otherwise. */
const agent = (
  id: string,
  { capacity = 4, used = 0, presence = 'available', queueIds = ['q1'], last = 0 }: AgentSpec = {},
): Candidate => {
  const state: AgentState = {
    id,
    name: `Agent ${id}`,
    capacityUnits: capacity,
    queueIds,
    presence,
    holds: used > 0 ? { [`other-${id}`]: { conversationId: `other-${id}`, units: used, reason: 'active' } } : {},
  };
  return { agent: state, lastAssignedPosition: last };
};

/** Conversation c1 in q1 of an sms workstream (2 units, keep-same-agent off) after the facts. */
const conversation = (...facts: Fact[]): ConversationState => stateAfter(requested('sms'), ...facts);
/** The same, in a workstream that keeps the same agent. */
const keepingSameAgent = (...facts: Fact[]): ConversationState =>
  stateAfter(requested('sms', { keepSameAgent: true }), ...facts);
/** a1 had it, parked it, and the customer came back (T17): it is open again and a1 is its last primary agent. */
const lastHadBy = (agentId: string): Fact[] => [picked(agentId), parked(agentId), customerReturned(agentId)];

describe('push distribution: who is eligible', () => {
  it('only members of the conversation’s queue', () => {
    const outsider = agent('a1', { capacity: 10, queueIds: ['q2'] });
    expect(chooseAgent(conversation(), [outsider, agent('a2')])).toBe('a2');
    expect(chooseAgent(conversation(), [outsider])).toBeUndefined();
  });

  it.each<Presence>(['busy', 'away', 'offline'])('a %s agent is not, however free', (presence) => {
    const unavailable = agent('a1', { capacity: 10, presence });
    expect(chooseAgent(conversation(), [unavailable, agent('a2', { capacity: 3 })])).toBe('a2');
    expect(chooseAgent(conversation(), [unavailable])).toBeUndefined();
  });

  it('needs free units ≥ the workstream’s units: exactly enough will do, one fewer will not', () => {
    const tooFull = agent('a1', { capacity: 10, used: 9 }); // 1 free, 2 needed
    const exactly = agent('a2', { capacity: 2 });
    expect(chooseAgent(conversation(), [tooFull, exactly])).toBe('a2');
    expect(chooseAgent(conversation(), [tooFull])).toBeUndefined();
  });

  it('a conversation of more units than anyone has free waits', () => {
    const big = stateAfter(requested('sms', { capacityUnits: 5 }));
    expect(chooseAgent(big, [agent('a1', { capacity: 4 }), agent('a2', { capacity: 8, used: 4 })])).toBeUndefined();
    expect(chooseAgent(big, [agent('a1', { capacity: 4 }), agent('a3', { capacity: 5 })])).toBe('a3');
  });

  it('no candidates: nobody', () => {
    expect(chooseAgent(conversation(), [])).toBeUndefined();
  });
});

describe('push distribution: who wins', () => {
  it('the most free capacity, whatever the order of the candidates', () => {
    const candidates = [
      agent('a1', { capacity: 3 }), // 3 free
      agent('a2', { capacity: 8, used: 3 }), // 5 free
      agent('a3', { capacity: 4 }), // 4 free
    ];
    expect(chooseAgent(conversation(), candidates)).toBe('a2');
    expect(chooseAgent(conversation(), [...candidates].reverse())).toBe('a2');
  });

  it('free capacity, not total capacity, counts', () => {
    const bigButBusy = agent('a1', { capacity: 10, used: 8 }); // 2 free
    expect(chooseAgent(conversation(), [bigButBusy, agent('a2', { capacity: 3 })])).toBe('a2');
  });

  it('free capacity beats round-robin order', () => {
    expect(
      chooseAgent(conversation(), [agent('a1', { capacity: 5, last: 100 }), agent('a2', { capacity: 4, last: 0 })]),
    ).toBe('a1');
  });

  it('equally free: round-robin, the least recently assigned first', () => {
    const candidates = [agent('a1', { last: 30 }), agent('a2', { last: 10 }), agent('a3', { last: 20 })];
    expect(chooseAgent(conversation(), candidates)).toBe('a2');
    expect(chooseAgent(conversation(), [...candidates].reverse())).toBe('a2');
  });

  it('equally free: an agent never assigned goes before one assigned before', () => {
    expect(chooseAgent(conversation(), [agent('a1', { last: 7 }), agent('a2', { last: 0 })])).toBe('a2');
  });

  it('equally free and equally recent: the lowest id', () => {
    expect(chooseAgent(conversation(), [agent('a3'), agent('a1'), agent('a2')])).toBe('a1');
  });
});

describe('push distribution: an offer rejected or not answered moves on to the next agent', () => {
  const team = () => [agent('a1', { capacity: 6 }), agent('a2', { capacity: 5 }), agent('a3', { capacity: 4 })];

  it('nobody declined: the freest, a1', () => {
    expect(chooseAgent(conversation(), team())).toBe('a1');
  });

  it('a1 rejected it: a2', () => {
    const c = conversation(assigned('a1'), assignmentRejected('a1', 'rejected'));
    expect(c.declinedBy).toEqual(['a1']);
    expect(chooseAgent(c, team())).toBe('a2');
  });

  it('a1 let the offer time out: a2', () => {
    expect(chooseAgent(conversation(assigned('a1'), assignmentRejected('a1', 'offer_timeout')), team())).toBe('a2');
  });

  it('a1 rejected, then a2 let it time out: a3', () => {
    const c = conversation(
      assigned('a1'),
      assignmentRejected('a1', 'rejected'),
      assigned('a2'),
      assignmentRejected('a2', 'offer_timeout'),
    );
    expect(chooseAgent(c, team())).toBe('a3');
  });

  it('everyone declined: nobody', () => {
    const c = conversation(...['a1', 'a2', 'a3'].flatMap((id) => [assigned(id), assignmentRejected(id, 'rejected')]));
    expect(chooseAgent(c, team())).toBeUndefined();
  });

  it('once an agent accepted it, routing starts afresh: the earlier decliner is eligible again', () => {
    const c = conversation(
      assigned('a1'),
      assignmentRejected('a1', 'rejected'),
      assigned('a2'),
      accepted('a2'),
      returnedToQueue('a2', 'released'),
    );
    expect(chooseAgent(c, team())).toBe('a1');
  });
});

describe('keep same agent', () => {
  const freer = () => agent('a2', { capacity: 10 });

  it('on: the last primary agent, while signed in, is the only one eligible, even with a freer agent present', () => {
    expect(chooseAgent(keepingSameAgent(...lastHadBy('a1')), [agent('a1', { capacity: 2 }), freer()])).toBe('a1');
  });

  it.each<Presence>(['busy', 'away'])('on: waits for the last primary agent who is signed in but %s', (presence) => {
    expect(chooseAgent(keepingSameAgent(...lastHadBy('a1')), [agent('a1', { presence }), freer()])).toBeUndefined();
  });

  it('on: waits for the last primary agent who is available but full', () => {
    expect(
      chooseAgent(keepingSameAgent(...lastHadBy('a1')), [agent('a1', { capacity: 4, used: 3 }), freer()]),
    ).toBeUndefined();
  });

  it('on: the last primary agent is offline: anyone eligible, the freest first', () => {
    const candidates = [agent('a1', { presence: 'offline', capacity: 20 }), agent('a3', { capacity: 3 }), freer()];
    expect(chooseAgent(keepingSameAgent(...lastHadBy('a1')), candidates)).toBe('a2');
  });

  it('on: the last primary agent is not among the candidates (offline agents are not passed): anyone eligible', () => {
    expect(chooseAgent(keepingSameAgent(...lastHadBy('a1')), [agent('a3', { capacity: 3 }), freer()])).toBe('a2');
  });

  it('on: a conversation that never had an agent goes to the freest', () => {
    expect(chooseAgent(keepingSameAgent(), [agent('a1'), freer()])).toBe('a2');
  });

  it('off: the last primary agent gets no preference', () => {
    const c = conversation(...lastHadBy('a1'));
    expect(c.lastPrimaryAgentId).toBe('a1');
    expect(chooseAgent(c, [agent('a1', { capacity: 2 }), freer()])).toBe('a2');
  });

  it('off: a busy last primary agent does not hold it back', () => {
    expect(chooseAgent(conversation(...lastHadBy('a1')), [agent('a1', { presence: 'busy' }), freer()])).toBe('a2');
  });

  it('on: when the last agent rejects the offer, it moves on to the next agent instead of waiting for them', () => {
    // a1 owned it and released it; it was offered to a1 again (keep-same-agent) and a1 rejected the offer.
    const c = keepingSameAgent(...lastHadBy('a1'), assigned('a1'), assignmentRejected('a1', 'rejected'));
    expect(chooseAgent(c, [agent('a1'), freer()])).toBe('a2');
  });

  it('on: a first offer that times out moves on to the next agent (nobody ever accepted it)', () => {
    const c = keepingSameAgent(assigned('a1'), assignmentRejected('a1', 'offer_timeout'));
    expect(chooseAgent(c, [agent('a1', { capacity: 10 }), agent('a2')])).toBe('a2');
  });

  it('on: transferred to a queue the last agent is not a member of, it goes to a member of that queue', () => {
    const c = keepingSameAgent(...lastHadBy('a1'), picked('a1'), transferredToQueue('a1', 'q1', 'q2'));
    expect(c.queueId).toBe('q2');
    const inQ2 = agent('a2', { queueIds: ['q2'] });
    expect(chooseAgent(c, [agent('a1', { capacity: 10 }), inQ2])).toBe('a2');
  });
});
