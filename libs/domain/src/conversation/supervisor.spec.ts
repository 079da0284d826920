/** S1–S4: a supervisor's assign, transfer, force-close and sign-out, in every status (docs/lifecycle.md). */
import { StatusReason } from './state';
import {
  ALL,
  Fact,
  SUPERVISOR,
  accept,
  activeOn,
  agentDisconnected,
  busyWith,
  closedOn,
  configured,
  fact,
  given,
  givenAgent,
  held,
  historyIn,
  offeredOn,
  openOn,
  presence,
  reject,
  released,
  signOut,
  supervisorAssign,
  supervisorTransfer,
  forceClose,
  timer,
  transferredToExternal,
  waitingOn,
  wrapUpOn,
  assignmentRejected,
  returnedToQueue,
  later,
  MIN,
  UNITS,
} from '../testing';

const assignedBy = (agentId: string, overCapacity = false) =>
  fact('conversation.assigned', {
    agentId,
    units: UNITS,
    supervisor: SUPERVISOR,
    ...(overCapacity && { overCapacity: true as const }),
  });
const transferredBy = (fromAgentId: string, toAgentId: string) =>
  fact('conversation.transferred_to_agent', {
    fromAgentId,
    toAgentId,
    units: UNITS,
    supervisor: SUPERVISOR,
    offered: true,
  });
const requeuedBy = (fromAgentId: string, toQueueId: string) =>
  fact('conversation.transferred_to_queue', { fromAgentId, fromQueueId: 'q1', toQueueId, supervisor: SUPERVISOR });
const forceClosed = (reason = 'customer complaint') =>
  fact('conversation.closed', { reason: 'force_closed', supervisor: { supervisorId: 's1', reason } });

/** Every status a supervisor can meet, with the pushed offer not yet accepted as its own case. */
const EVERY: [string, Fact[]][] = [
  ...(['open', 'active', 'wrap_up', 'waiting', 'closed'] as StatusReason[]).map((status): [string, Fact[]] => [
    status,
    historyIn(status, 'sms'),
  ]),
  ['active, offered (not accepted)', offeredOn('sms')],
];

describe('S1 assign: an open conversation offered to an agent of its queue', () => {
  it.each(ALL)('%s: offered to the agent, whose capacity it holds', (channel) => {
    given(...openOn(channel))
      .when(supervisorAssign('a2'))
      .then([assignedBy('a2'), held('a2', UNITS)])
      .andStatus('active')
      .andState({ primaryAgentId: 'a2', accepted: false, capacityHolder: 'a2' })
      .andFree('a2', 2);
  });

  it('the agent accepts it as any pushed offer', () => {
    given(...openOn('sms'), assignedBy('a2'), held('a2', UNITS))
      .when(accept('a2'))
      .then([fact('conversation.accepted', { agentId: 'a2' })])
      .andState({ accepted: true });
  });

  it('the agent rejects it: back to open, units freed', () => {
    given(...openOn('sms'), assignedBy('a2'), held('a2', UNITS))
      .when(reject('a2'))
      .then([assignmentRejected('a2', 'rejected'), released('a2', UNITS, 'rejected')])
      .andStatus('open')
      .andFree('a2', 4);
  });

  it('no room: 409 naming the free units', () => {
    const error = given(...openOn('sms'), busyWith('a2', 3))
      .when(supervisorAssign('a2'))
      .thenThrows('not_allowed', 'open');
    expect(error.message).toContain("agent 'a2' has 1 free capacity units, 2 needed");
    expect(error.message).toContain('overrideCapacity');
  });

  it('no room but overrideCapacity: assigned past capacity, recorded as such', () => {
    const outcome = given(...openOn('sms'), busyWith('a2', 3))
      .when(supervisorAssign('a2', true))
      .then([assignedBy('a2', true), held('a2', UNITS)])
      .andStatus('active')
      .andFree('a2', 0);
    const holds = Object.values(outcome.agent('a2').holds).reduce((sum, h) => sum + h.units, 0);
    expect(holds).toBe(5);
  });

  it('overrideCapacity with room to spare is an ordinary assign (not recorded as over capacity)', () => {
    given(...openOn('sms'))
      .when(supervisorAssign('a2', true))
      .then([assignedBy('a2'), held('a2', UNITS)]);
  });

  it('an offline agent: 409, even with overrideCapacity', () => {
    given(...openOn('sms'), presence('a2', 'offline'))
      .when(supervisorAssign('a2', true))
      .thenThrows('not_allowed', 'open');
  });

  it('an agent of another queue: 409 naming the queue', () => {
    const error = given(...openOn('sms'), configured('a3', 4, ['q2']), presence('a3', 'available'))
      .when(supervisorAssign('a3'))
      .thenThrows('not_allowed', 'open');
    expect(error.message).toContain("not a member of queue 'q1'");
  });

  it('an unknown agent: 404', () => {
    given(...openOn('sms'))
      .when(supervisorAssign('a9'))
      .thenThrows('not_found');
  });

  it.each(EVERY.filter(([name]) => name !== 'open'))('%s: 409, only an open conversation is assigned', (_, history) => {
    given(...history)
      .when(supervisorAssign('a2', true))
      .thenThrows('not_allowed');
  });
});

