import { ConversationEvent } from './events';
import { ConversationState, StatusReason } from './state';

/** A conversation is a function of its events: `events.reduce(evolveConversation, undefined)`. */
export const evolveConversation = (
  state: ConversationState | undefined,
  event: ConversationEvent,
): ConversationState => {
  if (event.type === 'conversation.requested') {
    const { conversationId, channel, workstreamId, queueId, customer, settings } = event.data;
    return {
      id: conversationId,
      channel,
      workstreamId,
      queueId,
      customer,
      settings,
      status: 'open',
      accepted: false,
      openedAt: event.at,
      statusSince: event.at,
      lastActivityAt: event.at,
      updatedAt: event.at,
    };
  }
  if (!state) throw new Error(`${event.type} before conversation.requested for ${event.data.conversationId}`);
  const s: ConversationState = { ...state, updatedAt: event.at };
  switch (event.type) {
    case 'conversation.picked':
    case 'conversation.resumed':
      return toActive(s, event.data.agentId, true, event.at);
    case 'conversation.assigned':
      return toActive(s, event.data.agentId, false, event.at);
    case 'conversation.transferred_to_agent':
      return toActive(s, event.data.toAgentId, !event.data.offered, event.at);
    case 'conversation.accepted': {
      const { declinedBy: _declined, ...rest } = s;
      return { ...rest, accepted: true, lastPrimaryAgentId: event.data.agentId };
    }
    case 'conversation.transferred_to_external': {
      const { primaryAgentId: _agent, capacityHolder: _holder, agentDisconnectedAt: _at, ...rest } = s;
      return { ...rest, primaryExternalNumber: event.data.toExternalNumber, accepted: true };
    }
    case 'conversation.ended':
      return moveTo({ ...s, capacityHolder: wrapUpHolder(s) }, 'wrap_up', event.at);
    case 'conversation.assignment_rejected':
      return toOpen({ ...s, declinedBy: [...(s.declinedBy ?? []), event.data.agentId] }, s.queueId, event.at);
    case 'conversation.returned_to_queue':
      // An agent who hands the conversation back (release) is not kept as its agent; one who lost it is.
      return toOpen(event.data.reason === 'released' ? withoutLastAgent(s) : s, s.queueId, event.at);
    case 'conversation.customer_returned':
      return toOpen(s, s.queueId, event.at);
    case 'conversation.transferred_to_queue':
      return toOpen(withoutLastAgent(s), event.data.toQueueId, event.at);
    case 'conversation.parked': {
      const { capacityHolder: _holder, agentDisconnectedAt: _at, ...rest } = s;
      return moveTo({ ...rest, lastActivityAt: event.at }, 'waiting', event.at);
    }
    case 'conversation.abandoned':
    case 'conversation.closed': {
      const { capacityHolder: _holder, agentDisconnectedAt: _at, ...rest } = s;
      return { ...moveTo(rest, 'closed', event.at), closedAt: event.at };
    }
    case 'conversation.wrap_up_block_expired': {
      const { capacityHolder: _holder, ...rest } = s;
      return rest;
    }
    case 'conversation.customer_message':
    case 'conversation.agent_message':
      return { ...s, lastActivityAt: event.at };
    case 'conversation.agent_disconnected':
      return { ...s, agentDisconnectedAt: event.at };
    case 'conversation.agent_reconnected': {
      const { agentDisconnectedAt: _at, ...rest } = s;
      return rest;
    }
    case 'conversation.customer_left':
    case 'conversation.customer_reconnected':
      return s;
  }
};

const moveTo = (s: ConversationState, status: StatusReason, at: string): ConversationState => ({
  ...s,
  status,
  statusSince: at,
});

/** An offer (not yet accepted) does not make its agent the conversation's last agent: only holding it does. */
const toActive = (s: ConversationState, agentId: string, accepted: boolean, at: string): ConversationState => {
  const { primaryExternalNumber: _number, agentDisconnectedAt: _at, declinedBy, ...rest } = s;
  const active = {
    ...rest,
    primaryAgentId: agentId,
    ...(accepted && { lastPrimaryAgentId: agentId }),
    capacityHolder: agentId,
    accepted,
  };
  // Only an offer keeps the list of agents who declined: once an agent holds it, routing starts afresh.
  return moveTo(accepted || !declinedBy ? active : { ...active, declinedBy }, 'active', at);
};

const toOpen = (s: ConversationState, queueId: string, at: string): ConversationState => {
  const {
    primaryAgentId: _agent,
    primaryExternalNumber: _number,
    capacityHolder: _holder,
    agentDisconnectedAt: _at,
    ...rest
  } = s;
  return moveTo({ ...rest, queueId, accepted: false, lastActivityAt: at }, 'open', at);
};

const withoutLastAgent = (s: ConversationState): ConversationState => {
  const { lastPrimaryAgentId: _last, ...rest } = s;
  return rest;
};

/** During wrap-up the agent keeps their units unless the workstream says `never`. */
const wrapUpHolder = (s: ConversationState): string | undefined =>
  s.settings.wrapUpCapacityBlock === 'never' ? undefined : s.capacityHolder;
