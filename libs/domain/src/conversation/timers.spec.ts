/** Timers: each deadline is derived from state; it decides only when it is still current and due. */
import { Channel } from '../channel/channel';
import { addSeconds } from '../shared/time';
import { TimerKind } from './commands';
import { Deadline, deadlines } from './timers';
import { StatusReason } from './state';
import {
  ASYNC,
  DAY,
  Fact,
  HOUR,
  MIN,
  accepted,
  activeOn,
  agentDisconnected,
  agentReconnected,
  agentWrote,
  assignmentRejected,
  at,
  closed,
  ended,
  given,
  held,
  historyIn,
  later,
  offeredOn,
  openOn,
  released,
  returnedToQueue,
  stateAfter,
  timer,
  waitingOn,
  wrapUpBlockExpired,
  wrapUpOn,
} from '../testing';

const sorted = (ds: Deadline[]) => [...ds].sort((a, b) => a.kind.localeCompare(b.kind));
const deadlinesAfter = (...facts: Fact[]) => sorted(deadlines(stateAfter(...facts)));
const autoClose = (seconds: number): Deadline[] => [{ kind: 'autoClose', dueAt: later(seconds) }];

describe('auto-close defaults per channel and status (from when the status began)', () => {
  const table: [Channel, StatusReason, Deadline[]][] = [
    ['live_chat', 'open', autoClose(20 * MIN)],
    ['live_chat', 'active', []],
    ['live_chat', 'wrap_up', autoClose(15 * MIN)],
    ['voice', 'open', autoClose(30 * DAY)],
    ['voice', 'active', autoClose(2 * HOUR)],
    ['voice', 'wrap_up', autoClose(DAY)],
    ...ASYNC.flatMap((channel): [Channel, StatusReason, Deadline[]][] => [
      [channel, 'open', autoClose(30 * DAY)],
      [channel, 'active', []],
      [channel, 'wrap_up', autoClose(DAY)],
      [channel, 'waiting', [{ kind: 'expireWaiting', dueAt: later(HOUR) }]],
    ]),
    ['record', 'open', []],
    ['record', 'active', []],
    ['record', 'wrap_up', []],
  ];
  it.each(table)('%s %s', (channel, status, expected) => {
    expect(deadlinesAfter(...historyIn(status, channel))).toEqual(expected);
  });

  it('a workstream override replaces a default', () => {
    expect(deadlinesAfter(...openOn('live_chat', { autoCloseSeconds: { open: 10 * MIN } }))).toEqual(
      autoClose(10 * MIN),
    );
  });

  it('null switches a default off', () => {
    expect(deadlinesAfter(...openOn('live_chat', { autoCloseSeconds: { open: null } }))).toEqual([]);
  });
});

describe('the other deadlines', () => {
  it('offer: offerTimeoutSeconds after the assignment', () => {
    expect(deadlinesAfter(...offeredOn('sms'))).toEqual([{ kind: 'expireOffer', dueAt: later(30) }]);
  });

  it('agent disconnect: agentDisconnectTimeoutSeconds after the disconnect', () => {
    expect(deadlinesAfter(...activeOn('sms'), ...at(later(10), agentDisconnected('a1')))).toEqual([
      { kind: 'expireAgentDisconnect', dueAt: later(70) },
    ]);
  });

  it('waiting: waitingInactivityTimeoutSeconds after the last activity', () => {
    expect(deadlinesAfter(...waitingOn('sms'), ...at(later(10 * MIN), agentWrote('a1')))).toEqual([
      { kind: 'expireWaiting', dueAt: later(10 * MIN + HOUR) },
    ]);
  });
});

describe('a timer fires when due', () => {
  it('auto-close of an open live chat (20 min)', () => {
    given(...openOn('live_chat'))
      .when(timer('autoClose', later(20 * MIN)), { now: later(20 * MIN) })
      .then([closed('auto_closed')])
      .andStatus('closed');
  });

  it('auto-close of an active call (2 h) moves it to wrap_up', () => {
    given(...activeOn('voice'))
      .when(timer('autoClose', later(2 * HOUR)), { now: later(2 * HOUR) })
      .then([ended('a1', 'system'), held('a1', 2, 'wrap_up')])
      .andStatus('wrap_up');
  });

  it('auto-close of a wrap-up (1 day) releases the hold', () => {
    given(...wrapUpOn('sms'))
      .when(timer('autoClose', later(DAY)), { now: later(DAY + 5) })
      .then([closed('auto_closed'), released('a1', 2, 'auto_closed')])
      .andStatus('closed')
      .andFree('a1', 4);
  });

  it('offer timeout: back to open, capacity released', () => {
    given(...offeredOn('teams'))
      .when(timer('expireOffer', later(30)), { now: later(30) })
      .then([assignmentRejected('a1', 'offer_timeout'), released('a1', 2, 'offer_timeout')])
      .andStatus('open')
      .andFree('a1', 4);
  });
});

