/** T2 and acceptance: a pushed conversation is active but not accepted until the agent accepts. T13 is the customer leaving meanwhile. */
import {
  ALL,
  NOT_LIVE_CHAT,
  abandoned,
  accept,
  accepted,
  activeOn,
  assign,
  assigned,
  assignmentRejected,
  available,
  closeSession,
  configured,
  customerDisconnect,
  customerEnd,
  customerLeft,
  end,
  given,
  held,
  offeredOn,
  openOn,
  reject,
  released,
  requested,
  resolve,
  team,
  transferToAgent,
  transferToExternal,
  transferToQueue,
} from '../testing';

describe('T2 open → active: work distribution assigns the conversation', () => {
  it.each(ALL)('%s: active, holding capacity, not accepted', (channel) => {
    given(...openOn(channel))
      .when(assign('a1'))
      .then([assigned('a1'), held('a1', 2)])
      .andStatus('active')
      .andState({ primaryAgentId: 'a1', accepted: false, capacityHolder: 'a1' })
      .andFree('a1', 2);
  });

  it('unknown agent: not_found', () => {
    given(...openOn('sms'))
      .when(assign('a9'))
      .thenThrows('not_found');
  });

  it('an agent outside the queue: forbidden', () => {
    given(...openOn('sms'), configured('a3', 4, ['q2']))
      .when(assign('a3'))
      .thenThrows('forbidden');
  });

  it('an agent with too little room for a 5-unit conversation: 409', () => {
    given(...available('a3', 4), requested('sms', { capacityUnits: 5 }))
      .when(assign('a3'))
      .thenThrows('not_allowed', 'open');
  });

  it('an offline agent: 409', () => {
    given(...openOn('sms'), configured('a3'))
      .when(assign('a3'))
      .thenThrows('not_allowed', 'open');
  });
});

describe('accept', () => {
  it.each(ALL)('%s: the agent accepts the offer', (channel) => {
    given(...offeredOn(channel))
      .when(accept('a1'))
      .then([accepted('a1')])
      .andStatus('active')
      .andState({ accepted: true })
      .andFree('a1', 2);
  });

  it('twice: 409', () => {
    given(...offeredOn('sms'), accepted('a1'))
      .when(accept('a1'))
      .thenThrows('not_allowed', 'active');
  });

  it('a pick is accepted at once: 409', () => {
    given(...activeOn('sms'))
      .when(accept('a1'))
      .thenThrows('not_allowed', 'active');
  });

  it('by another agent: 403', () => {
    given(...offeredOn('sms'))
      .when(accept('a2'))
      .thenThrows('forbidden');
  });
});

describe('reject: back to open, capacity released', () => {
  it.each(ALL)('%s', (channel) => {
    given(...offeredOn(channel))
      .when(reject('a1'))
      .then([assignmentRejected('a1', 'rejected'), released('a1', 2, 'rejected')])
      .andStatus('open')
      .andState({ accepted: false, queueId: 'q1' })
      .andNo('primaryAgentId', 'capacityHolder')
      .andFree('a1', 4);
  });

  it('after accepting: 409', () => {
    given(...offeredOn('sms'), accepted('a1'))
      .when(reject('a1'))
      .thenThrows('not_allowed', 'active');
  });

  it('by another agent: 403', () => {
    given(...offeredOn('sms'))
      .when(reject('a2'))
      .thenThrows('forbidden');
  });
});

describe('before accepting, the agent cannot work the conversation (409)', () => {
  const commands = [
    ['end', end('a1')],
    ['close-session', closeSession('a1')],
    ['transfer to a queue', transferToQueue('a1', 'q2')],
    ['transfer to an agent', transferToAgent('a1', 'a2')],
    ['transfer to a number', transferToExternal('a1', '+4512345678')],
  ] as const;
  describe.each(commands)('%s', (_, command) => {
    it.each(ALL)('%s', (channel) => {
      given(...offeredOn(channel))
        .when(command)
        .thenThrows('not_allowed', 'active');
    });
  });

  it('resolve a record', () => {
    given(...offeredOn('record'))
      .when(resolve('a1'))
      .thenThrows('not_allowed', 'active');
  });
});

describe('T13 active → closed: the customer abandons a live chat before the agent accepts', () => {
  it('live_chat: the customer ends the chat', () => {
    given(...offeredOn('live_chat'))
      .when(customerEnd())
      .then([abandoned('ended', 'a1'), released('a1', 2, 'abandoned')])
      .andStatus('closed')
      .andFree('a1', 4);
  });

  it('live_chat: the customer disconnects', () => {
    given(...offeredOn('live_chat'))
      .when(customerDisconnect())
      .then([abandoned('disconnected', 'a1'), released('a1', 2, 'abandoned')])
      .andStatus('closed')
      .andFree('a1', 4);
  });

  it('live_chat with 3 units: the units held are the ones released', () => {
    given(...team, requested('live_chat', { capacityUnits: 3 }), assigned('a1', 3), held('a1', 3))
      .when(customerEnd())
      .then([abandoned('ended', 'a1'), released('a1', 3, 'abandoned')]);
  });

  it.each(NOT_LIVE_CHAT)('never for %s: recorded, the offer stands', (channel) => {
    given(...offeredOn(channel))
      .when(customerEnd())
      .then([customerLeft('ended')])
      .andStatus('active')
      .andState({ accepted: false })
      .andFree('a1', 2);
  });
});
