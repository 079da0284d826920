/** X1–X3: the original agent's capacity is released immediately in every case. */
import {
  ALL,
  activeOn,
  busyWith,
  configured,
  end,
  ended,
  given,
  held,
  released,
  transferToAgent,
  transferToExternal,
  transferToQueue,
  transferredToAgent,
  transferredToExternal,
  transferredToQueue,
} from '../testing';
import { transferTarget } from './commands';

describe('X1 to an external number: stays active, the number becomes primary', () => {
  it.each(ALL)('%s', (channel) => {
    given(...activeOn(channel))
      .when(transferToExternal('a1', '+4512345678'))
      .then([transferredToExternal('a1', '+4512345678'), released('a1', 2, 'transferred')])
      .andStatus('active')
      .andState({ primaryExternalNumber: '+4512345678', accepted: true })
      .andNo('primaryAgentId', 'capacityHolder')
      .andFree('a1', 4);
  });

  it('the original agent no longer owns it: 403', () => {
    given(...activeOn('voice'), transferredToExternal('a1', '+4512345678'), released('a1', 2, 'transferred'))
      .when(end('a1'))
      .thenThrows('forbidden');
  });
});

describe('X2 to another agent: stays active, the other agent becomes primary and their capacity is consumed', () => {
  it.each(ALL)('%s', (channel) => {
    given(...activeOn(channel))
      .when(transferToAgent('a1', 'a2'))
      .then([transferredToAgent('a1', 'a2', 2), released('a1', 2, 'transferred'), held('a2', 2)])
      .andStatus('active')
      .andState({ primaryAgentId: 'a2', accepted: true, capacityHolder: 'a2' })
      .andFree('a1', 4)
      .andFree('a2', 2);
  });

  it('the new primary agent can end it at once (a transfer is accepted)', () => {
    given(...activeOn('sms'), transferredToAgent('a1', 'a2'), released('a1', 2, 'transferred'), held('a2', 2))
      .when(end('a2'))
      .then([ended('a2'), held('a2', 2, 'wrap_up')])
      .andStatus('wrap_up');
  });

  it('refused when the target has too little room (409)', () => {
    given(...activeOn('voice'), busyWith('a2', 3))
      .when(transferToAgent('a1', 'a2'))
      .thenThrows('not_allowed', 'active');
  });

  it('accepted when the target has exactly the room', () => {
    given(...activeOn('voice'), busyWith('a2', 2))
      .when(transferToAgent('a1', 'a2'))
      .then([transferredToAgent('a1', 'a2', 2), released('a1', 2, 'transferred'), held('a2', 2)])
      .andFree('a2', 0);
  });

  it('refused when the target is offline (409)', () => {
    given(...activeOn('voice'), configured('a3'))
      .when(transferToAgent('a1', 'a3'))
      .thenThrows('not_allowed', 'active');
  });

  it('an unknown target: not_found', () => {
    given(...activeOn('voice'))
      .when(transferToAgent('a1', 'a9'))
      .thenThrows('not_found');
  });

  it('to the primary agent itself: 409', () => {
    given(...activeOn('voice'))
      .when(transferToAgent('a1', 'a1'))
      .thenThrows('not_allowed', 'active');
  });

  it('with 3 units, 3 are released and 3 consumed', () => {
    given(...activeOn('teams', { capacityUnits: 3 }))
      .when(transferToAgent('a1', 'a2'))
      .then([transferredToAgent('a1', 'a2', 3), released('a1', 3, 'transferred'), held('a2', 3)])
      .andFree('a1', 4)
      .andFree('a2', 1);
  });
});

describe('X3 (T9) to another queue: open in the new queue', () => {
  it.each(ALL)('%s', (channel) => {
    given(...activeOn(channel))
      .when(transferToQueue('a1', 'q2'))
      .then([transferredToQueue('a1', 'q1', 'q2'), released('a1', 2, 'transferred')])
      .andStatus('open')
      .andState({ queueId: 'q2', accepted: false })
      .andNo('primaryAgentId', 'capacityHolder', 'lastPrimaryAgentId')
      .andFree('a1', 4);
  });

  it('an unknown queue: not_found', () => {
    given(...activeOn('sms'))
      .when(transferToQueue('a1', 'q9'))
      .thenThrows('not_found');
  });
});

describe('only the primary agent transfers (403)', () => {
  it.each([
    ['to a queue', transferToQueue('a2', 'q2')],
    ['to an agent', transferToAgent('a2', 'a2')],
    ['to a number', transferToExternal('a2', '+4512345678')],
  ] as const)('%s', (_, command) => {
    given(...activeOn('sms'))
      .when(command)
      .thenThrows('forbidden');
  });
});

describe('choosing the target: exactly one of the three fields', () => {
  it.each([
    [{ toQueueId: 'q2' }, { toQueueId: 'q2' }],
    [{ toAgentId: 'a2', toQueueId: undefined }, { toAgentId: 'a2' }],
    [{ toExternalNumber: '+45' }, { toExternalNumber: '+45' }],
  ])('%j names %j', (fields, target) => {
    expect(transferTarget(fields)).toEqual(target);
  });

  it.each([{}, { toQueueId: 'q2', toAgentId: 'a2' }, { toQueueId: 'q2', toAgentId: 'a2', toExternalNumber: '+45' }])(
    '%j names none',
    (fields) => {
      expect(transferTarget(fields)).toBeUndefined();
    },
  );
});
