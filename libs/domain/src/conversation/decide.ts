import { Decided } from './decided';
import { freeUnits, hasRoomFor } from '../agent/capacity';
import { AgentState } from '../agent/state';
import { isAsynchronous } from '../channel/channel';
import { DomainError, forbidden, invalid, notFound } from '../shared/errors';
import { autoCloseFor } from '../workstream/defaults';
import { isWithinOperatingHours } from '../workstream/operating-hours';
import { Workstream } from '../workstream/settings';
import { hold, releaseHeld, wrapUpCapacity } from './capacity-effects';
import { ConversationCommand } from './commands';
import { ConversationEventMap, ConversationEventType, conversationEvent } from './events';
import { Folded } from './fold';
import { notAllowed, requireAccepted, requireAgent, requirePrimary, requireStatus } from './rules';
import { ConversationState } from './state';
import { decideSupervisor } from './supervisor';
import { decideTimer } from './timers';

export interface ConversationContext extends Folded {
  /** Every agent the command names, and the agent whose capacity the conversation holds. */
  agents: ReadonlyMap<string, AgentState>;
  /** The workstream named by a `request`. */
  workstream?: Workstream;
  /** Which of the queues the command names exist. */
  queueIds: ReadonlySet<string>;
}

/** What a command handler loads into the context, beside the conversation: see `contextNeeds`. */
export interface ContextNeeds {
  /** Agents whose state the decision reads: every agent stream it may write is among them. */
  agentIds: string[];
  /** Queues whose existence the decision checks. */
  queueIds: string[];
  /** The workstream whose settings a request takes. */
  workstreamId?: string;
}

/**
 * What `decideConversation` reads for each command, declared beside it so the handler loads exactly that.
 * `s.capacityHolder` is the agent whose units the conversation holds: read when the command may release them
 * or keep them for wrap-up.
 */
export const contextNeeds = (command: ConversationCommand, s: ConversationState | undefined): ContextNeeds => {
  const holder = s?.capacityHolder ? [s.capacityHolder] : [];
  const agents = (...agentIds: string[]): ContextNeeds => ({ agentIds: [...new Set(agentIds)], queueIds: [] });
  switch (command.type) {
    case 'request':
      return { agentIds: [], queueIds: [command.queueId], workstreamId: command.workstreamId };
    case 'pick':
    case 'assign':
    case 'resume':
      // The agent's membership, presence and room; the holder too, so nothing held is ever left unread.
      return agents(command.agentId, ...holder);
    case 'supervisorAssign':
      return agents(command.agentId, ...holder);
    case 'transfer':
    case 'supervisorTransfer': {
      const { target } = command;
      return {
        agentIds: [...new Set([...('toAgentId' in target ? [target.toAgentId] : []), ...holder])],
        queueIds: 'toQueueId' in target ? [target.toQueueId] : [],
      };
    }
    case 'reject':
    case 'end':
    case 'closeSession':
    case 'release':
    case 'resolve':
    case 'customerEnd':
    case 'customerDisconnect':
    case 'expireAgentDisconnect':
    case 'expireOffer':
    case 'expireWrapUpBlock':
    case 'autoClose':
    case 'forceClose':
      return agents(...holder);
    case 'accept':
    case 'agentMessage':
    case 'customerReconnect':
    case 'customerMessage':
    case 'agentDisconnect':
    case 'agentReconnect':
    case 'expireWaiting':
      return agents();
  }
};

/**
 * Every conversation command is decided here, one branch per command, each citing the transition it makes
 * (T1–T17, X1–X3, S1–S4: docs/lifecycle.md); a supervisor's in `supervisor.ts`. Pure: the context and `now` are all it reads; it answers the
 * conversation events and the capacity events that go with them, or throws a DomainError.
 */
