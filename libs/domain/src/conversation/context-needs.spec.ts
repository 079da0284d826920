/** `contextNeeds` declares what `decideConversation` reads: given only that, every decision is the same. */
import { AgentEvent } from '../agent/events';
import { Channel } from '../channel/channel';
import { ConversationCommand } from './commands';
import { ConversationContext, contextNeeds, decideConversation } from './decide';
import { deadlines } from './timers';
import { StatusReason } from './state';
import {
  ALL,
  Fact,
  NOW,
  T0,
  MIN,
  accept,
  activeOn,
  agentDisconnect,
  agentDisconnected,
  agentMessage,
  agentReconnect,
  assign,
  closeSession,
  customerDisconnect,
  customerEnd,
  customerMessage,
  customerReconnect,
  end,
  ended,
  fold,
  held,
  later,
  historyIn,
  offeredOn,
  pick,
  reject,
  release,
  request,
  resolve,
  resume,
  stamp,
  timer,
  transferToAgent,
  transferToExternal,
  transferToQueue,
  workstreamFor,
  supervisorAssign,
  supervisorTransfer,
  forceClose,
  signOut,
} from '../testing';

const COMMANDS: ConversationCommand[] = [
  pick('a1'),
  assign('a2'),
  accept('a1'),
  reject('a1'),
  end('a1'),
  closeSession('a1'),
  release('a1'),
  resume('a1'),
  resolve('a1'),
  transferToQueue('a1', 'q2'),
  transferToAgent('a1', 'a2'),
  transferToExternal('a1', '+4512345678'),
  agentMessage('a1'),
  customerMessage(),
  customerEnd(),
  customerDisconnect(),
  customerReconnect(),
  agentDisconnect('a1'),
  agentReconnect('a1'),
  supervisorAssign('a2'),
  supervisorAssign('a2', true),
  supervisorTransfer({ toAgentId: 'a2' }),
  supervisorTransfer({ toQueueId: 'q2' }),
  forceClose(),
  signOut('a1'),
];

const STATUSES: StatusReason[] = ['open', 'active', 'wrap_up', 'waiting', 'closed'];
const HISTORIES: [string, Fact[]][] = [
  ...ALL.flatMap((channel) =>
    STATUSES.map((status): [string, Fact[]] => [`${status} ${channel}`, historyIn(status, channel)]),
  ),
  ...ALL.map((channel): [string, Fact[]] => [`offered ${channel}`, offeredOn(channel)]),
  ['agent disconnected', [...activeOn('sms'), agentDisconnected('a1')]],
  [
    'wrap-up blocking 5 minutes',
    [
      ...activeOn('sms', { wrapUpCapacityBlock: { minutes: 5 } }),
      ended('a1'),
      held('a1', 2, 'wrap_up', later(5 * MIN)),
    ],
  ],
];

/** What a decision comes to: its events, or the refusal. A timer is decided when it falls due. */
const outcome = (command: ConversationCommand, context: ConversationContext) => {
  try {
    return decideConversation(command, context, 'dueAt' in command ? command.dueAt : NOW);
  } catch (error) {
    return error;
  }
};

describe.each(HISTORIES)('%s', (_, history) => {
  const { conversation, agents } = fold(history.map((f) => stamp(f, T0)));
  const everything: ConversationContext = { conversation, agents, queueIds: new Set(['q1', 'q2']) };

  // Every deadline the state has, as the timer that fires it.
  const timers = deadlines(conversation!).map((d) => timer(d.kind, d.dueAt));

  it.each([...COMMANDS, ...timers].map((c): [string, ConversationCommand] => [c.type, c]))('%s', (_, command) => {
    const needs = contextNeeds(command, conversation);
    const declared: ConversationContext = {
      conversation,
      agents: new Map([...agents].filter(([id]) => needs.agentIds.includes(id))),
      queueIds: new Set(needs.queueIds.filter((id) => everything.queueIds.has(id))),
    };
    const decided = outcome(command, everything);
    expect(outcome(command, declared)).toEqual(decided);
    if (Array.isArray(decided)) {
      const written = decided.filter((e): e is AgentEvent => e.type.startsWith('agent.')).map((e) => e.data.agentId);
      for (const agentId of written) expect(needs.agentIds).toContain(agentId);
    }
  });
});

describe('a request', () => {
  it.each(ALL)('%s reads its workstream and its queue', (channel: Channel) => {
    const command = request(channel);
    expect(contextNeeds(command, undefined)).toEqual({ agentIds: [], queueIds: ['q1'], workstreamId: `ws-${channel}` });
    const context = { agents: new Map(), workstream: workstreamFor(channel), queueIds: new Set(['q1']) };
    expect(decideConversation(command, context, NOW)).toHaveLength(1);
  });
});