describe('S2 transfer: an active or waiting conversation to an agent of its queue (offered) or to a queue', () => {
  it.each(ALL)('%s active to an agent: X2 capacity, but offered', (channel) => {
    given(...activeOn(channel))
      .when(supervisorTransfer({ toAgentId: 'a2' }))
      .then([transferredBy('a1', 'a2'), released('a1', UNITS, 'transferred'), held('a2', UNITS)])
      .andStatus('active')
      .andState({ primaryAgentId: 'a2', accepted: false, capacityHolder: 'a2' })
      .andFree('a1', 4)
      .andFree('a2', 2);
  });

  it.each(ALL)('%s active to a queue: X3, open in that queue, units freed', (channel) => {
    given(...activeOn(channel))
      .when(supervisorTransfer({ toQueueId: 'q2' }))
      .then([requeuedBy('a1', 'q2'), released('a1', UNITS, 'transferred')])
      .andStatus('open')
      .andState({ queueId: 'q2' })
      .andNo('primaryAgentId', 'capacityHolder')
      .andFree('a1', 4);
  });

  it('offered (not accepted): the offered agent’s hold moves to the new agent', () => {
    given(...offeredOn('sms'))
      .when(supervisorTransfer({ toAgentId: 'a2' }))
      .then([transferredBy('a1', 'a2'), released('a1', UNITS, 'transferred'), held('a2', UNITS)])
      .andFree('a1', 4);
  });

  it('waiting to an agent: nothing held to release, the new agent is offered it', () => {
    given(...waitingOn('sms'))
      .when(supervisorTransfer({ toAgentId: 'a2' }))
      .then([transferredBy('a1', 'a2'), held('a2', UNITS)])
      .andStatus('active')
      .andState({ primaryAgentId: 'a2', accepted: false });
  });

  it('waiting to a queue: open there', () => {
    given(...waitingOn('sms'))
      .when(supervisorTransfer({ toQueueId: 'q2' }))
      .then([requeuedBy('a1', 'q2')])
      .andStatus('open')
      .andState({ queueId: 'q2' });
  });

  it('the new agent accepts: accepted, and may act on it', () => {
    given(...activeOn('sms'), transferredBy('a1', 'a2'), released('a1', UNITS, 'transferred'), held('a2', UNITS))
      .when(accept('a2'))
      .then([fact('conversation.accepted', { agentId: 'a2' })])
      .andState({ accepted: true, primaryAgentId: 'a2' });
  });

  it('the new agent declines: open in its queue, units freed, as with push', () => {
    given(...activeOn('sms'), transferredBy('a1', 'a2'), released('a1', UNITS, 'transferred'), held('a2', UNITS))
      .when(reject('a2'))
      .then([assignmentRejected('a2', 'rejected'), released('a2', UNITS, 'rejected')])
      .andStatus('open')
      .andFree('a2', 4);
  });

  it('no room at the target: 409 naming the free units (no override for a transfer)', () => {
    const error = given(...activeOn('sms'), busyWith('a2', 3))
      .when(supervisorTransfer({ toAgentId: 'a2' }))
      .thenThrows('not_allowed', 'active');
    expect(error.message).toContain('1 free capacity units');
  });

  it.each([
    ['offline', [presence('a2', 'offline')], 'a2'],
    ['of another queue', [configured('a3', 4, ['q2']), presence('a3', 'available')], 'a3'],
    ['the agent who has it', [], 'a1'],
  ])('to an agent %s: 409', (_, facts, agentId) => {
    given(...activeOn('sms'), ...(facts as Fact[]))
      .when(supervisorTransfer({ toAgentId: agentId as string }))
      .thenThrows('not_allowed', 'active');
  });

  it.each([
    ['agent', { toAgentId: 'a9' }],
    ['queue', { toQueueId: 'q9' }],
  ])('an unknown %s: 404', (_, target) => {
    given(...activeOn('sms'))
      .when(supervisorTransfer(target))
      .thenThrows('not_found');
  });

  it('held by an external number (after X1): 409, the call is out of the engine’s hands', () => {
    given(...activeOn('voice'), transferredToExternal('a1', '+4512345678'), released('a1', UNITS, 'transferred'))
      .when(supervisorTransfer({ toQueueId: 'q2' }))
      .thenThrows('not_allowed', 'active');
  });

  it.each(EVERY.filter(([name]) => ['open', 'wrap_up', 'closed'].includes(name)))('%s: 409', (_, history) => {
    given(...history)
      .when(supervisorTransfer({ toQueueId: 'q2' }))
      .thenThrows('not_allowed');
  });
});