export const decideConversation = (command: ConversationCommand, ctx: ConversationContext, now: string): Decided[] => {
  if (command.type === 'request') return request(command, ctx, now);
  const s = ctx.conversation;
  if (!s) throw notFound('conversation', command.conversationId);
  if (s.status === 'closed') throw notAllowed(command, s, 'closed is final');
  const event = <K extends ConversationEventType>(type: K, data: Omit<ConversationEventMap[K], 'conversationId'>) =>
    conversationEvent(type, { conversationId: s.id, ...data } as ConversationEventMap[K], now);
  const release = (reason: string) => releaseHeld(s, ctx.agents, reason, now);

  switch (command.type) {
    case 'pick': // T1
    case 'assign': {
      // T2
      requireStatus(command, s, 'open');
      const agent = requireAgent(ctx.agents, command.agentId);
      if (!agent.queueIds.includes(s.queueId)) {
        throw forbidden(`agent '${agent.id}' is not a member of queue '${s.queueId}'`);
      }
      requireRoom(command, s, agent);
      const type = command.type === 'pick' ? 'conversation.picked' : 'conversation.assigned';
      return [event(type, { agentId: agent.id, units: s.settings.capacityUnits }), hold(agent.id, s, now)];
    }
    case 'accept':
      requirePrimary(command, s, command.agentId);
      requireStatus(command, s, 'active');
      if (s.accepted) throw notAllowed(command, s, 'already accepted');
      return [event('conversation.accepted', { agentId: command.agentId })];
    case 'reject':
      requirePrimary(command, s, command.agentId);
      requireStatus(command, s, 'active');
      if (s.accepted) throw notAllowed(command, s, 'already accepted');
      return [
        event('conversation.assignment_rejected', { agentId: command.agentId, reason: 'rejected' }),
        ...release('rejected'),
      ];
    case 'end':
      requirePrimary(command, s, command.agentId);
      if (s.status === 'wrap_up') return closeAfterWrapUp(s, command.agentId);
      requireStatus(command, s, 'active');
      requireAccepted(command, s);
      // T4
      return [
        event('conversation.ended', { agentId: command.agentId, endedBy: 'agent' }),
        ...wrapUpCapacity(s, ctx.agents, now),
      ];
    case 'closeSession':
      requirePrimary(command, s, command.agentId);
      if (s.status === 'wrap_up') return closeAfterWrapUp(s, command.agentId);
      requireStatus(command, s, 'active');
      requireAccepted(command, s);
      if (s.channel === 'live_chat') {
        // T10
        return [
          event('conversation.returned_to_queue', { agentId: command.agentId, reason: 'session_closed' }),
          ...release('session_closed'),
        ];
      }
      if (isAsynchronous(s.channel)) {
        // T11
        return [event('conversation.parked', { agentId: command.agentId }), ...release('parked')];
      }
      throw notAllowed(
        command,
        s,
        `a ${s.channel} conversation is ended${s.channel === 'record' ? ' or resolved' : ''}, not parked`,
      );
    case 'release': // T8
      requirePrimary(command, s, command.agentId);
      requireStatus(command, s, 'active');
      if (!s.accepted) {
        // Giving back an offer not yet accepted is declining it: distribution will try someone else.
        return [
          event('conversation.assignment_rejected', { agentId: command.agentId, reason: 'rejected' }),
          ...release('rejected'),
        ];
      }
      return [
        event('conversation.returned_to_queue', { agentId: command.agentId, reason: 'released' }),
        ...release('released'),
      ];
    case 'transfer':
      requirePrimary(command, s, command.agentId);
      requireStatus(command, s, 'active');
      requireAccepted(command, s);
      return transfer(command, s, ctx, now);
    case 'resume': {
      // T16
      requireStatus(command, s, 'waiting');
      if (s.primaryAgentId !== command.agentId) {
        throw forbidden(
          `conversation '${s.id}' is in the work items of agent '${s.primaryAgentId}', not '${command.agentId}'`,
        );
      }
      const agent = requireAgent(ctx.agents, command.agentId);
      requireRoom(command, s, agent);
      return [
        event('conversation.resumed', { agentId: agent.id, units: s.settings.capacityUnits }),
        hold(agent.id, s, now),
      ];
    }
    case 'resolve': // T12
      requirePrimary(command, s, command.agentId);
      requireStatus(command, s, 'active');
      if (s.channel !== 'record') throw notAllowed(command, s, `only a record is resolved, this is ${s.channel}`);
      requireAccepted(command, s);
      return [event('conversation.closed', { reason: 'resolved', agentId: command.agentId }), ...release('closed')];
    case 'agentMessage':
      requirePrimary(command, s, command.agentId);
      requireStatus(command, s, 'active', 'waiting');
      return [event('conversation.agent_message', { agentId: command.agentId, text: command.text })];
    case 'customerEnd':
    case 'customerDisconnect':
      return customerLeaves(command, s, ctx, now);
    case 'customerReconnect':
      return [event('conversation.customer_reconnected', {})];
    case 'customerMessage':
      if (s.status === 'waiting') {
        // T17
        const owner = s.primaryAgentId ? { agentId: s.primaryAgentId } : {};
        return [
          event('conversation.customer_returned', owner),
          event('conversation.customer_message', { text: command.text }),
        ];
      }
      return [event('conversation.customer_message', { text: command.text })];
    case 'agentDisconnect':
      requirePrimary(command, s, command.agentId);
      requireStatus(command, s, 'active');
      // S4 when a supervisor signs the agent out: T7 then runs as for any disconnect.
      return s.agentDisconnectedAt
        ? []
        : [
            event('conversation.agent_disconnected', {
              agentId: command.agentId,
              ...(command.supervisor && { supervisor: command.supervisor }),
            }),
          ];
    case 'agentReconnect':
      if (s.status === 'active') requirePrimary(command, s, command.agentId);
      return s.agentDisconnectedAt ? [event('conversation.agent_reconnected', { agentId: command.agentId })] : [];
    case 'supervisorAssign':
    case 'supervisorTransfer':
    case 'forceClose':
      return decideSupervisor(command, s, ctx, now);
    case 'expireAgentDisconnect':
    case 'expireOffer':
    case 'expireWaiting':
    case 'expireWrapUpBlock':
    case 'autoClose':
      return decideTimer(command, s, ctx.agents, now);
  }

  // T14: after wrap-up, End or closing the session closes it.
  function closeAfterWrapUp(s: ConversationState, agentId: string): Decided[] {
    return [event('conversation.closed', { reason: 'wrap_up_completed', agentId }), ...release('closed')];
  }
};

