/** Closed is final: nothing can reactivate or reopen it, and every command is refused with 409 naming `closed`. */
import { ConversationCommand, ConversationCommandType } from './commands';
import {
  Fact,
  abandoned,
  accept,
  activeOn,
  agentDisconnect,
  agentMessage,
  agentReconnect,
  assign,
  closeSession,
  closed,
  closedOn,
  customerDisconnect,
  customerEnd,
  customerMessage,
  customerReconnect,
  end,
  later,
  given,
  openOn,
  pick,
  reject,
  release,
  released,
  request,
  resolve,
  resume,
  timer,
  transferToAgent,
  waitingOn,
  MIN,
  HOUR,
  supervisorAssign,
  supervisorTransfer,
  forceClose,
} from '../testing';

/** One of every command type: the Record makes the compiler check none is missing. */
const everyCommand: Record<ConversationCommandType, ConversationCommand> = {
  request: request('sms'),
  pick: pick('a1'),
  assign: assign('a1'),
  accept: accept('a1'),
  reject: reject('a1'),
  end: end('a1'),
  closeSession: closeSession('a1'),
  release: release('a1'),
  resume: resume('a1'),
  resolve: resolve('a1'),
  transfer: transferToAgent('a1', 'a2'),
  agentMessage: agentMessage('a1'),
  customerEnd: customerEnd(),
  customerDisconnect: customerDisconnect(),
  customerReconnect: customerReconnect(),
  customerMessage: customerMessage(),
  agentDisconnect: agentDisconnect('a1'),
  agentReconnect: agentReconnect('a1'),
  expireAgentDisconnect: timer('expireAgentDisconnect', later(MIN)),
  expireOffer: timer('expireOffer', later(MIN)),
  expireWaiting: timer('expireWaiting', later(HOUR)),
  expireWrapUpBlock: timer('expireWrapUpBlock', later(MIN)),
  autoClose: timer('autoClose', later(MIN)),
  supervisorAssign: supervisorAssign('a1', true),
  supervisorTransfer: supervisorTransfer({ toQueueId: 'q2' }),
  forceClose: forceClose(),
};

const closedBy: [string, Fact[]][] = [
  ['T3 abandoned live chat', [...openOn('live_chat'), abandoned('ended')]],
  ['T12 resolved record', [...activeOn('record'), closed('resolved', 'a1'), released('a1', 2, 'closed')]],
  ['T14 after wrap-up', closedOn('sms')],
  ['T15 inactivity', [...waitingOn('sms'), closed('inactivity_timeout')]],
];

describe.each(closedBy)('closed (%s)', (_, history) => {
  it.each(Object.entries(everyCommand))('%s: 409 closed', (_type, command) => {
    given(...history)
      .when(command, { now: later(2 * HOUR) })
      .thenThrows('not_allowed', 'closed');
  });
});
