import { AgentState } from '../agent/state';
import { addSeconds } from '../shared/time';
import { releaseHeld, wrapUpCapacity } from './capacity-effects';
import { ConversationCommand, TimerCommand, TimerKind, isTimerCommand } from './commands';
import { conversationEvent } from './events';
import { ConversationState } from './state';
import type { Decided } from './decided';

export interface Deadline {
  kind: TimerKind;
  dueAt: string;
}

/**
 * Every deadline a conversation has now, derived from its state alone: a restart or a replay
 * derives the same ones, and a change of state that cancels a timer simply stops deriving it.
 */
export const deadlines = (s: ConversationState): Deadline[] => {
  const result: Deadline[] = [];
  const { settings } = s;
  if (s.status === 'active' && s.agentDisconnectedAt) {
    result.push({
      kind: 'expireAgentDisconnect',
      dueAt: addSeconds(s.agentDisconnectedAt, settings.agentDisconnectTimeoutSeconds),
    });
  }
  if (s.status === 'active' && !s.accepted) {
    result.push({ kind: 'expireOffer', dueAt: addSeconds(s.statusSince, settings.offerTimeoutSeconds) });
  }
  if (s.status === 'waiting') {
    result.push({
      kind: 'expireWaiting',
      dueAt: addSeconds(s.lastActivityAt, settings.waitingInactivityTimeoutSeconds),
    });
  }
  const block = settings.wrapUpCapacityBlock;
  if (s.status === 'wrap_up' && s.capacityHolder && typeof block === 'object') {
    result.push({ kind: 'expireWrapUpBlock', dueAt: addSeconds(s.statusSince, block.minutes * 60) });
  }
  const autoClose = s.status === 'closed' ? undefined : settings.autoCloseSeconds[s.status];
  if (autoClose != null) result.push({ kind: 'autoClose', dueAt: addSeconds(s.statusSince, autoClose) });
  return result;
};

/**
 * A deadline that has passed is decided first. When a command meets a conversation whose deadline passed
 * before its timer fired (a restart, a busy tick), that deadline happened first: the timer it implies must
 * be decided before the command, which then meets the state the deadline left. Undefined when none is due.
 */
export const overdueTimer = (
  command: ConversationCommand,
  s: ConversationState | undefined,
  now: string,
): TimerCommand | undefined => {
  if (!s || isTimerCommand(command)) return undefined;
  const due = deadlines(s).find((d) => Date.parse(d.dueAt) <= Date.parse(now));
  return due && { type: due.kind, conversationId: s.id, dueAt: due.dueAt };
};

/**
 * A timer decides only if the deadline it was set for is still the conversation's deadline and has
 * passed; otherwise it is stale (cancelled or already fired) and decides nothing, so it cannot fire twice.
 */
export const decideTimer = (
  command: TimerCommand,
  s: ConversationState,
  agents: ReadonlyMap<string, AgentState>,
  now: string,
): Decided[] => {
  const current = deadlines(s).some((d) => d.kind === command.type && d.dueAt === command.dueAt);
  if (!current || Date.parse(now) < Date.parse(command.dueAt)) return [];
  const conversationId = s.id;
  const agentId = s.primaryAgentId;
  switch (command.type) {
    // An agent is primary whenever these two deadlines exist (a disconnect or an offer is an agent's).
    case 'expireAgentDisconnect': // T7
      return [
        conversationEvent(
          'conversation.returned_to_queue',
          { conversationId, agentId: agentId!, reason: 'agent_disconnect_timeout' },
          now,
        ),
        ...releaseHeld(s, agents, 'agent_disconnect_timeout', now),
      ];
    case 'expireOffer':
      return [
        conversationEvent(
          'conversation.assignment_rejected',
          { conversationId, agentId: agentId!, reason: 'offer_timeout' },
          now,
        ),
        ...releaseHeld(s, agents, 'offer_timeout', now),
      ];
    case 'expireWaiting': // T15
      return [conversationEvent('conversation.closed', { conversationId, reason: 'inactivity_timeout' }, now)];
    case 'expireWrapUpBlock':
      return [
        conversationEvent('conversation.wrap_up_block_expired', { conversationId, agentId: s.capacityHolder! }, now),
        ...releaseHeld(s, agents, 'wrap_up_block_expired', now),
      ];
    case 'autoClose':
      if (s.status === 'active') {
        return [
          conversationEvent('conversation.ended', { conversationId, agentId, endedBy: 'system' }, now),
          ...wrapUpCapacity(s, agents, now),
        ];
      }
      return [
        conversationEvent('conversation.closed', { conversationId, reason: 'auto_closed' }, now),
        ...releaseHeld(s, agents, 'auto_closed', now),
      ];
  }
};
