/** A deadline that has passed is decided first: the command that comes after it meets the state it left. */
import { overdueTimer } from './timers';
import {
  HOUR,
  MIN,
  activeOn,
  customerMessage,
  closeSession,
  offeredOn,
  accept,
  openOn,
  given,
  later,
  stateAfter,
  timer,
  waitingOn,
  closed,
  assignmentRejected,
  released,
} from '../testing';

describe('a command that meets a passed deadline', () => {
  it('is preceded by the timer of that deadline', () => {
    expect(overdueTimer(customerMessage(), stateAfter(...waitingOn('sms')), later(HOUR))).toEqual(
      timer('expireWaiting', later(HOUR)),
    );
  });

  it('then meets the state that timer left: T15 before T17, the customer finds it closed', () => {
    const history = waitingOn('sms');
    const due = overdueTimer(customerMessage(), stateAfter(...history), later(HOUR + 1))!;
    given(...history)
      .when(due, { now: later(HOUR + 1) })
      .then([closed('inactivity_timeout')])
      .andStatus('closed');
    given(...history, closed('inactivity_timeout'))
      .when(customerMessage(), { now: later(HOUR + 1) })
      .thenThrows('not_allowed');
  });

  it('an offer accepted after it expired: the offer went back to open first', () => {
    const history = offeredOn('sms');
    const due = overdueTimer(accept('a1'), stateAfter(...history), later(31));
    expect(due).toEqual(timer('expireOffer', later(30)));
    given(...history)
      .when(due!, { now: later(31) })
      .then([assignmentRejected('a1', 'offer_timeout'), released('a1', 2, 'offer_timeout')])
      .andStatus('open');
  });
});

describe('nothing is decided first', () => {
  it('before the deadline', () => {
    expect(overdueTimer(customerMessage(), stateAfter(...waitingOn('sms')), later(HOUR - 1))).toBeUndefined();
  });

  it('when the state has no deadline', () => {
    expect(overdueTimer(closeSession('a1'), stateAfter(...activeOn('sms')), later(100 * HOUR))).toBeUndefined();
  });

  it('for a conversation that does not exist yet', () => {
    expect(overdueTimer(customerMessage(), undefined, later(HOUR))).toBeUndefined();
  });

  it('for a timer: it is the deadline deciding, stale or not', () => {
    const open = stateAfter(...openOn('live_chat'));
    expect(overdueTimer(timer('autoClose', later(MIN)), open, later(HOUR))).toBeUndefined();
  });
});
