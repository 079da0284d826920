/** The waiting status of asynchronous channels: T11 in, T15–T17 out. */
import {
  ASYNC,
  HOUR,
  activeOn,
  agentMessage,
  agentWrote,
  historyIn,
  busyWith,
  closeSession,
  closed,
  configured,
  customerMessage,
  customerReturned,
  customerWrote,
  given,
  held,
  later,
  parked,
  presence,
  released,
  resume,
  resumed,
  returnedToQueue,
  timer,
  waitingOn,
} from '../testing';

describe('T11 active → waiting: the agent closes the session without selecting End', () => {
  it.each(ASYNC)('%s: parked, capacity released, still the agent’s work item', (channel) => {
    given(...activeOn(channel))
      .when(closeSession('a1'))
      .then([parked('a1'), released('a1', 2, 'parked')])
      .andStatus('waiting')
      .andState({ primaryAgentId: 'a1' })
      .andNo('capacityHolder')
      .andFree('a1', 4);
  });

  it('never for live_chat: its session close is T10', () => {
    given(...activeOn('live_chat'))
      .when(closeSession('a1'))
      .then([returnedToQueue('a1', 'session_closed'), released('a1', 2, 'session_closed')])
      .andStatus('open');
  });

  it.each(['voice', 'record'] as const)('never for %s (409)', (channel) => {
    given(...activeOn(channel))
      .when(closeSession('a1'))
      .thenThrows('not_allowed', 'active');
  });

  it('by another agent: 403', () => {
    given(...activeOn('sms'))
      .when(closeSession('a2'))
      .thenThrows('forbidden');
  });
});

describe('T15 waiting → closed: nobody is active within the inactivity timeout (1 h)', () => {
  it.each(ASYNC)('%s', (channel) => {
    given(...waitingOn(channel))
      .when(timer('expireWaiting', later(HOUR)), { now: later(HOUR) })
      .then([closed('inactivity_timeout')])
      .andStatus('closed');
  });

  it('an agent message while waiting restarts the timeout', () => {
    given(...waitingOn('sms'))
      .when(agentMessage('a1', 'still there?'))
      .then([agentWrote('a1', 'still there?')])
      .andStatus('waiting')
      .andState({ lastActivityAt: later(60) });
  });
});

describe('T16 waiting → active: the agent resumes it from their own work items', () => {
  it.each(ASYNC)('%s', (channel) => {
    given(...waitingOn(channel))
      .when(resume('a1'))
      .then([resumed('a1'), held('a1', 2)])
      .andStatus('active')
      .andState({ primaryAgentId: 'a1', accepted: true, capacityHolder: 'a1' })
      .andFree('a1', 2);
  });

  it('another agent: 403', () => {
    given(...waitingOn('sms'))
      .when(resume('a2'))
      .thenThrows('forbidden');
  });

  it('the agent is offline: 409', () => {
    given(...waitingOn('sms'), presence('a1', 'offline'))
      .when(resume('a1'))
      .thenThrows('not_allowed', 'waiting');
  });

  it('the agent has no room: 409', () => {
    given(...waitingOn('sms'), busyWith('a1', 3))
      .when(resume('a1'))
      .thenThrows('not_allowed', 'waiting');
  });

  it('the agent has exactly the room', () => {
    given(...waitingOn('sms'), busyWith('a1', 2))
      .when(resume('a1'))
      .then([resumed('a1'), held('a1', 2)])
      .andFree('a1', 0);
  });

  it('the agent lowered to fewer units than it needs: 409', () => {
    given(...waitingOn('sms'), configured('a1', 1))
      .when(resume('a1'))
      .thenThrows('not_allowed', 'waiting');
  });
});

describe('T17 waiting → open: the customer writes again within the timeout', () => {
  it.each(ASYNC)('%s: back in its queue, routed to its last agent', (channel) => {
    given(...waitingOn(channel))
      .when(customerMessage('I am back'))
      .then([customerReturned('a1'), customerWrote('I am back')])
      .andStatus('open')
      .andState({ queueId: 'q1', lastPrimaryAgentId: 'a1', accepted: false })
      .andNo('primaryAgentId', 'capacityHolder');
  });

  it.each(['open', 'active', 'wrap_up'] as const)('in %s a customer message is only recorded', (status) => {
    given(...historyIn(status, 'sms'))
      .when(customerMessage('hello?'))
      .then([customerWrote('hello?')])
      .andStatus(status);
  });
});