describe('a timer not yet due decides nothing', () => {
  const cases: [TimerKind, string, Fact[]][] = [
    ['autoClose', later(20 * MIN), openOn('live_chat')],
    ['expireOffer', later(30), offeredOn('sms')],
    ['expireAgentDisconnect', later(60), [...activeOn('sms'), agentDisconnected('a1')]],
    ['expireWaiting', later(HOUR), waitingOn('sms')],
    [
      'expireWrapUpBlock',
      later(5 * MIN),
      [
        ...activeOn('sms', { wrapUpCapacityBlock: { minutes: 5 } }),
        ended('a1'),
        held('a1', 2, 'wrap_up', later(5 * MIN)),
      ],
    ],
  ];
  it.each(cases)('%s, one second early', (kind, dueAt, history) => {
    expect(deadlines(stateAfter(...history))).toContainEqual({ kind, dueAt });
    given(...history)
      .when(timer(kind, dueAt), { now: addSeconds(dueAt, -1) })
      .thenNothing();
  });
});

describe('a stale timer decides nothing', () => {
  it('agent disconnect cancelled by the reconnect', () => {
    given(...activeOn('sms'), ...at(later(10), agentDisconnected('a1')), ...at(later(20), agentReconnected('a1')))
      .when(timer('expireAgentDisconnect', later(70)), { now: later(70) })
      .thenNothing();
  });

  it('after a reconnect and a new disconnect only the new deadline fires', () => {
    const history = [
      ...activeOn('sms'),
      ...at(later(10), agentDisconnected('a1')),
      ...at(later(20), agentReconnected('a1')),
      ...at(later(30), agentDisconnected('a1')),
    ];
    given(...history)
      .when(timer('expireAgentDisconnect', later(70)), { now: later(90) })
      .thenNothing();
    given(...history)
      .when(timer('expireAgentDisconnect', later(90)), { now: later(90) })
      .then([returnedToQueue('a1', 'agent_disconnect_timeout'), released('a1', 2, 'agent_disconnect_timeout')]);
  });

  it('waiting inactivity cancelled by activity', () => {
    given(...waitingOn('sms'), ...at(later(10 * MIN), agentWrote('a1')))
      .when(timer('expireWaiting', later(HOUR)), { now: later(HOUR) })
      .thenNothing();
  });

  it('offer cancelled by the accept', () => {
    given(...offeredOn('sms'), ...at(later(10), accepted('a1')))
      .when(timer('expireOffer', later(30)), { now: later(30) })
      .thenNothing();
  });

  it('offer already fired', () => {
    given(
      ...offeredOn('sms'),
      ...at(later(30), assignmentRejected('a1', 'offer_timeout'), released('a1', 2, 'offer_timeout')),
    )
      .when(timer('expireOffer', later(30)), { now: later(31) })
      .thenNothing();
  });

  it('wrap-up block already fired', () => {
    const block = { wrapUpCapacityBlock: { minutes: 5 } };
    given(
      ...activeOn('sms', block),
      ended('a1'),
      held('a1', 2, 'wrap_up', later(5 * MIN)),
      ...at(later(5 * MIN), wrapUpBlockExpired('a1'), released('a1', 2, 'wrap_up_block_expired')),
    )
      .when(timer('expireWrapUpBlock', later(5 * MIN)), { now: later(6 * MIN) })
      .thenNothing();
  });

  it('auto-close of the active call already fired (now in wrap_up)', () => {
    given(...activeOn('voice'), ...at(later(2 * HOUR), ended('a1', 'system'), held('a1', 2, 'wrap_up')))
      .when(timer('autoClose', later(2 * HOUR)), { now: later(2 * HOUR) })
      .thenNothing();
  });

  it('a deadline the conversation does not have', () => {
    given(...openOn('live_chat'))
      .when(timer('autoClose', later(10 * MIN)), { now: later(20 * MIN) })
      .thenNothing();
  });

  it('a timer of a kind the status does not derive', () => {
    given(...wrapUpOn('sms'))
      .when(timer('expireWrapUpBlock', later(0)), { now: later(DAY) })
      .thenNothing();
  });
});
