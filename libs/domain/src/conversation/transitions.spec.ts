/** The transition table, row by row (T2, T13: assignment.spec; T9: transfers.spec; T14: wrap-up.spec; T11, T15–T17: waiting.spec). */
import {
  ALL,
  NOT_LIVE_CHAT,
  abandoned,
  activeOn,
  agentDisconnect,
  agentDisconnected,
  agentReconnect,
  agentReconnected,
  at,
  closeSession,
  closed,
  customerDisconnect,
  customerEnd,
  customerLeft,
  customerReconnect,
  customerReconnected,
  end,
  ended,
  except,
  given,
  held,
  later,
  openOn,
  pick,
  picked,
  release,
  released,
  resolve,
  returnedToQueue,
  timer,
} from '../testing';

const leaving = [
  ['ends the chat', customerEnd, 'ended'],
  ['disconnects', customerDisconnect, 'disconnected'],
] as const;

describe('T1 open → active: an agent picks the conversation', () => {
  it.each(ALL)('%s', (channel) => {
    given(...openOn(channel))
      .when(pick('a1'))
      .then([picked('a1'), held('a1', 2)])
      .andStatus('active')
      .andState({ primaryAgentId: 'a1', accepted: true, capacityHolder: 'a1' })
      .andFree('a1', 2);
  });
});

describe('T3 open → closed: the customer abandons a live chat before any agent is assigned', () => {
  it.each(leaving)('live_chat: the customer %s', (_, command, how) => {
    given(...openOn('live_chat'))
      .when(command())
      .then([abandoned(how)])
      .andStatus('closed');
  });

  describe.each(leaving)('elsewhere the customer %s without a status change', (_, command, how) => {
    it.each(NOT_LIVE_CHAT)('%s', (channel) => {
      given(...openOn(channel))
        .when(command())
        .then([customerLeft(how)])
        .andStatus('open');
    });
  });
});

describe('T4 active → wrap_up: the agent selects End', () => {
  it.each(ALL)('%s', (channel) => {
    given(...activeOn(channel))
      .when(end('a1'))
      .then([ended('a1', 'agent'), held('a1', 2, 'wrap_up')])
      .andStatus('wrap_up')
      .andFree('a1', 2);
  });
});

describe('T5 / T6 active → wrap_up: the customer ends the live chat or their connection drops', () => {
  it('T5 live_chat: the customer selects End', () => {
    given(...activeOn('live_chat'))
      .when(customerEnd())
      .then([ended('a1', 'customer'), held('a1', 2, 'wrap_up')])
      .andStatus('wrap_up');
  });

  it('T6 live_chat: the connection drops', () => {
    given(...activeOn('live_chat'))
      .when(customerDisconnect())
      .then([ended('a1', 'customer_disconnected'), held('a1', 2, 'wrap_up')])
      .andStatus('wrap_up');
  });

  it('a live-chat customer reconnecting after T6 is recorded; wrap-up goes on', () => {
    given(...activeOn('live_chat'), ended('a1', 'customer_disconnected'), held('a1', 2, 'wrap_up'))
      .when(customerReconnect())
      .then([customerReconnected()])
      .andStatus('wrap_up');
  });

  describe.each(leaving)('elsewhere the customer %s and the conversation stays active', (_, command, how) => {
    it.each(NOT_LIVE_CHAT)('%s', (channel) => {
      given(...activeOn(channel))
        .when(command())
        .then([customerLeft(how)])
        .andStatus('active')
        .andFree('a1', 2);
    });
  });
});

describe('T7 active → open: the agent does not reconnect within the disconnect timeout (60 s)', () => {
  it.each(ALL)('%s: the disconnect is recorded', (channel) => {
    given(...activeOn(channel))
      .when(agentDisconnect('a1'))
      .then([agentDisconnected('a1')])
      .andStatus('active');
  });

  it.each(ALL)('%s: a second disconnect decides nothing', (channel) => {
    given(...activeOn(channel), agentDisconnected('a1'))
      .when(agentDisconnect('a1'))
      .thenNothing();
  });

  it.each(ALL)('%s: the timeout returns it to the queue', (channel) => {
    given(...activeOn(channel), ...at(later(10), agentDisconnected('a1')))
      .when(timer('expireAgentDisconnect', later(70)), { now: later(70) })
      .then([returnedToQueue('a1', 'agent_disconnect_timeout'), released('a1', 2, 'agent_disconnect_timeout')])
      .andStatus('open')
      .andNo('primaryAgentId', 'capacityHolder', 'agentDisconnectedAt')
      .andFree('a1', 4);
  });

  it.each(ALL)('%s: reconnecting in time is recorded (and cancels the timeout, see timers.spec)', (channel) => {
    given(...activeOn(channel), agentDisconnected('a1'))
      .when(agentReconnect('a1'))
      .then([agentReconnected('a1')])
      .andStatus('active')
      .andNo('agentDisconnectedAt');
  });

  it('a reconnect without a disconnect decides nothing', () => {
    given(...activeOn('sms'))
      .when(agentReconnect('a1'))
      .thenNothing();
  });

  it('another agent cannot report the disconnect (403)', () => {
    given(...activeOn('sms'))
      .when(agentDisconnect('a2'))
      .thenThrows('forbidden');
  });
});

describe('T8 active → open: the agent releases the conversation to the queue', () => {
  it.each(ALL)('%s', (channel) => {
    given(...activeOn(channel))
      .when(release('a1'))
      .then([returnedToQueue('a1', 'released'), released('a1', 2, 'released')])
      .andStatus('open')
      .andState({ queueId: 'q1', accepted: false })
      .andNo('primaryAgentId', 'lastPrimaryAgentId')
      .andFree('a1', 4);
  });
});

describe('T10 active → open: the agent closes the session of a live chat', () => {
  it('live_chat', () => {
    given(...activeOn('live_chat'))
      .when(closeSession('a1'))
      .then([returnedToQueue('a1', 'session_closed'), released('a1', 2, 'session_closed')])
      .andStatus('open')
      .andFree('a1', 4);
  });
});

describe('close-session on an active voice call or record is refused: it is ended (or resolved), not parked', () => {
  it.each(['voice', 'record'] as const)('%s', (channel) => {
    given(...activeOn(channel))
      .when(closeSession('a1'))
      .thenThrows('not_allowed', 'active');
  });
});

describe('T12 active → closed: the agent resolves a record', () => {
  it('record', () => {
    given(...activeOn('record'))
      .when(resolve('a1'))
      .then([closed('resolved', 'a1'), released('a1', 2, 'closed')])
      .andStatus('closed')
      .andState({ closedAt: later(60) })
      .andFree('a1', 4);
  });

  it.each(except('record'))('never for %s (409)', (channel) => {
    given(...activeOn(channel))
      .when(resolve('a1'))
      .thenThrows('not_allowed', 'active');
  });
});
