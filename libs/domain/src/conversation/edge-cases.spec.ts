/** Decisions docs/decisions.md records beyond the spec's tables, each pinned here. */
import {
  activeOn,
  agentDisconnected,
  agentReconnect,
  agentReconnected,
  assignmentRejected,
  customerDisconnect,
  customerEnd,
  fact,
  given,
  offeredOn,
  release,
  released,
  transferredToExternal,
} from '../testing';

describe('release of an offer not yet accepted works like reject', () => {
  it('goes back to open, records the agent as having declined it, and releases the capacity', () => {
    given(...offeredOn('sms'))
      .when(release('a1'))
      .then([assignmentRejected('a1', 'rejected'), released('a1', 2, 'rejected')])
      .andStatus('open')
      .andState({ declinedBy: ['a1'] })
      .andFree('a1', 4);
  });
});

describe('a live chat transferred to an external number (X1)', () => {
  const transferredOut = [
    ...activeOn('live_chat'),
    transferredToExternal('a1', '+4512345678'),
    released('a1', 2, 'transferred'),
  ];

  it('the customer ending it moves it to wrap_up (T5), no agent capacity involved', () => {
    given(...transferredOut)
      .when(customerEnd())
      .then([fact('conversation.ended', { endedBy: 'customer' })])
      .andStatus('wrap_up');
  });

  it('the customer’s connection dropping moves it to wrap_up (T6)', () => {
    given(...transferredOut)
      .when(customerDisconnect())
      .then([fact('conversation.ended', { endedBy: 'customer_disconnected' })])
      .andStatus('wrap_up');
  });
});

describe('agent.reconnected', () => {
  it('from an agent who is not the primary agent of the active conversation is refused (403)', () => {
    given(...activeOn('voice'), agentDisconnected('a1'))
      .when(agentReconnect('a2'))
      .thenThrows('forbidden');
  });

  it('from the primary agent cancels the pending disconnect', () => {
    given(...activeOn('voice'), agentDisconnected('a1'))
      .when(agentReconnect('a1'))
      .then([agentReconnected('a1')])
      .andNo('agentDisconnectedAt');
  });
});
