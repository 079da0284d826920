/** Anything the table does not list is refused with 409 naming the status reason; another agent's conversation is 403. */
import { ConversationCommand } from './commands';
import { StatusReason } from './state';
import {
  accept,
  agentDisconnect,
  agentMessage,
  assign,
  closeSession,
  end,
  given,
  historyIn,
  offeredOn,
  pick,
  reject,
  release,
  resolve,
  resume,
  transferToAgent,
  transferToExternal,
  transferToQueue,
  wrapUpOn,
  waitingOn,
  activeOn,
  customerMessage,
} from '../testing';

/** Each command of agent a1 (the primary agent wherever there is one) and the statuses it is allowed in. */
const allowedIn: [string, ConversationCommand, StatusReason[]][] = [
  ['T1 pick', pick('a1'), ['open']],
  ['T1 pick by another agent', pick('a2'), ['open']],
  ['T2 assign', assign('a2'), ['open']],
  ['accept (only an offer)', accept('a1'), []],
  ['reject (only an offer)', reject('a1'), []],
  ['T4 end', end('a1'), ['active', 'wrap_up']],
  ['T10/T11 close-session', closeSession('a1'), ['active', 'wrap_up']],
  ['T8 release', release('a1'), ['active']],
  ['X3 transfer to a queue', transferToQueue('a1', 'q2'), ['active']],
  ['X2 transfer to an agent', transferToAgent('a1', 'a2'), ['active']],
  ['X1 transfer to a number', transferToExternal('a1', '+4512345678'), ['active']],
  ['T16 resume', resume('a1'), ['waiting']],
  ['agent message', agentMessage('a1'), ['active', 'waiting']],
  ['agent disconnect', agentDisconnect('a1'), ['active']],
];
const statuses: StatusReason[] = ['open', 'active', 'wrap_up', 'waiting'];
const refused = allowedIn.flatMap(([name, command, allowed]) =>
  statuses.filter((s) => !allowed.includes(s)).map((status) => [name, status, command] as const),
);

describe('a command from a status the table does not list: 409 naming the status (sms)', () => {
  it.each(refused)('%s from %s', (_, status, command) => {
    given(...historyIn(status, 'sms'))
      .when(command)
      .thenThrows('not_allowed', status);
  });

  it.each(['open', 'wrap_up'] as const)('T12 resolve a record from %s', (status) => {
    given(...historyIn(status, 'record'))
      .when(resolve('a1'))
      .thenThrows('not_allowed', status);
  });
});

describe("another agent's conversation: 403", () => {
  const a2 = [
    ['end', end('a2')],
    ['close-session', closeSession('a2')],
    ['release', release('a2')],
    ['transfer', transferToQueue('a2', 'q2')],
    ['agent message', agentMessage('a2')],
    ['agent disconnect', agentDisconnect('a2')],
  ] as const;
  it.each(a2)('%s (active)', (_, command) => {
    given(...activeOn('sms'))
      .when(command)
      .thenThrows('forbidden');
  });

  it.each([
    ['accept', accept('a2')],
    ['reject', reject('a2')],
  ] as const)('%s (offered to a1)', (_, command) => {
    given(...offeredOn('sms'))
      .when(command)
      .thenThrows('forbidden');
  });

  it.each([
    ['end', end('a2')],
    ['close-session', closeSession('a2')],
  ] as const)('%s (wrap_up)', (_, command) => {
    given(...wrapUpOn('sms'))
      .when(command)
      .thenThrows('forbidden');
  });

  it.each([
    ['resume', resume('a2')],
    ['agent message', agentMessage('a2')],
  ] as const)('%s (waiting)', (_, command) => {
    given(...waitingOn('sms'))
      .when(command)
      .thenThrows('forbidden');
  });

  it('resolve (active record)', () => {
    given(...activeOn('record'))
      .when(resolve('a2'))
      .thenThrows('forbidden');
  });
});

describe('an unknown conversation: not_found', () => {
  it.each([
    ['pick', pick('a1')],
    ['end', end('a1')],
    ['customer message', customerMessage()],
  ] as const)('%s', (_, command) => {
    given().when(command).thenThrows('not_found');
  });
});