const request = (
  command: Extract<ConversationCommand, { type: 'request' }>,
  ctx: ConversationContext,
  now: string,
): Decided[] => {
  if (ctx.conversation) throw notAllowed(command, ctx.conversation, 'it already exists');
  const ws = ctx.workstream;
  if (!ws) throw notFound('workstream', command.workstreamId);
  if (!ctx.queueIds.has(command.queueId)) throw notFound('queue', command.queueId);
  if (ws.channel !== command.channel) {
    throw invalid('channel', `must be '${ws.channel}', the channel of workstream '${ws.id}', not '${command.channel}'`);
  }
  if (command.channel === 'live_chat' && !isWithinOperatingHours(ws.operatingHours, now)) {
    throw new DomainError(
      'not_allowed',
      `no live agent is available: workstream '${ws.id}' is outside its operating hours; the chat was not accepted`,
    );
  }
  if (command.channel === 'persistent_chat' && !command.customer.authenticated) {
    throw invalid('customer.authenticated', 'must be true: a persistent chat needs an authenticated customer');
  }
  const { id: _id, channel: _channel, operatingHours: _hours, autoCloseSeconds, ...rest } = ws;
  const settings = { ...rest, autoCloseSeconds: autoCloseFor(ws.channel, autoCloseSeconds) };
  const { conversationId, channel, workstreamId, queueId, customer } = command;
  return [
    conversationEvent(
      'conversation.requested',
      { conversationId, channel, workstreamId, queueId, customer, settings },
      now,
    ),
  ];
};