describe('S3 force-close: any conversation that is not closed, with a reason; capacity released at once', () => {
  const releases: Record<string, Fact[]> = {
    open: [],
    active: [released('a1', UNITS, 'force_closed')],
    wrap_up: [released('a1', UNITS, 'force_closed')],
    waiting: [],
    'active, offered (not accepted)': [released('a1', UNITS, 'force_closed')],
  };

  describe.each(ALL)('%s', (channel) => {
    it.each(Object.keys(releases))('%s → closed', (status) => {
      const history = status.startsWith('active, offered')
        ? offeredOn(channel)
        : historyIn(status as StatusReason, channel);
      given(...history)
        .when(forceClose())
        .then([forceClosed(), ...releases[status]])
        .andStatus('closed')
        .andNo('capacityHolder')
        .andFree('a1', 4);
    });
  });

  it('wrap-up without a capacity block: nothing left to release', () => {
    given(
      ...activeOn('sms', { wrapUpCapacityBlock: 'never' }),
      fact('conversation.ended', { agentId: 'a1', endedBy: 'agent' }),
      released('a1', UNITS, 'wrap_up_not_blocking'),
    )
      .when(forceClose())
      .then([forceClosed()])
      .andStatus('closed');
  });

  it('a blank reason: 400 naming reason', () => {
    given(...activeOn('sms'))
      .when(forceClose('  '))
      .thenInvalid('reason');
  });

  it('closed: 409, closed is final', () => {
    given(...closedOn('sms'))
      .when(forceClose())
      .thenThrows('not_allowed', 'closed');
  });
});

describe('S4 sign an agent out: presence offline, then the disconnect rules (T7) for what they hold', () => {
  it('presence offline, recording the supervisor', () => {
    givenAgent(configured('a1'), presence('a1', 'available'))
      .when({ type: 'changePresence', agentId: 'a1', status: 'offline', supervisor: SUPERVISOR })
      .then([{ type: 'agent.presence_changed', data: { agentId: 'a1', status: 'offline', supervisor: SUPERVISOR } }]);
  });

  it('an active conversation of the agent: disconnected, by the supervisor', () => {
    given(...activeOn('sms'))
      .when(signOut('a1'))
      .then([fact('conversation.agent_disconnected', { agentId: 'a1', supervisor: SUPERVISOR })])
      .andStatus('active')
      .andState({ agentDisconnectedAt: later(MIN) });
  });

  it('…and T7 returns it to the queue when the agent does not come back in time', () => {
    const disconnected = fact('conversation.agent_disconnected', { agentId: 'a1', supervisor: SUPERVISOR });
    given(...activeOn('sms'), disconnected)
      .when(timer('expireAgentDisconnect', later(60)))
      .then([returnedToQueue('a1', 'agent_disconnect_timeout'), released('a1', UNITS, 'agent_disconnect_timeout')])
      .andStatus('open');
  });

  it('already disconnected: nothing more is written', () => {
    given(...activeOn('sms'), agentDisconnected('a1'))
      .when(signOut('a1'))
      .thenNothing();
  });

  it.each([
    ['open', openOn('sms')],
    ['wrap_up', wrapUpOn('sms')],
    ['waiting', waitingOn('sms')],
    ['closed', closedOn('sms')],
  ])('%s: refused, as any disconnect (only active conversations are held live)', (_, history) => {
    given(...(history as Fact[]))
      .when(signOut('a1'))
      .thenThrows('not_allowed');
  });
});
