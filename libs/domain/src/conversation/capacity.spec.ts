/** Capacity is never above total, never negative, and never counted twice for one conversation. */
import { usedUnits } from '../agent/capacity';
import {
  activeOn,
  assign,
  assigned,
  closed,
  available,
  busyWith,
  configured,
  end,
  ended,
  given,
  held,
  openOn,
  pick,
  picked,
  presence,
  released,
  requested,
  team,
  wrapUpOn,
} from '../testing';

describe('no agent is ever assigned beyond their capacity', () => {
  describe.each([
    ['T1 pick', pick, picked],
    ['T2 assign', assign, assigned],
  ] as const)('%s', (_, command, decided) => {
    it('refused (409) when free units are fewer than the units needed', () => {
      given(...openOn('sms'), busyWith('a1', 3))
        .when(command('a1'))
        .thenThrows('not_allowed', 'open');
    });

    it('allowed with exactly the free units, leaving 0 free', () => {
      given(...openOn('sms'), busyWith('a1', 2))
        .when(command('a1'))
        .then([decided('a1'), held('a1', 2)])
        .andFree('a1', 0);
    });

    it('a wrap-up block counts as used', () => {
      given(...team, requested('sms', { capacityUnits: 3 }), busyWith('a1', 2))
        .when(command('a1'))
        .thenThrows('not_allowed', 'open');
    });

    it('refused (409) when the agent is offline', () => {
      given(...openOn('sms'), presence('a1', 'offline'))
        .when(command('a1'))
        .thenThrows('not_allowed', 'open');
    });
  });

  it('a conversation needing more units than the agent has at all', () => {
    given(...available('a3', 1), requested('voice'))
      .when(pick('a3'))
      .thenThrows('not_allowed', 'open');
  });
});

describe('never negative', () => {
  it('an agent lowered below what is in use has 0 free, not less', () => {
    given(...activeOn('sms'), configured('a1', 1))
      .when(end('a1'))
      .then([ended('a1'), held('a1', 2, 'wrap_up')])
      .andFree('a1', 0);
  });

  it('and gets nothing new', () => {
    given(...openOn('sms'), busyWith('a1', 4), configured('a1', 1))
      .when(pick('a1'))
      .thenThrows('not_allowed', 'open');
  });

  it('a conversation that holds nothing releases nothing', () => {
    given(...wrapUpOn('sms'), released('a1', 2, 'closed'))
      .when(end('a1'))
      .then([closed('wrap_up_completed', 'a1')]);
  });
});

describe('never counted twice for one conversation', () => {
  it('the wrap-up hold replaces the active hold', () => {
    const outcome = given(...activeOn('sms'))
      .when(end('a1'))
      .then([ended('a1'), held('a1', 2, 'wrap_up')]);
    expect(outcome.agent('a1').holds).toEqual({ c1: { conversationId: 'c1', units: 2, reason: 'wrap_up' } });
    expect(usedUnits(outcome.agent('a1'))).toBe(2);
  });

  it('a repeated hold of the same conversation still counts once', () => {
    given(...activeOn('sms'), held('a1', 2))
      .when(end('a1'))
      .then([ended('a1'), held('a1', 2, 'wrap_up')])
      .andFree('a1', 2);
  });
});