const requireRoom = (command: ConversationCommand, s: ConversationState, agent: AgentState) => {
  if (agent.presence === 'offline') throw notAllowed(command, s, `agent '${agent.id}' is offline`);
  if (!hasRoomFor(agent, s.settings.capacityUnits)) {
    throw notAllowed(
      command,
      s,
      `agent '${agent.id}' has ${freeUnits(agent)} free capacity units, ${s.settings.capacityUnits} needed`,
    );
  }
};

/** X1–X3: the original agent's capacity is released immediately in every case. */
const transfer = (
  command: Extract<ConversationCommand, { type: 'transfer' }>,
  s: ConversationState,
  ctx: ConversationContext,
  now: string,
): Decided[] => {
  const from = command.agentId;
  const released = releaseHeld(s, ctx.agents, 'transferred', now);
  const target = command.target;
  if ('toQueueId' in target) {
    // X3 (T9)
    if (!ctx.queueIds.has(target.toQueueId)) throw notFound('queue', target.toQueueId);
    const data = { conversationId: s.id, fromAgentId: from, fromQueueId: s.queueId, toQueueId: target.toQueueId };
    return [conversationEvent('conversation.transferred_to_queue', data, now), ...released];
  }
  if ('toAgentId' in target) {
    // X2
    const to = requireAgent(ctx.agents, target.toAgentId);
    if (to.id === from) throw notAllowed(command, s, `agent '${from}' is already its primary agent`);
    requireRoom(command, s, to);
    const data = { conversationId: s.id, fromAgentId: from, toAgentId: to.id, units: s.settings.capacityUnits };
    return [conversationEvent('conversation.transferred_to_agent', data, now), ...released, hold(to.id, s, now)];
  }
  // X1
  const data = { conversationId: s.id, fromAgentId: from, toExternalNumber: target.toExternalNumber };
  return [conversationEvent('conversation.transferred_to_external', data, now), ...released];
};

/**
 * The customer ends the chat or their connection drops. Only a live chat can be ended by its customer
 * (T3, T5, T6, T13); anywhere else the fact is recorded and the status stays as it is.
 */
const customerLeaves = (
  command: { type: 'customerEnd' | 'customerDisconnect' },
  s: ConversationState,
  ctx: ConversationContext,
  now: string,
): Decided[] => {
  const how = command.type === 'customerEnd' ? ('ended' as const) : ('disconnected' as const);
  const conversationId = s.id;
  if (s.channel === 'live_chat' && s.status === 'open') {
    return [conversationEvent('conversation.abandoned', { conversationId, how }, now)]; // T3
  }
  if (s.channel === 'live_chat' && s.status === 'active' && s.primaryExternalNumber) {
    // T5/T6 after X1: the external party held it, no agent's capacity is involved.
    const endedBy = how === 'ended' ? 'customer' : 'customer_disconnected';
    return [conversationEvent('conversation.ended', { conversationId, endedBy }, now)];
  }
  if (s.channel === 'live_chat' && s.status === 'active' && s.primaryAgentId) {
    if (!s.accepted) {
      // T13
      const data = { conversationId, how, agentId: s.primaryAgentId };
      return [conversationEvent('conversation.abandoned', data, now), ...releaseHeld(s, ctx.agents, 'abandoned', now)];
    }
    // T5, T6
    const endedBy = how === 'ended' ? 'customer' : 'customer_disconnected';
    const data = { conversationId, agentId: s.primaryAgentId, endedBy } as const;
    return [conversationEvent('conversation.ended', data, now), ...wrapUpCapacity(s, ctx.agents, now)];
  }
  return [conversationEvent('conversation.customer_left', { conversationId, how }, now)];
};
