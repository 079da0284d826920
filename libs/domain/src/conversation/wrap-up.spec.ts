/** T14 and the workstream's wrap-up capacity block: always, never, or a number of minutes. */
import {
  ALL,
  NOW,
  WorkstreamOverrides,
  activeOn,
  at,
  closeSession,
  closed,
  customerDisconnect,
  customerEnd,
  end,
  ended,
  given,
  held,
  later,
  MIN,
  released,
  stateAfter,
  timer,
  wrapUpBlockExpired,
  wrapUpOn,
} from '../testing';
import { deadlines } from './timers';

const endings = [
  ['T4 the agent ends', 'sms', () => end('a1'), 'agent'],
  ['T5 the customer ends', 'live_chat', customerEnd, 'customer'],
  ['T6 the customer disconnects', 'live_chat', customerDisconnect, 'customer_disconnected'],
] as const;

describe('T14 wrap_up → closed: the agent selects End or closes the session after wrap-up', () => {
  describe.each([
    ['End', end],
    ['close-session', closeSession],
  ] as const)('%s', (_, command) => {
    it.each(ALL)('%s', (channel) => {
      given(...wrapUpOn(channel))
        .when(command('a1'))
        .then([closed('wrap_up_completed', 'a1'), released('a1', 2, 'closed')])
        .andStatus('closed')
        .andState({ closedAt: NOW })
        .andFree('a1', 4);
    });

    it('by another agent: 403', () => {
      given(...wrapUpOn('sms'))
        .when(command('a2'))
        .thenThrows('forbidden');
    });
  });
});

describe('wrap-up block `always`: the units stay held, now for wrap-up', () => {
  it.each(endings)('%s', (_, channel, command, endedBy) => {
    given(...activeOn(channel, { wrapUpCapacityBlock: 'always' }))
      .when(command())
      .then([ended('a1', endedBy), held('a1', 2, 'wrap_up')])
      .andStatus('wrap_up')
      .andState({ capacityHolder: 'a1' })
      .andFree('a1', 2);
  });

  it('no timer ends the block', () => {
    expect(deadlines(stateAfter(...wrapUpOn('sms'))).map((d) => d.kind)).toEqual(['autoClose']);
  });
});

describe('wrap-up block `never`: released the moment it moves to wrap_up', () => {
  const never: WorkstreamOverrides = { wrapUpCapacityBlock: 'never' };

  it.each(endings)('%s', (_, channel, command, endedBy) => {
    given(...activeOn(channel, never))
      .when(command())
      .then([ended('a1', endedBy), released('a1', 2, 'wrap_up_not_blocking')])
      .andStatus('wrap_up')
      .andNo('capacityHolder')
      .andFree('a1', 4);
  });

  it.each(ALL)('T4 on %s', (channel) => {
    given(...activeOn(channel, never))
      .when(end('a1'))
      .then([ended('a1'), released('a1', 2, 'wrap_up_not_blocking')])
      .andFree('a1', 4);
  });

  it('T14 then releases nothing', () => {
    given(...activeOn('sms', never), ended('a1'), released('a1', 2, 'wrap_up_not_blocking'))
      .when(end('a1'))
      .then([closed('wrap_up_completed', 'a1')])
      .andStatus('closed');
  });
});

describe('wrap-up block of 5 minutes: held until then, or until it closes', () => {
  const fiveMinutes: WorkstreamOverrides = { wrapUpCapacityBlock: { minutes: 5 } };
  const wrappingUp = [...activeOn('sms', fiveMinutes), ended('a1'), held('a1', 2, 'wrap_up', later(5 * MIN))];

  it.each(endings)('%s: held with `until` = now + 5 min', (_, channel, command, endedBy) => {
    given(...activeOn(channel, fiveMinutes))
      .when(command())
      .then([ended('a1', endedBy), held('a1', 2, 'wrap_up', later(6 * MIN))])
      .andStatus('wrap_up')
      .andFree('a1', 2);
  });

  it('with 60 minutes', () => {
    given(...activeOn('voice', { wrapUpCapacityBlock: { minutes: 60 } }))
      .when(end('a1'))
      .then([ended('a1'), held('a1', 2, 'wrap_up', later(61 * MIN))]);
  });

  it('deadlines derive expireWrapUpBlock at `until`', () => {
    expect(deadlines(stateAfter(...wrappingUp))).toContainEqual({ kind: 'expireWrapUpBlock', dueAt: later(5 * MIN) });
  });

  it('when due the units are freed; wrap-up goes on', () => {
    given(...wrappingUp)
      .when(timer('expireWrapUpBlock', later(5 * MIN)), { now: later(5 * MIN) })
      .then([wrapUpBlockExpired('a1'), released('a1', 2, 'wrap_up_block_expired')])
      .andStatus('wrap_up')
      .andNo('capacityHolder')
      .andFree('a1', 4);
  });

  it('closing before then releases the hold (T14)', () => {
    given(...wrappingUp)
      .when(closeSession('a1'), { now: later(2 * MIN) })
      .then([closed('wrap_up_completed', 'a1'), released('a1', 2, 'closed')])
      .andFree('a1', 4);
  });

  it('closing after the block ran out releases nothing more', () => {
    given(...wrappingUp, ...at(later(5 * MIN), wrapUpBlockExpired('a1'), released('a1', 2, 'wrap_up_block_expired')))
      .when(end('a1'), { now: later(7 * MIN) })
      .then([closed('wrap_up_completed', 'a1')])
      .andFree('a1', 4);
  });
});
